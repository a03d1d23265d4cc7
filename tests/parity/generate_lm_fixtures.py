#!/usr/bin/python3
"""Writes the PyTorch parity fixtures of the decoder language model that
tests/parity/lm_parity_test.cpp replays.

Run by hand with Debian's python3-torch:
    /usr/bin/python3 tests/parity/generate_lm_fixtures.py

1. fixtures/gpt2_tiny/: a small GPT-2 in exactly the Hugging Face layout, as a user's
   download would be: model.safetensors (float32, GPT-2 tensor names, Conv1D (in, out)
   weights), config.json, vocab.json and merges.txt (bytes in GPT-2's byte-to-unicode
   alphabet, a few merges, <|endoftext|> last). fixtures/lm_gpt2_tiny.json holds token
   ids, the ids of some texts by the reference encoder of generate_bpe_fixtures.py, and
   the logits of a GPT-2 forward pass written here from the paper's architecture
   (pre-LN blocks, tanh GELU, tied head), computed in float64 from the stored weights.
2. fixtures/lm_llama_tiny.json: a Llama-style block (rotary positions in the rotate-half
   layout, RMSNorm, SwiGLU, grouped-query attention with 2 key/value heads for 4 query
   heads, no biases, untied head), its weights under deepfin's names, ids and logits.
3. fixtures/lm_lora_tiny.json: a GPT-2-style block with LoRA updates on query, value and
   up (x W + b + alpha / r x A B, B non-zero), weights, ids and logits.
"""
import json
import math
import pathlib
import struct
import sys

import torch
import torch.nn.functional as F

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate_bpe_fixtures import bpe, bytes_to_unicode, pretokenize  # noqa: E402  the reference encoder

OUT = HERE / "fixtures"
SEED = 20261204
torch.set_default_dtype(torch.float64)


def tensor_json(t, dtype="float64"):
    return {"shape": list(t.shape), "dtype": dtype, "data": t.detach().reshape(-1).tolist()}


