#!/usr/bin/python3
"""Writes fixtures/gpt2_tiny_f16/: the small GPT-2 of generate_lm_fixtures.py stored as
many downloads are, in float16 ("F16" tensors, same names, shapes and tokenizer files),
and fixtures/lm_gpt2_tiny_f16.json: logits of the same PyTorch GPT-2 forward pass,
computed in float64 from the float16 values, for tests/parity/lm_parity_test.cpp.

Run by hand with Debian's python3-torch, after generate_lm_fixtures.py:
    /usr/bin/python3 tests/parity/generate_gpt2_f16_fixture.py
"""
import json
import pathlib
import shutil
import struct
import sys

import numpy as np
import torch

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate_lm_fixtures import OUT, gpt2_forward, tensor_json  # noqa: E402


def read_safetensors(path):
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        assert e["dtype"] == "F32", e
        begin, end = e["data_offsets"]
        out[name] = np.frombuffer(data[begin:end], dtype="<f4").reshape(e["shape"])
    return out


def write_f16_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, a in tensors.items():
        data = a.astype("<f2").tobytes()
        header[name] = {"dtype": "F16", "shape": list(a.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"))
    text += " " * ((8 - len(text) % 8) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text.encode() + b"".join(blobs))


if __name__ == "__main__":
    source, folder = OUT / "gpt2_tiny", OUT / "gpt2_tiny_f16"
    folder.mkdir(parents=True, exist_ok=True)
    weights = read_safetensors(source / "model.safetensors")
    write_f16_safetensors(folder / "model.safetensors", weights)
    for name in ("config.json", "vocab.json", "merges.txt"):
        shutil.copyfile(source / name, folder / name)
    halves = {k: torch.from_numpy(a.astype(np.float16).astype(np.float64)) for k, a in weights.items()}
    n_head = json.loads((source / "config.json").read_text())["n_head"]
    ids = torch.tensor([[5, 260, 267, 44, 100, 259, 0, 3], [266, 7, 7, 7, 120, 33, 262, 258]])
    payload = {"name": "lm_gpt2_tiny_f16", "torch_version": torch.__version__, "n_head": n_head,
               "ids": tensor_json(ids, "int64"), "logits": tensor_json(gpt2_forward(halves, ids, n_head))}
    (OUT / "lm_gpt2_tiny_f16.json").write_text(json.dumps(payload, separators=(",", ":")))
    print("wrote", folder, OUT / "lm_gpt2_tiny_f16.json")
