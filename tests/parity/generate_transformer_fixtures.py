#!/usr/bin/python3
"""Writes the PyTorch parity fixtures of the Transformer building blocks that
tests/parity/transformer_parity_test.cpp replays: the fused layer_norm op
(F.layer_norm), Embedding (F.embedding), the sinusoidal position table, and the
TransformerEncoder block against torch.nn.TransformerEncoderLayer (batch_first,
post-norm and pre-norm, gelu and relu, with and without a padding mask).

Run by hand with Debian's python3-torch:
    /usr/bin/python3 tests/parity/generate_transformer_fixtures.py

Same format as generate_fixtures.py (see README.md); files fixtures/tf_*.json only
(index.json is not touched: the C++ test lists its cases). Every case runs in float64
and stores the output and the gradients of sum(out * R).

The encoder's weights are stored in torch's layout under torch's parameter names
("self_attn.in_proj_weight", "linear1.weight", "norm1.bias", ...); the C++ test maps
them to deepfin's layout with differentiable ops (see transformer_encoder.h), so the
stored gradients are those of torch's parameters.
"""
import json
import math
import pathlib
import zlib

import torch
import torch.nn.functional as F
import torch.nn.utils.stateless

OUT_DIR = pathlib.Path(__file__).resolve().parent / "fixtures"
SEED = 20261129
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


def op_case(name, op, fn, inputs, attrs=None, constants=None):
    """Runs fn(**inputs, **constants) in float64 and backpropagates sum(out * R).
    `inputs` get gradients; `constants` (ids, masks) are stored without."""
    leaves = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
    constants = constants or {}
    out = fn(**leaves, **constants)
    r = torch.randn(out.shape)
    (out * r).sum().backward()
    stored = {k: tensor_json(v) for k, v in {**leaves, **constants}.items()}
    return write(name, {
        "op": op,
        "attrs": attrs or {},
        "inputs": stored,
        "R": tensor_json(r),
        "output": tensor_json(out),
        "grads": {k: tensor_json(v.grad) for k, v in leaves.items()},
    })


# ---------------------------------------------------------------- layer_norm

def layer_norm_cases():
    def affine(x, gamma, beta, eps):
        return F.layer_norm(x, (x.shape[-1],), gamma, beta, eps)

    d = 7
    return [
        op_case("tf_layer_norm_affine", "layer_norm",
                lambda x, gamma, beta: affine(x, gamma, beta, 1e-5),
                {"x": 2.0 + 3.0 * torch.randn(2, 3, d), "gamma": 1.0 + 0.3 * torch.randn(d),
                 "beta": torch.randn(d)}, {"epsilon": 1e-5}),
        op_case("tf_layer_norm_plain", "layer_norm",
                lambda x: F.layer_norm(x, (x.shape[-1],), None, None, 1e-3),
                {"x": torch.randn(4, 16)}, {"epsilon": 1e-3}),
        op_case("tf_layer_norm_two_features", "layer_norm",
                lambda x, gamma, beta: affine(x, gamma, beta, 1e-5),
                {"x": torch.randn(5, 2), "gamma": torch.randn(2), "beta": torch.randn(2)}, {"epsilon": 1e-5}),
    ]


# ---------------------------------------------------------------- Embedding

def embedding_cases():
    ids = torch.tensor([[1, 4, 4, 0], [5, 2, 0, 0]], dtype=torch.int64)
    return [op_case("tf_embedding", "embedding", lambda table, ids: F.embedding(ids, table),
                    {"table": torch.randn(6, 3)}, {"input_dim": 6, "output_dim": 3}, {"ids": ids})]


# ---------------------------------------------------------------- sinusoidal positions

def sinusoid(length, depth):
    """The PyTorch tutorial's PositionalEncoding table: sin on even columns, cos on odd."""
    position = torch.arange(length).unsqueeze(1).double()
    div_term = torch.exp(torch.arange(0, depth, 2).double() * (-math.log(10000.0) / depth))
    pe = torch.zeros(length, depth)
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term[: depth // 2])
    return pe


def position_cases():
    cases = []
    for length, steps, depth in [(10, 6, 8), (9, 9, 5)]:
        cases.append(op_case(f"tf_sinusoidal_positions_d{depth}", "sinusoidal_positions",
                             lambda x, n=length, d=depth: x + sinusoid(n, d)[: x.shape[1]],
                             {"x": torch.randn(2, steps, depth)}, {"sequence_length": length}))
    return cases


# ---------------------------------------------------------------- TransformerEncoder

def encoder_cases():
    d_model, nhead, ff = 8, 2, 12
    specs = [
        ("tf_encoder_post_norm_gelu", False, "gelu", False),
        ("tf_encoder_pre_norm_gelu", True, "gelu", False),
        ("tf_encoder_post_norm_relu_padding", False, "relu", True),
        ("tf_encoder_pre_norm_gelu_padding", True, "gelu", True),
    ]
    cases = []
    for name, norm_first, activation, padding in specs:
        layer = torch.nn.TransformerEncoderLayer(d_model, nhead, ff, dropout=0.0, activation=activation,
                                                 batch_first=True, norm_first=norm_first)
        params = {k: v.detach().clone() for k, v in layer.named_parameters()}
        # Move the norms and biases off their initial constants so every path is exercised.
        for k in params:
            if k.startswith("norm") or k.endswith("bias"):
                params[k] = params[k] + 0.2 * torch.randn(params[k].shape)
        x = torch.randn(2, 5, d_model)
        keep = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=torch.float64)

        def run(x, mask=None, **weights):
            kwargs = {"src_key_padding_mask": mask == 0} if mask is not None else {}
            return torch.nn.utils.stateless.functional_call(layer, weights, (x,), kwargs)

        constants = {"mask": keep} if padding else {}
        cases.append(op_case(name, "transformer_encoder", run, {"x": x, **params},
                             {"num_heads": nhead, "ff_dim": ff, "norm_first": norm_first, "activation": activation,
                              "layer_norm_epsilon": layer.norm1.eps}, constants))
    return cases


def main():
    generators = {"tf_layer_norm": layer_norm_cases, "tf_embedding": embedding_cases,
                  "tf_positions": position_cases, "tf_encoder": encoder_cases}
    total = 0
    for family, generate in generators.items():
        torch.manual_seed(SEED + zlib.crc32(family.encode()))  # one seed per family
        total += len(generate())
    print(f"wrote {total} transformer fixtures to {OUT_DIR} with torch {torch.__version__}")


if __name__ == "__main__":
    main()
