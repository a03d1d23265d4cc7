#!/usr/bin/python3
"""Writes the PyTorch parity fixtures of the sequence layers (Conv1D, global 1-D pooling,
TimeDistributed, Bidirectional(LSTM)) that tests/parity/sequence_layers_parity_test.cpp replays.

Run by hand with Debian's python3-torch:
    /usr/bin/python3 tests/parity/generate_sequence_layer_fixtures.py

Same format as generate_fixtures.py (see README.md), files fixtures/seq_*.json. Tensors are
stored in deepfin's layout: sequences (N, T, F), Conv1D kernels (k, F, filters), Dense kernels
(in, units). The mapping to torch's layouts happens inside the torch graph, so the stored
gradients are already in deepfin's layout:
    torch conv1d input  (N, F, T)         = x.permute(0, 2, 1)
    torch conv1d weight (filters, F, k)   = kernel.permute(2, 1, 0)
    torch Linear weight (units, in)       = kernel.t()
"""
import json
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
    return {"shape": list(t.shape), "dtype": dtype, "data": t.reshape(-1).tolist()}


def write(name, payload):
    payload = {"name": name, "torch_version": torch.__version__, **payload}
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with open(OUT_DIR / f"{name}.json", "w") as f:
        json.dump(payload, f, separators=(",", ":"))
    return name


def op_case(name, op, fn, inputs, attrs=None):
    """Runs fn(**inputs) in float64, backpropagates sum(out * R) and stores it all."""
    leaves = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
    out = fn(**leaves)
    r = torch.randn(out.shape)
    (out * r).sum().backward()
    return write(name, {
        "op": op,
        "attrs": attrs or {},
        "inputs": {k: tensor_json(v) for k, v in leaves.items()},
        "R": tensor_json(r),
        "output": tensor_json(out),
        "grads": {k: tensor_json(v.grad) for k, v in leaves.items()},
    })


# ---------------------------------------------------------------- Conv1D