def save_safetensors(path, tensors):
    """The safetensors format by hand: 8-byte length, JSON header, float32 data."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().to(torch.float32).contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"))
    text += " " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text.encode())
        for b in blobs:
            f.write(b)


def causal_attention(q, k, v):
    t = q.shape[2]
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    mask = torch.ones(t, t, dtype=torch.bool).tril()
    return torch.softmax(scores.masked_fill(~mask, float("-inf")), -1) @ v


# ---------------------------------------------------------------- GPT-2 in its own layout
def gpt2_forward(w, ids, n_head, eps=1e-5):
    b, t = ids.shape
    x = w["wte.weight"][ids] + w["wpe.weight"][torch.arange(t)]
    d = x.shape[-1]
    layers = len({k.split(".")[1] for k in w if k.startswith("h.")})
    for i in range(layers):
        p = f"h.{i}."
        h = F.layer_norm(x, (d,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        qkv = h @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
        q, k, v = (z.view(b, t, n_head, d // n_head).transpose(1, 2) for z in qkv.split(d, -1))
        o = causal_attention(q, k, v).transpose(1, 2).reshape(b, t, d)
        x = x + o @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        h = F.layer_norm(x, (d,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        m = F.gelu(h @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"], approximate="tanh")
        x = x + m @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
    x = F.layer_norm(x, (d,), w["ln_f.weight"], w["ln_f.bias"], eps)
    return x @ w["wte.weight"].T


def gpt2_tokenizer():
    """256 byte tokens (GPT-2 alphabet, in byte order), a few merges, <|endoftext|>."""
    b2u = bytes_to_unicode()
    vocab = {b2u[i]: i for i in range(256)}
    merges = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("a", "n"), ("Ġ", "r"), ("a", "t"), ("Ġr", "at"),
              ("e", "s"), ("Ġ", "b"), ("a", "n"), ("Ġb", "an"), ("Ġban", "k")]
    merges = list(dict.fromkeys(merges))
    for a, c in merges:
        vocab.setdefault(a + c, len(vocab))
    vocab["<|endoftext|>"] = len(vocab)
    return vocab, merges


def encode(text, vocab, merges):
    b2u = bytes_to_unicode()
    ranks = {m: i for i, m in enumerate(merges)}
    ids = []
    for piece in pretokenize(text):
        word = "".join(b2u[c] for c in piece.encode("utf-8"))
        ids.extend(vocab[tok] for tok in bpe(word, ranks).split(" "))
    return ids


def gpt2_case():
    torch.manual_seed(SEED)
    vocab, merges = gpt2_tokenizer()
    v, c, d, n_head, layers, ff = len(vocab), 32, 16, 2, 2, 64
    w = {"wte.weight": torch.randn(v, d) * 0.3, "wpe.weight": torch.randn(c, d) * 0.1}
    for i in range(layers):
        p = f"h.{i}."
        w[p + "ln_1.weight"] = 1 + 0.1 * torch.randn(d)
        w[p + "ln_1.bias"] = 0.1 * torch.randn(d)
        w[p + "attn.c_attn.weight"] = torch.randn(d, 3 * d) * 0.3
        w[p + "attn.c_attn.bias"] = torch.randn(3 * d) * 0.1
        w[p + "attn.c_proj.weight"] = torch.randn(d, d) * 0.2
        w[p + "attn.c_proj.bias"] = torch.randn(d) * 0.1
        w[p + "ln_2.weight"] = 1 + 0.1 * torch.randn(d)
        w[p + "ln_2.bias"] = 0.1 * torch.randn(d)
        w[p + "mlp.c_fc.weight"] = torch.randn(d, ff) * 0.2
        w[p + "mlp.c_fc.bias"] = torch.randn(ff) * 0.1
        w[p + "mlp.c_proj.weight"] = torch.randn(ff, d) * 0.1
        w[p + "mlp.c_proj.bias"] = torch.randn(d) * 0.1
    w["ln_f.weight"] = 1 + 0.1 * torch.randn(d)
    w["ln_f.bias"] = 0.1 * torch.randn(d)
    w = {k: t.to(torch.float32).to(torch.float64) for k, t in w.items()}  # exactly what the file holds

    folder = OUT / "gpt2_tiny"
    folder.mkdir(parents=True, exist_ok=True)
    save_safetensors(folder / "model.safetensors", w)
    (folder / "config.json").write_text(json.dumps({"model_type": "gpt2", "n_head": n_head, "n_layer": layers,
                                                     "n_embd": d, "n_positions": c, "vocab_size": v,
                                                     "layer_norm_epsilon": 1e-5}, indent=1) + "\n")
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges),
                                       encoding="utf-8")
    texts = ["the bank rate", "The rates at the bank rose 2.5%!", "  the\n\nbank's rate  "]
    ids = torch.tensor([[5, 260, 267, 44, 100, 259, 0, 3], [266, 7, 7, 7, 120, 33, 262, 258]])
    payload = {"name": "lm_gpt2_tiny", "torch_version": torch.__version__, "n_head": n_head,
               "texts": texts, "text_ids": [encode(t, vocab, merges) for t in texts],
               "ids": tensor_json(ids, "int64"), "logits": tensor_json(gpt2_forward(w, ids, n_head))}
    (OUT / "lm_gpt2_tiny.json").write_text(json.dumps(payload, separators=(",", ":")))


# ---------------------------------------------------------------- Llama-style, deepfin's names
def rope(x, base=10000.0):
    t, dim = x.shape[2], x.shape[3]
    half = dim // 2
    inv = base ** (-2.0 * torch.arange(half) / dim)
    angle = torch.arange(t)[:, None] * inv[None, :]
    cos = torch.cat([angle.cos(), angle.cos()], -1)
    sin = torch.cat([angle.sin(), angle.sin()], -1)
    rotated = torch.cat([-x[..., half:], x[..., :half]], -1)
    return x * cos + rotated * sin


def rms(x, gamma, eps=1e-5):
    return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + eps) * gamma


def llama_case():
    torch.manual_seed(SEED + 1)
    v, c, d, layers, heads, kv_heads, ff = 23, 16, 16, 2, 4, 2, 24
    hd = d // heads
    w = {"token_embedding": torch.randn(v, d) * 0.5}
    for i in range(layers):
        p = f"block_{i}/"
        w[p + "attention_norm/gamma"] = 1 + 0.1 * torch.randn(d)
        w[p + "query_kernel"] = torch.randn(d, d) * 0.3
        w[p + "key_kernel"] = torch.randn(d, kv_heads * hd) * 0.3
        w[p + "value_kernel"] = torch.randn(d, kv_heads * hd) * 0.3
        w[p + "output_kernel"] = torch.randn(d, d) * 0.2
        w[p + "mlp_norm/gamma"] = 1 + 0.1 * torch.randn(d)
        w[p + "gate_kernel"] = torch.randn(d, ff) * 0.2
        w[p + "up_kernel"] = torch.randn(d, ff) * 0.2
        w[p + "down_kernel"] = torch.randn(ff, d) * 0.2
    w["final_norm/gamma"] = 1 + 0.1 * torch.randn(d)
    w["output_kernel"] = torch.randn(d, v) * 0.3
    ids = torch.randint(0, v, (2, 9))
    b, t = ids.shape
    x = w["token_embedding"][ids]
    for i in range(layers):
        p = f"block_{i}/"
        h = rms(x, w[p + "attention_norm/gamma"])
        q = rope((h @ w[p + "query_kernel"]).view(b, t, heads, hd).transpose(1, 2))
        k = rope((h @ w[p + "key_kernel"]).view(b, t, kv_heads, hd).transpose(1, 2))
        vv = (h @ w[p + "value_kernel"]).view(b, t, kv_heads, hd).transpose(1, 2)
        k = k.repeat_interleave(heads // kv_heads, dim=1)
        vv = vv.repeat_interleave(heads // kv_heads, dim=1)
        x = x + causal_attention(q, k, vv).transpose(1, 2).reshape(b, t, d) @ w[p + "output_kernel"]
        h = rms(x, w[p + "mlp_norm/gamma"])
        x = x + (F.silu(h @ w[p + "gate_kernel"]) * (h @ w[p + "up_kernel"])) @ w[p + "down_kernel"]
    logits = rms(x, w["final_norm/gamma"]) @ w["output_kernel"]
    payload = {"name": "lm_llama_tiny", "torch_version": torch.__version__,
               "config": {"vocab_size": v, "context_length": c, "d_model": d, "num_layers": layers,
                          "num_heads": heads, "num_kv_heads": kv_heads, "ff_dim": ff, "positions": "rope",
                          "norm": "rms", "mlp": "swiglu", "use_bias": False, "tie_embeddings": False,
                          "dtype": "float64"},
               "weights": {k: tensor_json(t) for k, t in w.items()},
               "ids": tensor_json(ids, "int64"), "logits": tensor_json(logits)}
    (OUT / "lm_llama_tiny.json").write_text(json.dumps(payload, separators=(",", ":")))


# ---------------------------------------------------------------- LoRA on a GPT-2-style block
def lora_case():
    """x W + b + (alpha / r) x A B on query, value and up, with non-zero B so the update shows."""
    torch.manual_seed(SEED + 2)
    v, c, d, heads, ff, rank, alpha = 13, 8, 8, 2, 16, 2, 4.0
    w = {"token_embedding": torch.randn(v, d) * 0.5, "position_embedding": torch.randn(c, d) * 0.1}
    p = "block_0/"
    for norm in ("attention_norm", "mlp_norm"):
        w[p + norm + "/gamma"] = 1 + 0.1 * torch.randn(d)
        w[p + norm + "/beta"] = 0.1 * torch.randn(d)
    for name, i, o in (("query", d, d), ("key", d, d), ("value", d, d), ("output", d, d), ("up", d, ff),
                       ("down", ff, d)):
        w[p + name + "_kernel"] = torch.randn(i, o) * 0.3
        w[p + name + "_bias"] = torch.randn(o) * 0.1
        if name in ("query", "value", "up"):
            w[p + name + "_lora_a"] = torch.randn(i, rank) * 0.3
            w[p + name + "_lora_b"] = torch.randn(rank, o) * 0.3
    w["final_norm/gamma"] = 1 + 0.1 * torch.randn(d)
    w["final_norm/beta"] = 0.1 * torch.randn(d)

    def proj(x, name):
        y = x @ w[p + name + "_kernel"] + w[p + name + "_bias"]
        if p + name + "_lora_a" in w:
            y = y + (alpha / rank) * (x @ w[p + name + "_lora_a"] @ w[p + name + "_lora_b"])
        return y

    ids = torch.randint(0, v, (2, 6))
    b, t = ids.shape
    x = w["token_embedding"][ids] + w["position_embedding"][torch.arange(t)]
    h = F.layer_norm(x, (d,), w[p + "attention_norm/gamma"], w[p + "attention_norm/beta"], 1e-5)
    q, k, vv = (proj(h, n).view(b, t, heads, d // heads).transpose(1, 2) for n in ("query", "key", "value"))
    x = x + proj(causal_attention(q, k, vv).transpose(1, 2).reshape(b, t, d), "output")
    h = F.layer_norm(x, (d,), w[p + "mlp_norm/gamma"], w[p + "mlp_norm/beta"], 1e-5)
    x = x + proj(F.gelu(proj(h, "up"), approximate="tanh"), "down")
    logits = F.layer_norm(x, (d,), w["final_norm/gamma"], w["final_norm/beta"], 1e-5) @ w["token_embedding"].T
    payload = {"name": "lm_lora_tiny", "torch_version": torch.__version__,
               "config": {"vocab_size": v, "context_length": c, "d_model": d, "num_layers": 1, "num_heads": heads,
                          "ff_dim": ff, "lora_rank": rank, "lora_alpha": alpha,
                          "lora_targets": ["query", "value", "up"], "dtype": "float64"},
               "weights": {k: tensor_json(t) for k, t in w.items()},
               "ids": tensor_json(ids, "int64"), "logits": tensor_json(logits)}
    (OUT / "lm_lora_tiny.json").write_text(json.dumps(payload, separators=(",", ":")))


if __name__ == "__main__":
    gpt2_case()
    llama_case()
    lora_case()
    print("wrote", OUT / "gpt2_tiny", OUT / "lm_gpt2_tiny.json", OUT / "lm_llama_tiny.json")
