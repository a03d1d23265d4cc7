#!/usr/bin/python3
"""deepfin vs PyTorch, side by side, on the same machine in the same time window.

Builds deepfin (release preset), installs Debian's python3-torch when missing,
prepares the real data both sides train on (bench/bench_data.py), checks whether
the machine is busy, then runs every row's two sides interleaved (PyTorch,
deepfin, deepfin, PyTorch, ...) and prints a Markdown table of medians with their
p10-p90 spread, the deepfin/PyTorch ratio, and GFLOP/s as a share of this
machine's measured FMA peak. A row where either side's p10 or p90 lies more than
20 % from its median is marked unreliable and gets no ratio.

The headline rows are the seed example itself: `deepfin train
examples/seed_cnn.toml` (its per-epoch seconds from --log-format json) against
the same 10-epoch Keras-style loop in PyTorch, each with its test accuracy; the
rates are over epochs 2-10 (the first warms up on both sides).

Both sides handle subnormal floats the same way: IEEE (kept) by default, as both
tools ship; --ftz flushes them to zero on both sides (PyTorch's
set_flush_denormal, MXCSR FTZ|DAZ in bench_workloads) and skips the seed-job rows,
whose deepfin side is the unmodified CLI.

    bench/run.py                 # all rows, about 15 minutes
    bench/run.py --rows cnn_train,mlp_train --rounds 3
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import bench_data

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build", "release")
DEEPFIN = os.path.join(BUILD, "bench", "bench_workloads")
DEEPFIN_CLI = os.path.join(BUILD, "deepfin")
DATA = os.path.join(BUILD, "bench", "data")
TORCH = [sys.executable if sys.executable.startswith("/usr/bin/") else "/usr/bin/python3",
         os.path.join(ROOT, "bench", "torch_workloads.py")]

CNN_FORWARD_FLOPS = 26 * 26 * 32 * 9 * 2 + 5408 * 10 * 2   # conv + dense, per sample
CREDIT_FEATURES, SP500_FEATURES = 119, 4                      # bench_data.py's encodings
MLP_FORWARD_FLOPS = (CREDIT_FEATURES * 64 + 64 * 32 + 32 * 1) * 2
LSTM_FORWARD_FLOPS = 60 * (SP500_FEATURES + 64) * 4 * 64 * 2 + 64 * 2   # 60 steps of [x, h] @ 4 gates, Dense(1)
# Per encoder layer on T = 64, D = 128, FFN 256: Q/K/V/output projections, Q K^T and P V, the FFN.
ENCODER_FLOPS = 64 * (4 * 128 * 128 * 2 + 2 * 64 * 128 * 2 + 2 * 128 * 256 * 2)
TRANSFORMER_FORWARD_FLOPS = 2 * ENCODER_FLOPS + 128 * 77 * 2

# One row per workload. "kind": throughput rows report samples/s, latency rows
# report microseconds per call. Training counts 3x the forward FLOPs (the seed
# job's epochs also run the forward pass over the 10,000 test images).
ROWS = []
for t in (2, 1):
    ROWS.append(dict(name="**seed job** (`deepfin train examples/seed_cnn.toml`), 10 epochs of 60,000",
                     workload="seed_job", threads=t, kind="throughput",
                     flops=(3 * 60000 + 10000) * CNN_FORWARD_FLOPS / 60000))
for t in (2, 1):
    ROWS.append(dict(name="seed CNN training, 6,400 Fashion-MNIST images, batch 32", workload="cnn_train",
                     threads=t, kind="throughput", flops=3 * CNN_FORWARD_FLOPS))
ROWS += [
    dict(name="seed CNN predict, batch 1", workload="cnn_predict_b1", threads=1, kind="latency",
         flops=CNN_FORWARD_FLOPS),
    dict(name="seed CNN predict, batch 1000", workload="cnn_predict_b1000", threads=2, kind="throughput",
         flops=CNN_FORWARD_FLOPS),
]
for t in (2, 1):
    ROWS.append(dict(name=f"credit MLP ({CREDIT_FEATURES}-64-32-1) training, Lending Club, batch 256",
                     workload="mlp_train", threads=t, kind="throughput", flops=3 * MLP_FORWARD_FLOPS))
ROWS.append(dict(name="credit MLP predict, batch 1", workload="mlp_predict_b1", threads=1, kind="latency",
                 flops=MLP_FORWARD_FLOPS))
for t in (2, 1):
    ROWS.append(dict(name="LSTM(64) training, S&P 500 60-day windows, batch 64", workload="lstm_train", threads=t,
                     kind="throughput", flops=3 * LSTM_FORWARD_FLOPS))
ROWS.append(dict(name="LSTM(64) predict, batch 1 (60 steps)", workload="lstm_predict_b1", threads=1,
                 kind="latency", flops=LSTM_FORWARD_FLOPS))
for t in (2, 1):
    ROWS.append(dict(name="Transformer (2 layers, d 128, T 64) training, Banking77, batch 32",
                     workload="transformer_train", threads=t, kind="throughput",
                     flops=3 * TRANSFORMER_FORWARD_FLOPS))
ROWS += [
    dict(name="Transformer predict, batch 1 (64 tokens)", workload="transformer_predict_b1", threads=1,
         kind="latency", flops=TRANSFORMER_FORWARD_FLOPS),
    dict(name="seed CNN training, both cores loaded by other work", workload="cnn_train", threads=2,
         kind="throughput", flops=3 * CNN_FORWARD_FLOPS, contention=True),
]
UNRELIABLE = 0.20   # a p10 or p90 further than this from the median


def ensure_torch():
    ok = subprocess.run([TORCH[0], "-c", "import torch"], capture_output=True).returncode == 0
    if ok:
        return
    print("installing python3-torch (Debian) for the PyTorch side ...", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(sudo + ["apt-get", "install", "-y", "--no-install-recommends", "python3-torch"], check=True)


def build():
    subprocess.run(["cmake", "--preset", "release"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", "--preset", "release", "--target", "bench_workloads"], cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)


def busy_check(seconds=1.0):
    """Share of a 1 s CPU spin this process spent waiting in the run queue."""
    def read():
        with open("/proc/self/schedstat") as f:
            run, wait, _ = (int(v) for v in f.read().split())
        return run, wait
    r0, w0 = read()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass
    r1, w1 = read()
    waited = (w1 - w0) / max(1, (r1 - r0) + (w1 - w0))
    with open("/proc/loadavg") as f:
        load = f.read().split()[0]
    return waited, load


def run_side(cmd, threads, repeats, ftz):
    env = dict(os.environ, DEEPFIN_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    args = ["--data", DATA, "--threads", str(threads), "--repeats", str(repeats)] + (["--ftz"] if ftz else [])
    out = subprocess.run(cmd + args, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def run_seed_job(threads):
    """deepfin's side of the headline row: the example job, unchanged, through the CLI."""
    with tempfile.TemporaryDirectory() as work:
        job = os.path.join(work, "seed_cnn.toml")
        shutil.copy(os.path.join(ROOT, "examples", "seed_cnn.toml"), job)
        env = dict(os.environ, DEEPFIN_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
        out = subprocess.run([DEEPFIN_CLI, "--log-format", "json", "--threads", str(threads), "train", job],
                             cwd=work, env=env, check=True, capture_output=True, text=True).stdout
    epochs = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    epochs = [e for e in epochs if e.get("event") == "epoch"]
    return {"work_per_call": 60000, "seconds": [e["seconds"] for e in epochs],
            "test_accuracy": epochs[-1]["val_accuracy"]}


def start_load():
    """Two busy processes, one per core, for the contention row."""
    return [subprocess.Popen(["/usr/bin/python3", "-c", "while True: pass"]) for _ in range(2)]


def rate(result, kind):
    per_call = [s / result["work_per_call"] for s in result["seconds"]]
    if kind == "latency":
        return [p * 1e6 for p in per_call]          # microseconds per sample
    return [1.0 / p for p in per_call]              # samples per second


def summarize(values):
    values = sorted(values)
    q = statistics.quantiles(values, n=10) if len(values) >= 4 else [values[0]] * 9
    return statistics.median(values), q[0], q[-1]


def reliable(median, lo, hi):
    return lo >= (1 - UNRELIABLE) * median and hi <= (1 + UNRELIABLE) * median


def fmt_value(v, kind):
    return f"{v:,.1f} µs" if kind == "latency" else f"{v:,.0f}/s"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", help="comma-separated workload names to run (default: all)")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds per row (the seed job: 1)")
    ap.add_argument("--repeats", type=int, default=3, help="timed calls per side per round")
    ap.add_argument("--ftz", action="store_true", help="flush subnormals to zero on both sides")
    ap.add_argument("--no-build", action="store_true")
    a = ap.parse_args()

    ensure_torch()
    if not a.no_build:
        build()
    bench_data.prepare(DATA)
    waited, load = busy_check()
    print(f"machine check: {waited:.1%} of a 1 s spin spent waiting for a CPU, load average {load}"
          + (" -> BUSY: absolute numbers are unreliable, ratios less so" if waited > 0.05 else " -> idle"))
    print("subnormal floats: " + ("flushed to zero (FTZ and DAZ) on both sides" if a.ftz
                                  else "kept (IEEE, both tools' default) on both sides"))
    peaks = {}
    for t in sorted({r["threads"] for r in ROWS}):
        res = run_side([DEEPFIN, "peak"], t, 3, False)
        peaks[t] = max(res["work_per_call"] / s for s in res["seconds"]) / 1e9
    print("FMA peak: " + ", ".join(f"{p:.0f} GFLOP/s on {t} thread(s)" for t, p in peaks.items()))
    print()

    wanted = set(a.rows.split(",")) if a.rows else None
    lines = ["| work | threads | PyTorch median [p10–p90] | deepfin median [p10–p90] | deepfin ÷ PyTorch | deepfin GFLOP/s (% of peak) |",
             "|---|---|---|---|---|---|"]
    print("\n".join(lines), flush=True)
    notes = []
    for row in ROWS:
        if wanted and row["workload"] not in wanted:
            continue
        seed_job = row["workload"] == "seed_job"
        if seed_job and a.ftz:
            notes.append("seed-job rows skipped: --ftz cannot reach the CLI's threads")
            continue
        load_procs = start_load() if row.get("contention") else []
        try:
            sides = {"torch": [], "deepfin": []}
            for rnd in range(1 if seed_job else a.rounds):
                order = ["torch", "deepfin"] if rnd % 2 == 0 else ["deepfin", "torch"]
                for side in order:
                    if side == "deepfin" and seed_job:
                        result = run_seed_job(row["threads"])
                    else:
                        cmd = TORCH + [row["workload"]] if side == "torch" else [DEEPFIN, row["workload"]]
                        result = run_side(cmd, row["threads"], a.repeats, a.ftz)
                    if seed_job:  # the first epoch warms up (allocations, oneDNN's JIT) on both sides
                        result["seconds"] = result["seconds"][1:]
                    sides[side] += rate(result, row["kind"])
                    if seed_job:
                        notes.append(f"seed job, {row['threads']} thread(s): {side} test accuracy "
                                     f"{result['test_accuracy']:.4f}")
        finally:
            for p in load_procs:
                p.kill()
        t_stats, d_stats = summarize(sides["torch"]), summarize(sides["deepfin"])
        t_med, d_med = t_stats[0], d_stats[0]
        if row["kind"] == "latency":
            ratio = t_med / d_med
            gflops = row["flops"] / (d_med * 1e-6) / 1e9
        else:
            ratio = d_med / t_med
            gflops = row["flops"] * d_med / 1e9
        share = gflops / peaks[row["threads"]]
        ratio_text = f"{ratio:.2f}×" if reliable(*t_stats) and reliable(*d_stats) else \
            f"unreliable (spread > ±{UNRELIABLE:.0%}; {ratio:.2f}×)"

        def cell(stats):
            med, lo, hi = stats
            return f"{fmt_value(med, row['kind'])} [{fmt_value(lo, row['kind'])}–{fmt_value(hi, row['kind'])}]"
        lines.append(f"| {row['name']} | {row['threads']} | {cell(t_stats)} | {cell(d_stats)} | "
                     f"{ratio_text} | {gflops:.1f} ({share:.1%}) |")
        print(lines[-1], flush=True)
    print()
    print("\n".join(lines))
    print("\nratio > 1 means deepfin is faster (higher samples/s, or lower latency).")
    for n in notes:
        print(n)


if __name__ == "__main__":
    main()
