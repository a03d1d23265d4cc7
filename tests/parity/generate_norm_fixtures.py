#!/usr/bin/python3
"""Writes the PyTorch parity fixtures of the rms_norm op that
tests/parity/normalization_parity_test.cpp replays. Debian's torch (1.13) has no
F.rms_norm, so the reference is the formula itself in torch's autograd:
    y = x * rsqrt(mean(x^2, -1) + eps) * gamma
(as torch.nn.RMSNorm and LLaMA's RMSNorm compute it).

Run by hand with Debian's python3-torch:
    /usr/bin/python3 tests/parity/generate_norm_fixtures.py

Same format as generate_transformer_fixtures.py: fixtures/norm_*.json, float64,
with the output and the gradients of sum(out * R).
"""
import json
import pathlib

import torch

OUT_DIR = pathlib.Path(__file__).resolve().parent / "fixtures"
SEED = 20261203
torch.set_default_dtype(torch.float64)


def tensor_json(t):
    t = t.detach()
    return {"shape": list(t.shape), "dtype": "float64", "data": t.reshape(-1).tolist()}


def op_case(name, fn, inputs, attrs):
    leaves = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
    out = fn(**leaves)
    r = torch.randn(out.shape)
    (out * r).sum().backward()
    payload = {"name": name, "torch_version": torch.__version__, "op": "rms_norm", "attrs": attrs,
               "inputs": {k: tensor_json(v) for k, v in leaves.items()}, "R": tensor_json(r),
               "output": tensor_json(out), "grads": {k: tensor_json(v.grad) for k, v in leaves.items()}}
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with open(OUT_DIR / f"{name}.json", "w") as f:
        json.dump(payload, f, separators=(",", ":"))


def rms(x, gamma=None, eps=1e-6):
    y = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)
    return y * gamma if gamma is not None else y


def main():
    torch.manual_seed(SEED)
    d = 7
    op_case("norm_rms_scaled", lambda x, gamma: rms(x, gamma, 1e-6),
            {"x": 2.0 + 3.0 * torch.randn(2, 3, d), "gamma": 1.0 + 0.3 * torch.randn(d)}, {"epsilon": 1e-6})
    op_case("norm_rms_plain", lambda x: rms(x, None, 1e-3), {"x": torch.randn(4, 16)}, {"epsilon": 1e-3})
    op_case("norm_rms_one_feature", lambda x, gamma: rms(x, gamma, 1e-5),
            {"x": torch.randn(5, 1), "gamma": torch.randn(1)}, {"epsilon": 1e-5})


if __name__ == "__main__":
    main()
