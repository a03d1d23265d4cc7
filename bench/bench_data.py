#!/usr/bin/python3
"""Real data for bench/run.py, written once as .npy files that both sides load.

Each training row trains on the data its example uses, with its real labels:
  fashion_*  Fashion-MNIST from Debian's dataset-fashion-mnist (the seed CNN), float32 in [0, 1]
  credit_*   Lending Club rows (examples/credit_lending_club.toml's file): numeric columns
             median-imputed and standardized, categorical columns one-hot, label bad = 1
  sp500_*    S&P 500 daily closes (examples/forecast_sp500.toml's file): 60-day windows of the
             example's features (log return, its 5- and 20-day means, its 20-day volatility),
             standardized; the target is the next day's log return, standardized
  banking77_* Banking77 training messages as word ids (the 9,999 most frequent lower-case
             words, 0 = padding), cut or padded to 64 tokens, and their 77 intent labels
Preparation is plain numpy and is not timed. Usage: bench_data.py OUT_DIR
"""
import csv
import gzip
import os
import re
import sys
from collections import Counter

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")
FASHION = "/usr/share/datasets/fashion-mnist"
VERSION = "1"  # bump when the preparation changes, so cached files are rebuilt


def idx(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def fashion(out):
    for split, prefix in (("train", "train"), ("test", "t10k")):
        x = idx(os.path.join(FASHION, f"{prefix}-images-idx3-ubyte.gz"), 16).reshape(-1, 28, 28, 1)
        y = idx(os.path.join(FASHION, f"{prefix}-labels-idx1-ubyte.gz"), 8).astype(np.int64)
        np.save(os.path.join(out, f"fashion_x_{split}.npy"), (x.astype(np.float32) / 255.0))
        np.save(os.path.join(out, f"fashion_y_{split}.npy"), y)


def credit(out):
    with open(os.path.join(SHARED, "modeldata_lending_club", "lending_club.csv"), newline="") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    target = header.index("Class")
    columns = []
    for j, name in enumerate(header):
        if j == target:
            continue
        cells = [r[j] for r in rows]
        try:
            values = np.array([float(c) if c not in ("", "NA") else np.nan for c in cells])
            values[np.isnan(values)] = np.nanmedian(values)
            columns.append(((values - values.mean()) / (values.std() or 1.0))[:, None])
        except ValueError:
            levels = sorted(set(cells))
            columns.append(np.array([[c == level for level in levels] for c in cells], dtype=np.float64))
    x = np.hstack(columns).astype(np.float32)
    y = np.array([[r[target] == "bad"] for r in rows], dtype=np.float32)
    np.save(os.path.join(out, "credit_x.npy"), x)
    np.save(os.path.join(out, "credit_y.npy"), y)


def rolling(values, n, fn):
    out = np.full_like(values, np.nan)
    for t in range(n - 1, len(values)):
        out[t] = fn(values[t - n + 1:t + 1])
    return out


def sp500(out, sequence=60):
    with open(os.path.join(SHARED, "sp500_fred_daily", "fred_sp500.csv"), newline="") as f:
        closes = np.array([float(r["SP500"]) for r in csv.DictReader(f) if r["SP500"].strip()])
    r = np.diff(np.log(closes))
    features = np.stack([r, rolling(r, 5, np.mean), rolling(r, 20, np.mean), rolling(r, 20, np.std)], axis=1)
    features, r = features[19:], r[19:]
    features = (features - features.mean(0)) / features.std(0)
    target = (r - r.mean()) / r.std()
    n = len(features) - sequence
    x = np.stack([features[i:i + sequence] for i in range(n)]).astype(np.float32)
    y = target[sequence:sequence + n, None].astype(np.float32)
    np.save(os.path.join(out, "sp500_x.npy"), x)
    np.save(os.path.join(out, "sp500_y.npy"), y)


def banking77(out, vocabulary=10000, length=64):
    with open(os.path.join(SHARED, "banking77", "train.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    words = [re.findall(r"[a-z0-9']+", r["text"].lower()) for r in rows]
    frequent = [w for w, _ in Counter(w for ws in words for w in ws).most_common(vocabulary - 1)]
    ids = {w: i + 1 for i, w in enumerate(frequent)}
    x = np.zeros((len(rows), length), dtype=np.int64)
    for i, ws in enumerate(words):
        seq = [ids[w] for w in ws if w in ids][:length]
        x[i, :len(seq)] = seq
    labels = sorted({r["category"] for r in rows})
    y = np.array([labels.index(r["category"]) for r in rows], dtype=np.int64)
    np.save(os.path.join(out, "banking77_x.npy"), x)
    np.save(os.path.join(out, "banking77_y.npy"), y)


def prepare(out):
    """Writes the files into `out` unless this version of them is already there."""
    stamp = os.path.join(out, "VERSION")
    if os.path.exists(stamp) and open(stamp).read() == VERSION:
        return
    os.makedirs(out, exist_ok=True)
    for make in (fashion, credit, sp500, banking77):
        make(out)
    with open(stamp, "w") as f:
        f.write(VERSION)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: bench_data.py OUT_DIR")
    prepare(sys.argv[1])
