#!/usr/bin/python3
"""The PyTorch side of bench/run.py: the same workloads as bench/workloads.cpp.

Each run prints one JSON line. PyTorch gets its native layout (NCHW) and its
usual training loop; data (bench/bench_data.py's .npy files), shapes, batch
sizes, optimizer, initialization, thread count and subnormal handling match.
Usage: torch_workloads.py WORKLOAD --data DIR --threads N --repeats R [--ftz]
The workload seed_job is the seed example itself (examples/seed_cnn.toml): 10
epochs of batch 32 over the 60,000 training images, validated on the 10,000 test
images after every epoch as Keras does; it reports each epoch's seconds and the
final test accuracy.
"""
import argparse
import json
import os
import time

import numpy as np
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


def keras_init(model):
    """Keras's defaults, as deepfin uses them: Glorot-uniform weights, zero biases."""
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return model


def seed_cnn():
    return keras_init(nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                                    nn.Linear(5408, 10)))


def mlp(features):
    return keras_init(nn.Sequential(nn.Linear(features, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(),
                                    nn.Linear(32, 1)))


class LstmForecaster(nn.Module):
    """LSTM(64) over (60, features) windows, the last hidden state into Linear(64, 1)."""

    def __init__(self, features):
        super().__init__()
        self.lstm = nn.LSTM(features, 64, batch_first=True)
        self.head = nn.Linear(64, 1)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.head(h[-1])


class TransformerClassifier(nn.Module):
    """Embedding(10000, 128) + learned positions (64, 128), two post-norm encoder
    layers (4 heads, FFN 256, gelu, dropout 0.1), mean over the sequence, Linear(128, 77)."""

    def __init__(self, vocab=10000, seq=64, d_model=128):
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model)
        self.positions = nn.Parameter(torch.empty(seq, d_model).uniform_(-0.05, 0.05))
        layer = nn.TransformerEncoderLayer(d_model, 4, 256, dropout=0.1, activation="gelu", batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, 77)

    def forward(self, ids):
        h = self.encoder(self.embed(ids) + self.positions[: ids.shape[1]])
        return self.head(h.mean(dim=1))


def train_epochs(model, x, y, batch, loss_fn, epochs=1):
    """Keras's fit loop: shuffle each epoch, Adam(lr 1e-3, eps 1e-7) as Keras and deepfin."""
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)

    def run():
        model.train()
        for _ in range(epochs):
            perm = torch.randperm(x.shape[0])
            for i in range(0, x.shape[0], batch):
                idx = perm[i:i + batch]
                opt.zero_grad()
                loss = loss_fn(model(x[idx]), y[idx])
                loss.backward()
                opt.step()
    return run


def accuracy(model, x, y, batch=32):
    model.eval()
    with torch.no_grad():
        right = sum(int((model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum()) for i in range(0, len(x), batch))
    return right / len(x)


def seed_job(data):
    """The seed example's 10 epochs; seconds per epoch include the validation pass, as deepfin's do."""
    x, y = nchw(data("fashion_x_train")), data("fashion_y_train")
    x_test, y_test = nchw(data("fashion_x_test")), data("fashion_y_test")
    model = seed_cnn()
    step = train_epochs(model, x, y, 32, F.cross_entropy)
    seconds = []
    for _ in range(10):
        s = time.perf_counter()
        step()
        test_accuracy = accuracy(model, x_test, y_test)
        seconds.append(time.perf_counter() - s)
    return seconds, test_accuracy


def nchw(x):
    return x.permute(0, 3, 1, 2).contiguous()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("workload")
    p.add_argument("--data", required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--ftz", action="store_true")
    a = p.parse_args()
    torch.set_flush_denormal(a.ftz)   # before any thread starts, so the pool inherits it
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    w, r = a.workload, a.repeats

    def data(name, n=None):
        return torch.from_numpy(np.load(os.path.join(a.data, name + ".npy"))[:n])

    extra = {}
    if w == "seed_job":
        secs, extra["test_accuracy"] = seed_job(data)
        work = 60000
    elif w == "cnn_train":
        x, y = nchw(data("fashion_x_train", 6400)), data("fashion_y_train", 6400)
        secs, work = time_calls(train_epochs(seed_cnn(), x, y, 32, F.cross_entropy), r), len(x)
    elif w == "cnn_predict_b1":
        m, x = seed_cnn().eval(), nchw(data("fashion_x_test", 1))
        with torch.no_grad():
            secs, work = time_calls(lambda: F.softmax(m(x), -1), r * 60), 1
    elif w == "cnn_predict_b1000":
        m, x = seed_cnn().eval(), nchw(data("fashion_x_test", 1000))
        with torch.no_grad():
            secs, work = time_calls(lambda: F.softmax(m(x), -1), r), 1000
    elif w == "mlp_train":
        x, y = data("credit_x"), data("credit_y")
        epochs = 5
        run = train_epochs(mlp(x.shape[1]), x, y, 256, F.binary_cross_entropy_with_logits, epochs)
        secs, work = time_calls(run, r), epochs * len(x)
    elif w == "mlp_predict_b1":
        x = data("credit_x", 1)
        m = mlp(x.shape[1]).eval()
        with torch.no_grad():
            secs, work = time_calls(lambda: torch.sigmoid(m(x)), r * 400), 1
    elif w == "lstm_train":
        x, y = data("sp500_x"), data("sp500_y")
        secs, work = time_calls(train_epochs(LstmForecaster(x.shape[2]), x, y, 64, F.mse_loss), r), len(x)
    elif w == "lstm_predict_b1":
        x = data("sp500_x", 1)
        m = LstmForecaster(x.shape[2]).eval()
        with torch.no_grad():
            secs, work = time_calls(lambda: m(x), r * 100), 1
    elif w == "transformer_train":
        x, y = data("banking77_x", 640), data("banking77_y", 640)
        secs, work = time_calls(train_epochs(TransformerClassifier(), x, y, 32, F.cross_entropy), r), len(x)
    elif w == "transformer_predict_b1":
        m, x = TransformerClassifier().eval(), data("banking77_x", 1)
        with torch.no_grad():
            secs, work = time_calls(lambda: F.softmax(m(x), -1), r * 100), 1
    else:
        raise SystemExit(f"unknown workload {w}")
    print(json.dumps({"workload": w, "unit": "samples", "work_per_call": work, "seconds": secs,
                      "threads": torch.get_num_threads(), "flush_denormal": a.ftz, **extra}))


if __name__ == "__main__":
    main()
