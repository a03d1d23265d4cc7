#!/usr/bin/python3
"""Writes the PyTorch parity fixtures that tests/parity/*.cpp replay against deepfin.

Run by hand (never by CI), with Debian's python3-torch:
    /usr/bin/python3 tests/parity/generate_fixtures.py

Every fixture is one small JSON file in tests/parity/fixtures/. Tensors are stored as
{"shape": [...], "dtype": "float64"|"int64", "data": [flat row-major values]} in deepfin's
layout (NHWC images, HWIO conv kernels, (in, out) dense weights); the mapping to torch's
layouts happens here, inside the torch graph, so the stored gradients are already in
deepfin layout. See README.md for the full table of conventions.

Op fixtures hold inputs, attrs, a random R, the output, and the gradients of sum(out * R)
with respect to every float input. Optimizer fixtures hold a fixed sequence of gradients and
the parameters after each step.
"""
import json
import math
import pathlib
import zlib

import torch
import torch.nn.functional as F

OUT_DIR = pathlib.Path(__file__).resolve().parent / "fixtures"
SEED = 20240611
torch.set_default_dtype(torch.float64)


def tensor_json(t):
    t = t.detach()
    dtype = "int64" if t.dtype == torch.int64 else "float64"
    values = t.reshape(-1).tolist()
    return {"shape": list(t.shape), "dtype": dtype, "data": values}


def write(name, payload):
    payload = {"name": name, "torch_version": torch.__version__, **payload}
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with open(OUT_DIR / f"{name}.json", "w") as f:
        json.dump(payload, f, separators=(",", ":"))
    return name


def op_case(name, op, fn, inputs, attrs=None, no_grad=()):
    """Runs fn(**inputs) in float64, backpropagates sum(out * R) and stores it all."""
    leaves = {}
    for key, value in inputs.items():
        value = value.clone()
        if value.is_floating_point() and key not in no_grad:
            value.requires_grad_(True)
        leaves[key] = value
    out = fn(**leaves)
    r = torch.randn(out.shape)
    (out * r).sum().backward()
    grads = {k: tensor_json(v.grad) for k, v in leaves.items() if v.grad is not None}
    return write(name, {
        "op": op,
        "attrs": attrs or {},
        "inputs": {k: tensor_json(v) for k, v in leaves.items()},
        "R": tensor_json(r),
        "output": tensor_json(out),
        "grads": grads,
    })


# ---------------------------------------------------------------- layout helpers

def nhwc_to_nchw(x):
    return x.permute(0, 3, 1, 2)


def nchw_to_nhwc(x):
    return x.permute(0, 2, 3, 1)


def hwio_to_oihw(w):
    return w.permute(3, 2, 0, 1)