def keras_pads(steps, k, stride, dilation, padding):
    """(before, after) zeros of one sequence under Keras rules."""
    span = dilation * (k - 1) + 1
    if padding == "valid":
        return 0, 0
    if padding == "causal":
        return span - 1, 0
    out = -(-steps // stride)
    total = max((out - 1) * stride + span - steps, 0)
    return total // 2, total - total // 2  # TF "same": the odd zero goes after


def conv1d_keras(x, kernel, bias=None, stride=1, padding="valid", dilation=1):
    before, after = keras_pads(x.shape[1], kernel.shape[0], stride, dilation, padding)
    xt = F.pad(x.permute(0, 2, 1), (before, after))
    y = F.conv1d(xt, kernel.permute(2, 1, 0), bias, stride=stride, dilation=dilation)
    return y.permute(0, 2, 1)


def conv1d_cases():
    cases = []
    specs = [
        # name, N, T, F, filters, k, stride, padding, dilation, bias
        ("seq_conv1d_valid", 2, 9, 3, 4, 3, 2, "valid", 1, True),
        ("seq_conv1d_same", 2, 8, 2, 3, 4, 1, "same", 2, True),
        ("seq_conv1d_same_stride", 1, 10, 3, 2, 3, 3, "same", 1, True),
        ("seq_conv1d_causal", 2, 7, 3, 3, 3, 1, "causal", 2, True),
        ("seq_conv1d_causal_stride_nobias", 3, 8, 2, 2, 2, 2, "causal", 1, False),
    ]
    for name, n, t, f, filters, k, stride, padding, dilation, bias in specs:
        inputs = {"x": torch.randn(n, t, f), "kernel": torch.randn(k, f, filters)}
        if bias:
            inputs["bias"] = torch.randn(filters)
        attrs = {"filters": filters, "kernel_size": k, "strides": stride, "padding": padding,
                 "dilation_rate": dilation}
        fn = lambda x, kernel, bias=None, s=stride, p=padding, d=dilation: conv1d_keras(x, kernel, bias, s, p, d)
        cases.append(op_case(name, "conv1d", fn, inputs, attrs))
    return cases


# ---------------------------------------------------------------- global pooling

def pooling_cases():
    # Random normals: no ties, so the max's gradient is unambiguous.
    return [
        op_case("seq_global_average_pooling1d", "global_average_pooling1d",
                lambda x: x.mean(dim=1), {"x": torch.randn(3, 5, 4)}, {"keepdims": False}),
        op_case("seq_global_max_pooling1d", "global_max_pooling1d",
                lambda x: x.amax(dim=1), {"x": torch.randn(3, 5, 4)}, {"keepdims": False}),
        op_case("seq_global_max_pooling1d_keepdims", "global_max_pooling1d",
                lambda x: x.amax(dim=1, keepdim=True), {"x": torch.randn(2, 6, 3)}, {"keepdims": True}),
    ]


# ---------------------------------------------------------------- TimeDistributed

def time_distributed_cases():
    def dense_every_step(x, kernel, bias):
        # torch.nn.Linear acts on the last axis, i.e. on every (batch, step) row: the reference
        # TimeDistributed(Dense(units, activation="tanh")).
        return torch.tanh(F.linear(x, kernel.t(), bias))

    inputs = {"x": torch.randn(2, 5, 3), "kernel": torch.randn(3, 4), "bias": torch.randn(4)}
    return [op_case("seq_time_distributed_dense", "time_distributed_dense", dense_every_step, inputs,
                    {"units": 4, "activation": "tanh"})]


# ---------------------------------------------------------------- Bidirectional

def bidirectional_lstm_cases():
    """Bidirectional(LSTM(units)) against torch.nn.LSTM(bidirectional=True). Keras and torch share
    the gate order (i, f, g, o), so kernel = weight_ih.t(), recurrent_kernel = weight_hh.t() and
    bias = bias_ih (bias_hh held at zero). torch's reverse half is already aligned to input steps,
    which is what Keras's Bidirectional does with return_sequences; the backward layer's last
    output (return_sequences=False) is torch's reverse half at step 0."""
    n, t, f, units = 2, 5, 3, 4

    def run(x, fk, frk, fb, bk, brk, bb):
        # nn.LSTM's own kernel (what its forward calls), handed our leaves as its flat weights.
        zero = torch.zeros(4 * units)
        weights = [fk.t(), frk.t(), fb, zero, bk.t(), brk.t(), bb, zero]
        h0 = torch.zeros(2, n, units)
        out, _, _ = torch._VF.lstm(x, (h0, h0), weights, True, 1, 0.0, False, True, True)
        return out

    def inputs():
        d = {"x": torch.randn(n, t, f)}
        for side in ("forward", "backward"):
            d[f"{side}_kernel"] = 0.5 * torch.randn(f, 4 * units)
            d[f"{side}_recurrent_kernel"] = 0.5 * torch.randn(units, 4 * units)
            d[f"{side}_bias"] = 0.5 * torch.randn(4 * units)
        return d

    def sequences_concat(x, forward_kernel, forward_recurrent_kernel, forward_bias, backward_kernel,
                         backward_recurrent_kernel, backward_bias):
        return run(x, forward_kernel, forward_recurrent_kernel, forward_bias, backward_kernel,
                   backward_recurrent_kernel, backward_bias)

    def last_sum(x, forward_kernel, forward_recurrent_kernel, forward_bias, backward_kernel,
                 backward_recurrent_kernel, backward_bias):
        out = run(x, forward_kernel, forward_recurrent_kernel, forward_bias, backward_kernel,
                  backward_recurrent_kernel, backward_bias)
        return out[:, -1, :units] + out[:, 0, units:]

    return [
        op_case("seq_bidirectional_lstm_sequences_concat", "bidirectional_lstm", sequences_concat, inputs(),
                {"units": units, "return_sequences": True, "merge_mode": "concat"}),
        op_case("seq_bidirectional_lstm_last_sum", "bidirectional_lstm", last_sum, inputs(),
                {"units": units, "return_sequences": False, "merge_mode": "sum"}),
    ]


def main():
    generators = {"seq_conv1d": conv1d_cases, "seq_pooling1d": pooling_cases,
                  "seq_time_distributed": time_distributed_cases, "seq_bidirectional": bidirectional_lstm_cases}
    total = 0
    for family, generate in generators.items():
        torch.manual_seed(SEED + zlib.crc32(family.encode()))  # one seed per family
        total += len(generate())
    print(f"wrote {total} sequence-layer fixtures to {OUT_DIR} with torch {torch.__version__}")


if __name__ == "__main__":
    main()
