#!/usr/bin/python3
"""Generation speed at batch 1 with a KV cache: deepfin against the same model in
PyTorch, side by side, interleaved, greedy, float32 on both sides (IEEE subnormals on
both, as shipped), 2 threads each.

Two models:
  banking77  the example's language model (examples/pretrain_banking77.toml: Llama-style,
             1.2 M parameters, trained on the Banking77 messages); pretrained here if missing
  gpt2_124m  a GPT-2-small-shaped model (12 x 768, 50,257 tokens, 124 M parameters) with
             random weights in the Hugging Face layout, so the speed is that of real
             GPT-2-small files (the weights do not change the arithmetic)

The PyTorch side is written here: the same blocks, a cache of keys and values per
layer, one token per step. Both sides time the cached steps only (not the prompt),
and both must produce the same greedy tokens (checked). For int8, PyTorch runs every
projection and the head through its dynamic int8 linear (torch.ops.quantized.linear_dynamic
on the build's default x86 engine: int8 weights per output channel, activations quantized per
call), deepfin through Q8_0 blocks of 32; the schemes round differently, so their greedy
tokens are not compared. The memory-bandwidth limit is
bytes of weights read per token / a measured copy bandwidth (numpy, 256 MiB arrays);
int8 weights (deepfin generate --int8, Q8_0) read 34 bytes per 32 weights.

    bench/lm_generate.py                    # both models, 5 rounds
    bench/lm_generate.py --models banking77 --rounds 3
"""
import argparse
import json
import math
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(ROOT, "build", "release", "deepfin")
sys.path.insert(0, os.path.join(ROOT, "tests", "parity"))
from generate_bpe_fixtures import bytes_to_unicode  # noqa: E402
from generate_lm_fixtures import save_safetensors  # noqa: E402