def same_pads(size, kernel, stride, dilation=1):
    """TensorFlow/Keras 'same': out = ceil(in / s); the extra pad goes after."""
    pad_total = max((math.ceil(size / stride) - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    before = pad_total // 2
    return before, pad_total - before


def pad_same_nchw(x, kh, kw, strides, dilation=(1, 1), value=0.0):
    top, bottom = same_pads(x.shape[2], kh, strides[0], dilation[0])
    left, right = same_pads(x.shape[3], kw, strides[1], dilation[1])
    return F.pad(x, (left, right, top, bottom), value=value)


# ---------------------------------------------------------------- conv and pooling

def conv2d_nhwc(x, kernel, bias=None, strides=(1, 1), padding="valid", dilation=(1, 1)):
    xc = nhwc_to_nchw(x)
    if padding == "same":
        xc = pad_same_nchw(xc, kernel.shape[0], kernel.shape[1], strides, dilation)
    y = F.conv2d(xc, hwio_to_oihw(kernel), bias, stride=strides, dilation=dilation)
    return nchw_to_nhwc(y)


def conv_cases():
    names = []
    specs = [
        ("conv2d_valid", (2, 6, 5, 3), (3, 3, 3, 4), dict(strides=(1, 1), padding="valid", dilation=(1, 1)), False),
        ("conv2d_same", (2, 5, 6, 2), (3, 2, 2, 3), dict(strides=(1, 1), padding="same", dilation=(1, 1)), False),
        ("conv2d_same_stride2", (1, 7, 6, 2), (3, 3, 2, 3), dict(strides=(2, 2), padding="same", dilation=(1, 1)),
         False),
        ("conv2d_stride2_valid", (2, 7, 7, 2), (3, 3, 2, 2), dict(strides=(2, 2), padding="valid", dilation=(1, 1)),
         False),
        ("conv2d_dilation2", (1, 7, 8, 2), (3, 3, 2, 3), dict(strides=(1, 1), padding="valid", dilation=(2, 2)), False),
        ("conv2d_dilation2_same", (1, 6, 6, 1), (3, 2, 1, 2), dict(strides=(1, 1), padding="same", dilation=(2, 2)),
         False),
        ("conv2d_bias", (2, 5, 5, 3), (2, 2, 3, 4), dict(strides=(1, 1), padding="valid", dilation=(1, 1)), True),
        ("conv2d_bias_same_stride2", (2, 6, 5, 2), (3, 3, 2, 3), dict(strides=(2, 1), padding="same", dilation=(1, 1)),
         True),
    ]
    for name, xshape, kshape, attrs, with_bias in specs:
        inputs = {"x": torch.randn(xshape), "kernel": torch.randn(kshape)}
        if with_bias:
            inputs["bias"] = torch.randn(kshape[3])
        names.append(op_case(name, "conv2d", lambda **t: conv2d_nhwc(**t, **attrs), inputs,
                             {k: list(v) if isinstance(v, tuple) else v for k, v in attrs.items()}))
    return names


def max_pool_nhwc(x, pool_size, strides, padding):
    xc = nhwc_to_nchw(x)
    if padding == "same":
        xc = pad_same_nchw(xc, pool_size[0], pool_size[1], strides, value=-math.inf)
    return nchw_to_nhwc(F.max_pool2d(xc, pool_size, strides))


def avg_pool_nhwc(x, pool_size, strides, padding="valid"):
    xc = nhwc_to_nchw(x)
    if padding == "valid":
        return nchw_to_nhwc(F.avg_pool2d(xc, pool_size, strides))
    # Keras "same" leaves padded cells out of the mean: window sum / number of real cells.
    sums = F.avg_pool2d(pad_same_nchw(xc, *pool_size, strides), pool_size, strides)
    counts = F.avg_pool2d(pad_same_nchw(torch.ones_like(xc), *pool_size, strides), pool_size, strides)
    return nchw_to_nhwc(sums / counts)


def pool_cases():
    names = []
    for name, shape, pool, strides, padding in [
        ("max_pool2d_valid", (2, 6, 6, 3), (2, 2), (2, 2), "valid"),
        ("max_pool2d_valid_overlap", (1, 7, 6, 2), (3, 2), (2, 1), "valid"),
        ("max_pool2d_same", (2, 5, 7, 2), (2, 2), (2, 2), "same"),
        ("max_pool2d_same_3x3", (1, 6, 5, 2), (3, 3), (2, 2), "same"),
    ]:
        attrs = {"pool_size": list(pool), "strides": list(strides), "padding": padding}
        names.append(op_case(name, "max_pool2d", lambda x: max_pool_nhwc(x, pool, strides, padding),
                             {"x": torch.randn(shape)}, attrs))
    for name, shape, pool, strides, padding in [
        ("avg_pool2d_valid", (2, 6, 6, 3), (2, 2), (2, 2), "valid"),
        ("avg_pool2d_valid_overlap", (1, 7, 5, 2), (3, 2), (2, 1), "valid"),
        ("avg_pool2d_same", (1, 5, 7, 2), (3, 3), (2, 2), "same"),
    ]:
        attrs = {"pool_size": list(pool), "strides": list(strides), "padding": padding}
        names.append(op_case(name, "avg_pool2d", lambda x: avg_pool_nhwc(x, pool, strides, padding),
                             {"x": torch.randn(shape)}, attrs))
    names.append(op_case("global_avg_pool2d", "global_avg_pool2d", lambda x: x.mean(dim=(1, 2)),
                         {"x": torch.randn(2, 4, 3, 5)}))
    return names


# ---------------------------------------------------------------- matmul, linear, softmax

def linalg_cases():
    names = [
        op_case("matmul_2d", "matmul", lambda a, b: a @ b, {"a": torch.randn(3, 4), "b": torch.randn(4, 5)}),
        op_case("matmul_batched", "matmul", lambda a, b: a @ b,
                {"a": torch.randn(2, 3, 4), "b": torch.randn(2, 4, 2)}),
        op_case("matmul_broadcast", "matmul", lambda a, b: a @ b,
                {"a": torch.randn(2, 1, 3, 4), "b": torch.randn(3, 4, 2)}),
        op_case("matmul_broadcast_rhs_2d", "matmul", lambda a, b: a @ b,
                {"a": torch.randn(2, 3, 4), "b": torch.randn(4, 5)}),
    ]
    # deepfin W is (in, out); torch.nn.functional.linear wants weight (out, in) = W.T.
    names.append(op_case("linear_bias", "linear", lambda x, W, b: F.linear(x, W.t(), b),
                         {"x": torch.randn(4, 5), "W": torch.randn(5, 3), "b": torch.randn(3)}))
    names.append(op_case("linear_3d_input", "linear", lambda x, W, b: F.linear(x, W.t(), b),
                         {"x": torch.randn(2, 3, 5), "W": torch.randn(5, 4), "b": torch.randn(4)}))
    names.append(op_case("linear_no_bias", "linear", lambda x, W: F.linear(x, W.t()),
                         {"x": torch.randn(3, 6), "W": torch.randn(6, 2)}))
    return names


def softmax_cases():
    names = []
    for fn_name, fn in [("softmax", torch.softmax), ("log_softmax", torch.log_softmax)]:
        for suffix, shape, axis in [("last_2d", (3, 5), -1), ("last_3d", (2, 3, 4), -1), ("axis1_3d", (2, 3, 4), 1)]:
            names.append(op_case(f"{fn_name}_{suffix}", fn_name, lambda x: fn(x, axis),
                                 {"x": 3 * torch.randn(shape)}, {"axis": axis}))
    return names


# ---------------------------------------------------------------- fused losses

def reduce_keras(per_sample, weights=None):
    """Keras 'sum_over_batch_size': sum(w_i * l_i) / N (weights default to 1)."""
    if weights is not None:
        per_sample = per_sample * weights
    return per_sample.sum() / per_sample.shape[0]


def per_sample_mean(elementwise):
    return elementwise.reshape(elementwise.shape[0], -1).mean(dim=1)


def loss_cases():
    n, c = 5, 4
    logits = 2 * torch.randn(n, c)
    labels = torch.randint(0, c, (n,))
    onehot = F.one_hot(labels, c).to(torch.float64)
    weights = torch.rand(n) + 0.25
    names = []

    def softmax_ce(logits, targets, weights=None):
        return reduce_keras(-(targets * torch.log_softmax(logits, -1)).sum(-1), weights)

    def sparse_ce(logits, labels, weights=None):
        return reduce_keras(F.cross_entropy(logits, labels, reduction="none"), weights)

    def sigmoid_bce(logits, targets, weights=None):
        return reduce_keras(per_sample_mean(F.binary_cross_entropy_with_logits(logits, targets, reduction="none")),
                            weights)

    def mse(pred, target, weights=None):
        return reduce_keras(per_sample_mean((pred - target) ** 2), weights)

    def mae(pred, target, weights=None):
        return reduce_keras(per_sample_mean((pred - target).abs()), weights)

    def huber(delta):
        def fn(pred, target, weights=None):
            return reduce_keras(per_sample_mean(F.huber_loss(pred, target, reduction="none", delta=delta)), weights)
        return fn

    targets_fixed = ("targets", "labels", "target", "weights")
    soft_targets = torch.softmax(torch.randn(n, c), -1)
    names.append(op_case("softmax_ce_onehot", "softmax_cross_entropy", softmax_ce,
                         {"logits": logits, "targets": onehot}, no_grad=targets_fixed))
    names.append(op_case("softmax_ce_soft_targets", "softmax_cross_entropy", softmax_ce,
                         {"logits": logits, "targets": soft_targets}, no_grad=targets_fixed))
    names.append(op_case("softmax_ce_onehot_weighted", "softmax_cross_entropy", softmax_ce,
                         {"logits": logits, "targets": onehot, "weights": weights}, no_grad=targets_fixed))
    names.append(op_case("sparse_softmax_ce", "sparse_softmax_cross_entropy", sparse_ce,
                         {"logits": logits, "labels": labels}, no_grad=targets_fixed))
    names.append(op_case("sparse_softmax_ce_weighted", "sparse_softmax_cross_entropy", sparse_ce,
                         {"logits": logits, "labels": labels, "weights": weights}, no_grad=targets_fixed))

    bce_logits = 2 * torch.randn(n, 3)
    bce_targets = (torch.rand(n, 3) > 0.5).to(torch.float64)
    names.append(op_case("sigmoid_bce", "sigmoid_binary_cross_entropy", sigmoid_bce,
                         {"logits": bce_logits, "targets": bce_targets}, no_grad=targets_fixed))
    names.append(op_case("sigmoid_bce_weighted", "sigmoid_binary_cross_entropy", sigmoid_bce,
                         {"logits": bce_logits, "targets": bce_targets, "weights": weights}, no_grad=targets_fixed))

    pred, target = torch.randn(n, 3), torch.randn(n, 3)
    for name, op, fn, attrs in [
        ("mse", "mse_loss", mse, {}),
        ("mae", "mae_loss", mae, {}),
        ("huber_delta1", "huber_loss", huber(1.0), {"delta": 1.0}),
        ("huber_delta0_5", "huber_loss", huber(0.5), {"delta": 0.5}),
    ]:
        names.append(op_case(name, op, fn, {"pred": pred, "target": target}, attrs, no_grad=targets_fixed))
        names.append(op_case(name + "_weighted", op, fn, {"pred": pred, "target": target, "weights": weights}, attrs,
                             no_grad=targets_fixed))
    # A 3-D regression target: the per-sample loss averages over every non-batch axis.
    names.append(op_case("mse_3d", "mse_loss", mse, {"pred": torch.randn(2, 3, 2), "target": torch.randn(2, 3, 2)},
                         no_grad=targets_fixed))

    # QLIKE on a log-variance forecast s of a realized variance y >= 0, written from its
    # formula: y e^-s + s - log(y) - 1, with log(y) + 1 dropped where y = 0.
    def qlike(pred, target, weights=None):
        const = torch.where(target > 0, torch.log(target.clamp_min(1e-300)) + 1, torch.zeros_like(target))
        return reduce_keras(per_sample_mean(target * torch.exp(-pred) + pred - const), weights)

    log_var, realized = torch.randn(n, 3), torch.rand(n, 3) * 2
    realized[0, 1] = 0.0  # a day without a move
    names.append(op_case("qlike", "qlike_loss", qlike, {"pred": log_var, "target": realized}, no_grad=targets_fixed))
    names.append(op_case("qlike_weighted", "qlike_loss", qlike, {"pred": log_var, "target": realized,
                                                                 "weights": weights}, no_grad=targets_fixed))
    return names


# ---------------------------------------------------------------- the seed CNN

def seed_cnn_case():
    """conv 3x3x1->4 + relu -> maxpool 2 -> flatten (NHWC order) -> linear -> softmax CE."""
    n, classes = 2, 3
    inputs = {
        "x": torch.randn(n, 8, 8, 1),
        "kernel": 0.5 * torch.randn(3, 3, 1, 4),
        "bias": 0.1 * torch.randn(4),
        "W": 0.3 * torch.randn(3 * 3 * 4, classes),
        "b": 0.1 * torch.randn(classes),
        "targets": F.one_hot(torch.tensor([2, 0]), classes).to(torch.float64),
    }

    def model(x, kernel, bias, W, b, targets):
        h = torch.relu(conv2d_nhwc(x, kernel, bias))           # (N, 6, 6, 4) NHWC
        h = max_pool_nhwc(h, (2, 2), (2, 2), "valid")          # (N, 3, 3, 4) NHWC
        h = h.reshape(n, -1)                                   # flatten in NHWC order, as deepfin does
        logits = F.linear(h, W.t(), b)
        return reduce_keras(-(targets * torch.log_softmax(logits, -1)).sum(-1))

    return [op_case("seed_cnn", "seed_cnn", model, inputs, no_grad=("targets",))]


# ---------------------------------------------------------------- categorical embedding

def categorical_embedding_case():
    """CategoricalEmbedding: numeric columns 0, 2, 4 pass through; column 1 (4 codes) and column 3
    (3 codes) become nn.Embedding rows; output = cat(numeric, emb_1, emb_3). x's gradient is zero
    on the code columns (codes are not differentiable)."""
    n = 6
    x = torch.randn(n, 5)
    x[:, 1] = torch.tensor([0, 3, 1, 2, 3, 1], dtype=torch.float64)
    x[:, 3] = torch.tensor([2, 0, 0, 1, 2, 2], dtype=torch.float64)
    inputs = {"x": x, "embeddings_1": torch.randn(4, 3), "embeddings_3": torch.randn(3, 2)}

    def layer(x, embeddings_1, embeddings_3):
        # F.embedding is nn.Embedding's forward; called directly so the gradients land on these leaves
        # (nn.Embedding.from_pretrained would wrap the tables in new Parameters).
        numeric = x[:, [0, 2, 4]]
        return torch.cat([numeric, F.embedding(x[:, 1].long(), embeddings_1), F.embedding(x[:, 3].long(), embeddings_3)],
                         dim=1)

    slots = [{"feature": 1, "cardinality": 4, "output_dim": 3}, {"feature": 3, "cardinality": 3, "output_dim": 2}]
    return [op_case("categorical_embedding", "categorical_embedding", layer, inputs, {"slots": slots})]


# ---------------------------------------------------------------- tabular layers (PLR, TabM-mini, FT tokenizer)

def periodic_embedding(x, frequencies, kernel, bias, features, lite):
    """PLR (Gorishniy et al. 2022): [cos, sin](2 pi c_j x_j) -> per-feature (or shared) linear -> ReLU;
    the columns not embedded come first, then the flattened embeddings."""
    rest = [j for j in range(x.shape[1]) if j not in features]
    v = 2 * math.pi * x[:, features].unsqueeze(-1) * frequencies
    waves = torch.cat([torch.cos(v), torch.sin(v)], dim=-1)
    if lite:
        e = waves @ kernel + bias
    else:
        e = torch.einsum("nsi,sio->nso", waves, kernel) + bias
    return torch.cat([x[:, rest], torch.relu(e).reshape(x.shape[0], -1)], dim=1)


def tabular_layer_cases():
    cases = []
    features = [0, 2, 3]
    m, d = 3, 2
    inputs = {"x": torch.randn(5, 4), "frequencies": torch.randn(3, m) * 0.5, "kernel": torch.randn(3, 2 * m, d),
              "bias": torch.randn(3, d)}
    cases.append(op_case("periodic_embedding", "periodic_embedding",
                         lambda **a: periodic_embedding(**a, features=features, lite=False), inputs,
                         {"features": features, "n_frequencies": m, "embedding_dim": d, "lite": False}))
    inputs = {"x": torch.randn(4, 2), "frequencies": torch.randn(2, m) * 0.5, "kernel": torch.randn(2 * m, d),
              "bias": torch.randn(d)}
    cases.append(op_case("periodic_embedding_lite", "periodic_embedding",
                         lambda **a: periodic_embedding(**a, features=[0, 1], lite=True), inputs,
                         {"features": [], "n_frequencies": m, "embedding_dim": d, "lite": True}))

    def ensemble_mlp(x, adapter, kernel, bias, head_kernel, head_bias):
        """TabM-mini at inference: x * r_i per member, a shared Dense + ReLU, one head per member,
        the members' mean."""
        h = torch.relu((x.unsqueeze(1) * adapter) @ kernel + bias)  # (N, k, width)
        out = torch.einsum("nki,kio->nko", h, head_kernel) + head_bias
        return out.mean(dim=1)

    k = 3
    inputs = {"x": torch.randn(5, 3), "adapter": torch.randn(k, 3), "kernel": torch.randn(3, 4),
              "bias": torch.randn(4), "head_kernel": torch.randn(k, 4, 2), "head_bias": torch.randn(k, 2)}
    cases.append(op_case("ensemble_mlp", "ensemble_mlp", ensemble_mlp, inputs, {"members": k}))

    def feature_tokenizer(x, kernel, bias, cls):
        tokens = x.unsqueeze(-1) * kernel + bias
        return torch.cat([tokens, cls.expand(x.shape[0], 1, -1)], dim=1)

    inputs = {"x": torch.randn(4, 3), "kernel": torch.randn(3, 5), "bias": torch.randn(3, 5), "cls": torch.randn(5)}
    cases.append(op_case("feature_tokenizer", "feature_tokenizer", feature_tokenizer, inputs, {"d_token": 5}))
    return cases


# ---------------------------------------------------------------- recurrent (SimpleRNN, LSTM, GRU)

def recurrent_cases():
    """torch.nn.RNN(tanh) / LSTM / GRU, single layer, batch_first, with torch-layout weights as the
    inputs. The C++ side converts them to Keras layout with deepfin::keras_weights_from_torch (see
    docs/recurrent_layout.md), so the stored gradients stay in torch layout. The output packs
    cat([sequence, h_n, (c_n)], dim=1): (N, T + 1 or 2, U)."""
    module_functions = {torch.nn.RNN: torch._VF.rnn_tanh, torch.nn.LSTM: torch._VF.lstm, torch.nn.GRU: torch._VF.gru}
    names = []
    specs = [
        ("rnn_tanh", torch.nn.RNN, 1, (3, 5, 4), 3),
        ("lstm", torch.nn.LSTM, 4, (3, 6, 4), 5),
        ("lstm_single_step", torch.nn.LSTM, 4, (1, 1, 3), 2),
        ("gru", torch.nn.GRU, 3, (3, 6, 4), 5),
        ("gru_single_sample", torch.nn.GRU, 3, (1, 4, 2), 3),
    ]
    for name, module_class, gates, (n, t, f), units in specs:
        inputs = {
            "x": torch.randn(n, t, f),
            "weight_ih": 0.5 * torch.randn(gates * units, f),
            "weight_hh": 0.5 * torch.randn(gates * units, units),
            "bias_ih": 0.3 * torch.randn(gates * units),
            "bias_hh": 0.3 * torch.randn(gates * units),
            "h0": torch.randn(n, units),
        }
        if module_class is torch.nn.LSTM:
            inputs["c0"] = torch.randn(n, units)

        def run(x, weight_ih, weight_hh, bias_ih, bias_hh, h0, c0=None, fn=module_functions[module_class]):
            # torch._VF.* is what nn.RNN/LSTM/GRU.forward calls, here with our leaves as the weights
            # (args: has_biases, num_layers, dropout, train, bidirectional, batch_first).
            weights = [weight_ih, weight_hh, bias_ih, bias_hh]
            if c0 is not None:
                seq, h_n, c_n = fn(x, (h0[None], c0[None]), weights, True, 1, 0.0, False, False, True)
                return torch.cat([seq, h_n[0][:, None], c_n[0][:, None]], dim=1)
            seq, h_n = fn(x, h0[None], weights, True, 1, 0.0, False, False, True)
            return torch.cat([seq, h_n[0][:, None]], dim=1)

        # The direct call must agree with the module itself holding the same weights.
        module = module_class(f, units, batch_first=True)
        with torch.no_grad():
            for key in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(module, f"{key}_l0").copy_(inputs[key])
            state = (inputs["h0"][None], inputs["c0"][None]) if "c0" in inputs else inputs["h0"][None]
            assert torch.allclose(module(inputs["x"], state)[0], run(**inputs)[:, :t], atol=1e-12), name

        kind = {1: "simple_rnn", 4: "lstm", 3: "gru"}[gates]
        names.append(op_case(f"recurrent_{name}", kind, run, inputs, {"units": units}))
    return names


# ---------------------------------------------------------------- attention (deepfin::attention, MultiHeadAttention)

def attention_reference(q, k, v, mask=None, causal=False):
    """softmax(q k^T / sqrt(Dk) + mask_bias) v written out; must agree with torch's own kernel."""
    s = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if causal:
        s = s.masked_fill(~torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril(), float("-inf"))
    if mask is not None:
        s = s.masked_fill(mask == 0, float("-inf"))
    return torch.softmax(s, -1) @ v


def attention_cases():
    """deepfin::attention vs torch.nn.functional._scaled_dot_product_attention (torch 1.13's name; a bool
    attn_mask is True where attending, is_causal is top-left aligned), and MultiHeadAttention vs
    torch.nn.MultiheadAttention(batch_first=True) with torch-layout in_proj / out_proj weights as the
    inputs; the C++ side converts them with nn::keras_mha_weights_from_torch (docs/attention_layout.md).
    Masks are 0/1 floats (1 = attend) and carry no gradient."""
    names = []
    specs = [  # name, (B, H, Tq, Tk, Dk, Dv), mask shape or None, causal
        ("plain", (2, 3, 5, 7, 4, 6), None, False),
        ("padding_mask", (2, 2, 6, 5, 3, 4), "padding", False),
        ("causal", (2, 1, 7, 7, 4, 4), None, True),
        ("causal_rect", (1, 2, 4, 9, 3, 2), None, True),
        ("long_keys", (1, 1, 66, 130, 4, 3), "padding", False),
    ]
    for name, (b, h, tq, tk, dk, dv), mask_kind, causal in specs:
        inputs = {"q": torch.randn(b, h, tq, dk), "k": torch.randn(b, h, tk, dk), "v": torch.randn(b, h, tk, dv)}
        if mask_kind == "padding":
            mask = (torch.rand(b, 1, 1, tk) > 0.3).double()
            mask[..., 0] = 1.0  # every row keeps a key
            inputs["mask"] = mask

        def run(q, k, v, mask=None, causal=causal):
            bool_mask = None if mask is None else mask != 0
            out, _ = F._scaled_dot_product_attention(q, k, v, bool_mask, 0.0, False, causal)
            return out

        with torch.no_grad():
            assert torch.allclose(run(**inputs), attention_reference(**inputs, causal=causal), atol=1e-12), name
        names.append(op_case(f"attention_{name}", "attention", run, inputs, {"causal": causal}, no_grad=("mask",)))

    mha_specs = [  # name, B, Tq, Tk, E, H, self-attention with a key padding mask | cross-attention, causal
        ("mha_self_padding", 2, 5, 5, 6, 2, True),
        ("mha_cross_causal", 2, 4, 7, 6, 3, False),
    ]
    for name, b, tq, tk, e, heads, self_attention in mha_specs:
        module = torch.nn.MultiheadAttention(e, heads, batch_first=True)
        inputs = {
            "query": torch.randn(b, tq, e),
            "in_proj_weight": 0.5 * torch.randn(3 * e, e),
            "in_proj_bias": 0.3 * torch.randn(3 * e),
            "out_proj_weight": 0.5 * torch.randn(e, e),
            "out_proj_bias": 0.3 * torch.randn(e),
        }
        if self_attention:
            key_mask = torch.ones(b, tk)
            key_mask[0, 3:] = 0.0
            key_mask[1, 4] = 0.0
            inputs["key_mask"] = key_mask
        else:
            inputs["value"] = torch.randn(b, tk, e)

        def run(query, in_proj_weight, in_proj_bias, out_proj_weight, out_proj_bias, key_mask=None, value=None,
                heads=heads):
            # What nn.MultiheadAttention.forward calls, with our leaves as its parameters.
            kv = query if value is None else value
            causal = None if value is None else ~torch.ones(query.shape[1], kv.shape[1], dtype=torch.bool).tril()
            out, _ = F.multi_head_attention_forward(
                query.transpose(0, 1), kv.transpose(0, 1), kv.transpose(0, 1), query.shape[-1], heads,
                in_proj_weight, in_proj_bias, None, None, False, 0.0, out_proj_weight, out_proj_bias,
                training=False, key_padding_mask=None if key_mask is None else key_mask == 0, need_weights=False,
                attn_mask=causal)
            return out.transpose(0, 1)

        with torch.no_grad():  # the direct call agrees with the module holding the same weights
            for key in ("in_proj_weight", "in_proj_bias"):
                getattr(module, key).copy_(inputs[key])
            module.out_proj.weight.copy_(inputs["out_proj_weight"])
            module.out_proj.bias.copy_(inputs["out_proj_bias"])
            kv = inputs.get("value", inputs["query"])
            mask_args = {"key_padding_mask": inputs["key_mask"] == 0} if self_attention else {
                "attn_mask": ~torch.ones(tq, tk, dtype=torch.bool).tril()}
            expected = module(inputs["query"], kv, kv, need_weights=False, **mask_args)[0]
            assert torch.allclose(expected, run(**inputs), atol=1e-12), name
        names.append(op_case(f"attention_{name}", "multi_head_attention", run, inputs,
                             {"num_heads": heads, "causal": not self_attention}, no_grad=("key_mask",)))
    return names


# ---------------------------------------------------------------- optimizers

def optimizer_case(name, make_optimizer, options, size=10, steps=20):
    """Replays a fixed gradient sequence; stores the parameters after every step.

    Gradients are bounded away from zero (|g| in [0.5, 1.5]) so that where an optimizer puts
    epsilon (inside or outside the square root, scaled by bias correction or not) stays far
    below the test tolerance, while every real convention difference stays far above it.
    """
    initial = torch.randn(size)
    signs = torch.where(torch.rand(steps, size) < 0.5, -1.0, 1.0)
    grads = signs * (0.5 + torch.rand(steps, size))
    p = torch.nn.Parameter(initial.clone())
    opt = make_optimizer([p])
    trajectory = []
    for step in range(steps):
        opt.zero_grad()
        p.grad = grads[step].clone()
        opt.step()
        trajectory.append(p.detach().clone())
    trajectory = torch.stack(trajectory)
    kind = name.split("_")[0]
    # deepfin implements the Keras forms; they must agree with torch far below the C++ tolerance (1e-5).
    gap = (keras_trajectory(kind, options, initial, grads) - trajectory).abs().max().item()
    assert gap < 1e-6, f"{name}: Keras-form replay differs from torch by {gap}"
    return write(name, {
        "optimizer": kind,
        "options": options,
        "initial": tensor_json(initial),
        "grads": tensor_json(grads),
        "params": tensor_json(trajectory),
    })


def keras_trajectory(kind, o, initial, grads):
    """The Keras 3 update rules deepfin documents in include/deepfin/optim/*.h, written out."""
    p = initial.clone()
    slot1, slot2, slot3 = (torch.zeros_like(initial) for _ in range(3))
    lr, out = o["learning_rate"], []
    for t, g in enumerate(grads, start=1):
        if kind == "sgd":
            slot1 = o["momentum"] * slot1 - lr * g
            p = p + (o["momentum"] * slot1 - lr * g if o["nesterov"] else slot1)
        elif kind in ("adam", "adamw"):
            p = p - lr * o.get("weight_decay", 0.0) * p
            slot1 = slot1 + (1 - o["beta_1"]) * (g - slot1)
            slot2 = slot2 + (1 - o["beta_2"]) * (g * g - slot2)
            alpha = lr * math.sqrt(1 - o["beta_2"] ** t) / (1 - o["beta_1"] ** t)
            p = p - alpha * slot1 / (slot2.sqrt() + o["epsilon"])
        else:  # rmsprop
            slot1 = o["rho"] * slot1 + (1 - o["rho"]) * g * g
            slot2 = o["rho"] * slot2 + (1 - o["rho"]) * g
            denom = slot1 - slot2 * slot2 + o["epsilon"] if o["centered"] else slot1 + o["epsilon"]
            step = lr * g / denom.sqrt()
            slot3 = o["momentum"] * slot3 + step
            p = p - (slot3 if o["momentum"] > 0 else step)
        out.append(p.clone())
    return torch.stack(out)


def optimizer_cases():
    eps = 1e-7  # deepfin/Keras default epsilon, passed to torch explicitly
    O = torch.optim
    return [
        optimizer_case("sgd_plain", lambda p: O.SGD(p, lr=0.05), {"learning_rate": 0.05, "momentum": 0.0,
                                                                  "nesterov": False}),
        optimizer_case("sgd_momentum", lambda p: O.SGD(p, lr=0.05, momentum=0.9),
                       {"learning_rate": 0.05, "momentum": 0.9, "nesterov": False}),
        optimizer_case("sgd_nesterov", lambda p: O.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
                       {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
        optimizer_case("adam", lambda p: O.Adam(p, lr=1e-3, betas=(0.9, 0.999), eps=eps),
                       {"learning_rate": 1e-3, "beta_1": 0.9, "beta_2": 0.999, "epsilon": eps}),
        optimizer_case("adam_fast", lambda p: O.Adam(p, lr=1e-2, betas=(0.8, 0.99), eps=eps),
                       {"learning_rate": 1e-2, "beta_1": 0.8, "beta_2": 0.99, "epsilon": eps}),
        optimizer_case("adamw", lambda p: O.AdamW(p, lr=1e-2, betas=(0.9, 0.999), eps=eps, weight_decay=0.004),
                       {"learning_rate": 1e-2, "beta_1": 0.9, "beta_2": 0.999, "epsilon": eps,
                        "weight_decay": 0.004}),
        optimizer_case("adamw_strong_decay", lambda p: O.AdamW(p, lr=1e-2, eps=eps, weight_decay=0.5),
                       {"learning_rate": 1e-2, "beta_1": 0.9, "beta_2": 0.999, "epsilon": eps,
                        "weight_decay": 0.5}),
        optimizer_case("rmsprop", lambda p: O.RMSprop(p, lr=0.01, alpha=0.9, eps=eps),
                       {"learning_rate": 0.01, "rho": 0.9, "momentum": 0.0, "epsilon": eps, "centered": False}),
        optimizer_case("rmsprop_momentum", lambda p: O.RMSprop(p, lr=0.01, alpha=0.9, eps=eps, momentum=0.5),
                       {"learning_rate": 0.01, "rho": 0.9, "momentum": 0.5, "epsilon": eps, "centered": False}),
        optimizer_case("rmsprop_centered", lambda p: O.RMSprop(p, lr=0.01, alpha=0.9, eps=eps, centered=True),
                       {"learning_rate": 0.01, "rho": 0.9, "momentum": 0.0, "epsilon": eps, "centered": True}),
    ]


def main():
    generators = {
        "conv": conv_cases,
        "pool": pool_cases,
        "linalg": linalg_cases,
        "softmax": softmax_cases,
        "losses": loss_cases,
        "seed_cnn": seed_cnn_case,
        "optim": optimizer_cases,
        "categorical_embedding": categorical_embedding_case,
        "recurrent": recurrent_cases,
        "attention": attention_cases,
        "tabular_layers": tabular_layer_cases,
    }
    families = {}
    for family, generate in generators.items():
        # One seed per family: adding a case to one family leaves every other fixture unchanged.
        torch.manual_seed(SEED + zlib.crc32(family.encode()))
        families[family] = generate()
    write("index", {"families": families})
    total = sum(len(v) for v in families.values())
    print(f"wrote {total} fixtures to {OUT_DIR} with torch {torch.__version__}")


if __name__ == "__main__":
    main()
