#!/usr/bin/python3
"""The PyTorch side of bench/run.py: the same workloads as bench/workloads.cpp.

Each run prints one JSON line. PyTorch gets its native layout (NCHW) and its
usual training loop; shapes, batch sizes, optimizer and thread count match.
Usage: torch_workloads.py WORKLOAD --threads N --repeats R
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def time_calls(fn, repeats):
    fn()
    out = []
    for _ in range(repeats):
        s = time.perf_counter()
        fn()
        out.append(time.perf_counter() - s)
    return out


def seed_cnn():
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(5408, 10))


def mlp():
    return nn.Sequential(nn.Linear(30, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1))


class LstmForecaster(nn.Module):
    """LSTM(64) over (60, 8) windows, the last hidden state into Linear(64, 1)."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 64, batch_first=True)
        self.head = nn.Linear(64, 1)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.head(h[-1])


class TransformerClassifier(nn.Module):
    """Embedding(10000, 128) + learned positions (64, 128), two post-norm encoder
    layers (4 heads, FFN 256, gelu, dropout 0.1), mean over the sequence, Linear(128, 3)."""

    def __init__(self, vocab=10000, seq=64, d_model=128):
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model)
        self.positions = nn.Parameter(torch.empty(seq, d_model).uniform_(-0.05, 0.05))
        layer = nn.TransformerEncoderLayer(d_model, 4, 256, dropout=0.1, activation="gelu", batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, 3)

    def forward(self, ids):
        h = self.encoder(self.embed(ids) + self.positions[: ids.shape[1]])
        return self.head(h.mean(dim=1))


def token_ids(n, seq=64, vocab=10000):
    return torch.randint(1, vocab, (n, seq))


def train_epoch(model, x, y, batch, loss_fn):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)

    def epoch():
        perm = torch.randperm(x.shape[0])
        for i in range(0, x.shape[0], batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
    return epoch


def main():
    p = argparse.ArgumentParser()
    p.add_argument("workload")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeats", type=int, default=5)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    w, r = a.workload, a.repeats
    if w == "cnn_train":
        n = 3200
        x, y = torch.rand(n, 1, 28, 28), torch.full((n,), 3, dtype=torch.long)
        secs, work = time_calls(train_epoch(seed_cnn(), x, y, 32, F.cross_entropy), r), n
    elif w == "cnn_predict_b1":
        m, x = seed_cnn().eval(), torch.rand(1, 1, 28, 28)
        with torch.no_grad():
            secs, work = time_calls(lambda: F.softmax(m(x), -1), r * 60), 1
    elif w == "cnn_predict_b1000":
        m, x = seed_cnn().eval(), torch.rand(1000, 1, 28, 28)
        with torch.no_grad():
            secs, work = time_calls(lambda: F.softmax(m(x), -1), r), 1000
    elif w == "mlp_train":
        n = 25600
        x, y = torch.rand(n, 30), torch.rand(n, 1)
        secs, work = time_calls(train_epoch(mlp(), x, y, 256, F.binary_cross_entropy_with_logits), r), n
    elif w == "mlp_predict_b1":
        m, x = mlp().eval(), torch.rand(1, 30)
        with torch.no_grad():
            secs, work = time_calls(lambda: torch.sigmoid(m(x)), r * 400), 1
    elif w == "lstm_train":
        n = 1280
        x, y = torch.rand(n, 60, 8), torch.rand(n, 1)
        secs, work = time_calls(train_epoch(LstmForecaster(), x, y, 64, F.mse_loss), r), n
    elif w == "lstm_predict_b1":
        m, x = LstmForecaster().eval(), torch.rand(1, 60, 8)
        with torch.no_grad():
            secs, work = time_calls(lambda: m(x), r * 100), 1
    elif w == "transformer_train":
        n = 640
        x, y = token_ids(n), torch.arange(n) % 3
        secs, work = time_calls(train_epoch(TransformerClassifier(), x, y, 32, F.cross_entropy), r), n
    elif w == "transformer_predict_b1":
        m, x = TransformerClassifier().eval(), token_ids(1)
        with torch.no_grad():
            secs, work = time_calls(lambda: F.softmax(m(x), -1), r * 100), 1
    else:
        raise SystemExit(f"unknown workload {w}")
    print(json.dumps({"workload": w, "unit": "samples", "work_per_call": work, "seconds": secs,
                      "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