PROMPT = "I still have not received my new card"


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, h in header.items():
        if name == "__metadata__" or h["dtype"] != "F32":
            continue
        a, b = h["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype=np.float32).copy()).view(*h["shape"])
    return out, header.get("__metadata__", {})


# ---------------------------------------------------------------- the PyTorch models, with a KV cache
def int8_linear(weight_out_in, bias):
    """PyTorch's packed int8 weight (symmetric, one scale per output row) for linear_dynamic."""
    scales = (weight_out_in.abs().amax(1) / 127).clamp_min(1e-12).double()
    q = torch.quantize_per_channel(weight_out_in.contiguous(), scales,
                                   torch.zeros(weight_out_in.shape[0], dtype=torch.long), 0, torch.qint8)
    return torch.ops.quantized.linear_prepack(q, bias)


class TorchLM:
    def __init__(self, weights, cfg, int8=False):
        self.w, self.cfg = weights, cfg
        self.keys = [None] * cfg["num_layers"]
        self.values = [None] * cfg["num_layers"]
        self.length = 0
        self.packed = {}
        if int8:
            for name, t in weights.items():
                if name.endswith("_kernel"):
                    p = name[:-len("_kernel")]
                    self.packed[p] = int8_linear(t.T, weights.get(p + "_bias") if cfg["use_bias"] else None)
            head = weights["token_embedding"] if cfg["tie_embeddings"] else weights["output_kernel"].T
            self.packed["head"] = int8_linear(head, None)

    def norm(self, x, p):
        if self.cfg["norm"] == "rms":
            return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + self.cfg["norm_epsilon"]) * self.w[p + "/gamma"]
        return F.layer_norm(x, x.shape[-1:], self.w[p + "/gamma"], self.w[p + "/beta"], self.cfg["norm_epsilon"])

    def proj(self, x, p):
        if p in self.packed:
            return torch.ops.quantized.linear_dynamic(x.contiguous(), self.packed[p])
        y = x @ self.w[p + "_kernel"]
        return y + self.w[p + "_bias"] if self.cfg["use_bias"] else y

    def rope(self, x, pos):
        d = x.shape[-1]
        half = d // 2
        inv = self.cfg["rope_base"] ** (-2.0 * torch.arange(half, dtype=torch.float64) / d)
        ang = pos[:, None].double() * inv[None]
        cos = torch.cat([ang.cos(), ang.cos()], -1).float()
        sin = torch.cat([ang.sin(), ang.sin()], -1).float()
        return x * cos + torch.cat([-x[..., half:], x[..., :half]], -1) * sin

    @torch.no_grad()
    def step(self, ids):
        c = self.cfg
        t = ids.shape[1]
        pos = torch.arange(self.length, self.length + t)
        x = self.w["token_embedding"][ids]
        if c["positions"] == "learned":
            x = x + self.w["position_embedding"][pos]
        h_, kv, hd = c["num_heads"], c["num_kv_heads"], c["d_model"] // c["num_heads"]
        for i in range(c["num_layers"]):
            p = f"block_{i}/"
            h = self.norm(x, p + "attention_norm")
            q = self.proj(h, p + "query").view(1, t, h_, hd).transpose(1, 2)
            k = self.proj(h, p + "key").view(1, t, kv, hd).transpose(1, 2)
            v = self.proj(h, p + "value").view(1, t, kv, hd).transpose(1, 2)
            if c["positions"] == "rope":
                q, k = self.rope(q, pos), self.rope(k, pos)
            self.keys[i] = k if self.keys[i] is None else torch.cat([self.keys[i], k], 2)
            self.values[i] = v if self.values[i] is None else torch.cat([self.values[i], v], 2)
            kk = self.keys[i].repeat_interleave(h_ // kv, 1)
            vv = self.values[i].repeat_interleave(h_ // kv, 1)
            s = q @ kk.transpose(-1, -2) / math.sqrt(hd)
            if t > 1:
                s = s.masked_fill(~torch.ones(t, t, dtype=torch.bool).tril(), float("-inf"))
            o = (torch.softmax(s, -1) @ vv).transpose(1, 2).reshape(1, t, -1)
            x = x + self.proj(o, p + "output")
            h = self.norm(x, p + "mlp_norm")
            if c["mlp"] == "swiglu":
                m = F.silu(self.proj(h, p + "gate")) * self.proj(h, p + "up")
            else:
                m = F.gelu(self.proj(h, p + "up"), approximate="tanh" if c["mlp"] == "gelu" else "none")
            x = x + self.proj(m, p + "down")
        x = self.norm(x, "final_norm")
        self.length += t
        if "head" in self.packed:
            return torch.ops.quantized.linear_dynamic(x[:, -1], self.packed["head"])
        head = self.w["token_embedding"].T if c["tie_embeddings"] else self.w["output_kernel"]
        return x[:, -1] @ head


def torch_generate(weights, cfg, prompt_ids, n, vocab, int8=False):
    # Only ids the tokenizer has are chosen (deepfin does the same when the embedding is larger).
    lm = TorchLM(weights, cfg, int8)
    logits = lm.step(torch.tensor([prompt_ids]))
    out = [int(logits[..., :vocab].argmax())]
    start = time.perf_counter()
    for _ in range(n - 1):
        logits = lm.step(torch.tensor([[out[-1]]]))
        out.append(int(logits[..., :vocab].argmax()))
    return out, (n - 1) / (time.perf_counter() - start)


# ---------------------------------------------------------------- the two models on disk
def banking77_model():
    path = os.path.join(ROOT, "out", "banking77_lm.safetensors")
    if not os.path.exists(path):
        subprocess.run([CLI, "pretrain", "examples/pretrain_banking77.toml"], cwd=ROOT, check=True)
    tensors, meta = read_safetensors(path)
    cfg = json.loads(meta["model_config"])["config"]["layers"][0]["config"]
    prefix = "layers/" + cfg["name"] + "/"
    weights = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
    vocab = json.loads(meta["tokenizer"])["vocab"]
    return path, weights, cfg, vocab


def gpt2_model(folder):
    """GPT-2 small's shapes, random weights, the tiny fixture's tokenizer (its ids fit in 50,257)."""
    torch.manual_seed(0)
    v, c, d, layers, ff = 50257, 1024, 768, 12, 3072
    hf = {"wte.weight": torch.randn(v, d) * 0.02, "wpe.weight": torch.randn(c, d) * 0.01}
    for i in range(layers):
        p = f"h.{i}."
        hf[p + "ln_1.weight"], hf[p + "ln_1.bias"] = torch.ones(d), torch.zeros(d)
        hf[p + "attn.c_attn.weight"], hf[p + "attn.c_attn.bias"] = torch.randn(d, 3 * d) * 0.02, torch.zeros(3 * d)
        hf[p + "attn.c_proj.weight"], hf[p + "attn.c_proj.bias"] = torch.randn(d, d) * 0.02, torch.zeros(d)
        hf[p + "ln_2.weight"], hf[p + "ln_2.bias"] = torch.ones(d), torch.zeros(d)
        hf[p + "mlp.c_fc.weight"], hf[p + "mlp.c_fc.bias"] = torch.randn(d, ff) * 0.02, torch.zeros(ff)
        hf[p + "mlp.c_proj.weight"], hf[p + "mlp.c_proj.bias"] = torch.randn(ff, d) * 0.02, torch.zeros(d)
    hf["ln_f.weight"], hf["ln_f.bias"] = torch.ones(d), torch.zeros(d)
    hf = {k: t.float() for k, t in hf.items()}
    save_safetensors(os.path.join(folder, "model.safetensors"), hf)
    fixture = os.path.join(ROOT, "tests", "parity", "fixtures", "gpt2_tiny")
    for name in ("vocab.json", "merges.txt"):
        with open(os.path.join(fixture, name), "rb") as src, open(os.path.join(folder, name), "wb") as dst:
            dst.write(src.read())
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump({"n_head": 12}, f)
    w = {"token_embedding": hf["wte.weight"], "position_embedding": hf["wpe.weight"],
         "final_norm/gamma": hf["ln_f.weight"], "final_norm/beta": hf["ln_f.bias"]}
    for i in range(layers):
        p, b = f"h.{i}.", f"block_{i}/"
        for name in ("query", "key", "value"):
            j = ("query", "key", "value").index(name)
            w[b + name + "_kernel"] = hf[p + "attn.c_attn.weight"][:, j * d:(j + 1) * d].contiguous()
            w[b + name + "_bias"] = hf[p + "attn.c_attn.bias"][j * d:(j + 1) * d].contiguous()
        w[b + "output_kernel"], w[b + "output_bias"] = hf[p + "attn.c_proj.weight"], hf[p + "attn.c_proj.bias"]
        w[b + "up_kernel"], w[b + "up_bias"] = hf[p + "mlp.c_fc.weight"], hf[p + "mlp.c_fc.bias"]
        w[b + "down_kernel"], w[b + "down_bias"] = hf[p + "mlp.c_proj.weight"], hf[p + "mlp.c_proj.bias"]
        for ours, theirs in (("attention_norm", "ln_1"), ("mlp_norm", "ln_2")):
            w[b + ours + "/gamma"], w[b + ours + "/beta"] = hf[p + theirs + ".weight"], hf[p + theirs + ".bias"]
    cfg = {"num_layers": layers, "num_heads": 12, "num_kv_heads": 12, "d_model": d, "norm": "layer", "mlp": "gelu",
           "positions": "learned", "use_bias": True, "tie_embeddings": True, "norm_epsilon": 1e-5, "rope_base": 1e4}
    with open(os.path.join(fixture, "vocab.json"), encoding="utf-8") as f:
        by_id = sorted(json.load(f).items(), key=lambda kv: kv[1])
    return os.path.join(folder, "model.safetensors"), w, cfg, [k for k, _ in by_id]


# ---------------------------------------------------------------- measurement
def deepfin_generate(path, n, int8=False):
    r = subprocess.run([CLI, "generate", path, "--prompt", PROMPT, "--greedy", "--ignore-eos", "--max-tokens", str(n),
                        "--log-format", "json", "--threads", "2"] + (["--int8"] if int8 else []),
                       capture_output=True, text=True, check=True)
    events = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    text = next(e["text"] for e in events if e.get("event") == "generation")
    speed = next(e for e in events if e.get("event") == "speed")
    return text, speed["tokens_per_second"], speed["tokens"]


def decode(ids, vocab):
    u2b = {u: b for b, u in bytes_to_unicode().items()}
    return b"".join(bytes(u2b[ch] for ch in vocab[i]) for i in ids).decode("utf-8", "replace")


def copy_bandwidth():
    a = np.ones(64 << 20, dtype=np.float32)
    b = np.empty_like(a)
    best = 0.0
    for _ in range(5):
        t = time.perf_counter()
        np.copyto(b, a)
        best = max(best, 2 * a.nbytes / (time.perf_counter() - t))
    return best


def percentile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="banking77,gpt2_124m")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    torch.set_num_threads(2)
    # PyTorch's int8 engine is its x86 default (onednn on Debian's build). qnnpack, the other one
    # here, took 101 ms per 124 M step against onednn's 48: its output projection re-packs.
    with open("/proc/loadavg") as f:
        load = f.read().split()[0]
    bandwidth = copy_bandwidth()
    print(f"machine: {os.cpu_count()} cores, load average {load}, copy bandwidth {bandwidth / 1e9:.1f} GB/s, "
          f"PyTorch {torch.__version__}, int8 engine {torch.backends.quantized.engine}")
    print("| model | parameters | new tokens | deepfin tokens/s (p10-p90) | PyTorch tokens/s (p10-p90) | ratio |"
          " bandwidth limit tokens/s | same tokens | deepfin int8 tokens/s (p10-p90) |"
          " PyTorch int8 tokens/s (p10-p90) | int8 ratio | int8 limit |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models.split(","):
            path, weights, cfg, vocab = banking77_model() if name == "banking77" else gpt2_model(tmp)
            n = 48 if name == "banking77" else 64
            params = sum(t.numel() for t in weights.values())
            prompt_ids = prompt_token_ids(path, vocab)
            ours, theirs, int8, theirs8, same = [], [], [], [], True
            for _ in range(args.rounds):
                ids, rate = torch_generate(weights, cfg, prompt_ids, n, len(vocab))
                theirs.append(rate)
                text, rate, _ = deepfin_generate(path, n)
                ours.append(rate)
                same = same and text == decode(ids, vocab)
                int8.append(deepfin_generate(path, n, int8=True)[1])
                theirs8.append(torch_generate(weights, cfg, prompt_ids, n, len(vocab), int8=True)[1])
            limit = bandwidth / (4 * params)
            ratio = statistics.median(ours) / statistics.median(theirs)
            print(f"| {name} | {params / 1e6:.1f} M | {n} | {statistics.median(ours):.1f} ({percentile(ours, .1):.1f}-"
                  f"{percentile(ours, .9):.1f}) | {statistics.median(theirs):.1f} ({percentile(theirs, .1):.1f}-"
                  f"{percentile(theirs, .9):.1f}) | {ratio:.2f}x | {limit:.0f} | {'yes' if same else 'NO'} | "
                  f"{statistics.median(int8):.1f} ({percentile(int8, .1):.1f}-{percentile(int8, .9):.1f}) | "
                  f"{statistics.median(theirs8):.1f} ({percentile(theirs8, .1):.1f}-{percentile(theirs8, .9):.1f}) | "
                  f"{statistics.median(int8) / statistics.median(theirs8):.2f}x | "
                  f"{bandwidth / (params * 34 / 32):.0f} |")


def prompt_token_ids(path, vocab):
    """GPT-2's encoder on the prompt with the model's own merges (the reference of the parity tests)."""
    from generate_bpe_fixtures import bpe, pretokenize
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        meta = json.loads(f.read(n)).get("__metadata__", {})
    if "tokenizer" in meta:
        merges = [tuple(m.split(" ")) for m in json.loads(meta["tokenizer"])["merges"]]
    else:
        with open(os.path.join(os.path.dirname(path), "merges.txt"), encoding="utf-8") as f:
            merges = [tuple(line.split()) for line in f.read().splitlines()[1:] if line.strip()]
    ranks = {m: i for i, m in enumerate(merges)}
    ids_of = {tok: i for i, tok in enumerate(vocab)}
    b2u = bytes_to_unicode()
    out = []
    for piece in pretokenize(PROMPT):
        out += [ids_of[t] for t in bpe("".join(b2u[c] for c in piece.encode("utf-8")), ranks).split(" ")]
    return out


if __name__ == "__main__":
    main()
