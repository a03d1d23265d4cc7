#!/usr/bin/python3
"""deepfin vs PyTorch, side by side, on the same machine in the same time window.

Builds deepfin (release preset), installs Debian's python3-torch when missing,
checks whether the machine is busy, then runs every row's two sides interleaved
(PyTorch, deepfin, deepfin, PyTorch, ...) and prints a Markdown table of
medians with their spread, the deepfin/PyTorch ratio, and GFLOP/s as a share of
this machine's measured FMA peak.

    bench/run.py                 # all rows
    bench/run.py --rows cnn_train,mlp_train --rounds 3
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build", "release")
DEEPFIN = os.path.join(BUILD, "bench", "bench_workloads")
TORCH = [sys.executable if sys.executable.startswith("/usr/bin/") else "/usr/bin/python3",
         os.path.join(ROOT, "bench", "torch_workloads.py")]

CNN_FORWARD_FLOPS = 26 * 26 * 32 * 9 * 2 + 5408 * 10 * 2   # conv + dense, per sample
MLP_FORWARD_FLOPS = (30 * 64 + 64 * 32 + 32 * 1) * 2
LSTM_FORWARD_FLOPS = 60 * (8 + 64) * 4 * 64 * 2 + 64 * 2   # 60 steps of [x, h] @ 4 gates, then Dense(1)
# Per encoder layer on T = 64, D = 128, FFN 256: Q/K/V/output projections, Q K^T and P V, the FFN.
ENCODER_FLOPS = 64 * (4 * 128 * 128 * 2 + 2 * 64 * 128 * 2 + 2 * 128 * 256 * 2)
TRANSFORMER_FORWARD_FLOPS = 2 * ENCODER_FLOPS + 128 * 3 * 2

# One row per workload. "kind": throughput rows report samples/s, latency rows
# report microseconds per call. Training counts 3x the forward FLOPs.
# Later rows (LSTM, Transformer) are appended here by the issues that add them.
ROWS = [
    dict(name="seed CNN training, batch 32", workload="cnn_train", threads=2, kind="throughput",
         flops=3 * CNN_FORWARD_FLOPS),
    dict(name="seed CNN predict, batch 1", workload="cnn_predict_b1", threads=1, kind="latency",
         flops=CNN_FORWARD_FLOPS),
    dict(name="seed CNN predict, batch 1000", workload="cnn_predict_b1000", threads=2, kind="throughput",
         flops=CNN_FORWARD_FLOPS),
    dict(name="MLP training, batch 256", workload="mlp_train", threads=2, kind="throughput",
         flops=3 * MLP_FORWARD_FLOPS),
    dict(name="MLP training, batch 256, 1 thread", workload="mlp_train", threads=1, kind="throughput",
         flops=3 * MLP_FORWARD_FLOPS),
    dict(name="MLP predict, batch 1", workload="mlp_predict_b1", threads=1, kind="latency",
         flops=MLP_FORWARD_FLOPS),
    dict(name="LSTM(64) training, 60x8 windows, batch 64", workload="lstm_train", threads=2, kind="throughput",
         flops=3 * LSTM_FORWARD_FLOPS),
    dict(name="LSTM(64) training, 60x8 windows, batch 64, 1 thread", workload="lstm_train", threads=1,
         kind="throughput", flops=3 * LSTM_FORWARD_FLOPS),
    dict(name="LSTM(64) predict, batch 1", workload="lstm_predict_b1", threads=1, kind="latency",
         flops=LSTM_FORWARD_FLOPS),
    dict(name="Transformer (2 layers, d 128, T 64) training, batch 32", workload="transformer_train", threads=2,
         kind="throughput", flops=3 * TRANSFORMER_FORWARD_FLOPS),
    dict(name="Transformer (2 layers, d 128, T 64) training, batch 32, 1 thread", workload="transformer_train",
         threads=1, kind="throughput", flops=3 * TRANSFORMER_FORWARD_FLOPS),
    dict(name="Transformer predict, batch 1 (64 tokens)", workload="transformer_predict_b1", threads=1,
         kind="latency", flops=TRANSFORMER_FORWARD_FLOPS),
    dict(name="seed CNN training, both cores loaded", workload="cnn_train", threads=2, kind="throughput",
         flops=3 * CNN_FORWARD_FLOPS, contention=True),
]


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


def run_side(cmd, threads, repeats):
    env = dict(os.environ, DEEPFIN_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    out = subprocess.run(cmd + ["--threads", str(threads), "--repeats", str(repeats)], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


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


def fmt_value(v, kind):
    return f"{v:,.1f} µs" if kind == "latency" else f"{v:,.0f}/s"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", help="comma-separated workload names to run (default: all)")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds per row")
    ap.add_argument("--repeats", type=int, default=3, help="timed calls per side per round")
    ap.add_argument("--no-build", action="store_true")
    a = ap.parse_args()

    ensure_torch()
    if not a.no_build:
        build()
    waited, load = busy_check()
    print(f"machine check: {waited:.1%} of a 1 s spin spent waiting for a CPU, load average {load}"
          + (" -> BUSY: absolute numbers are unreliable, ratios less so" if waited > 0.05 else " -> idle"))
    peaks = {}
    for t in sorted({r["threads"] for r in ROWS}):
        res = run_side([DEEPFIN, "peak"], t, 3)
        peaks[t] = max(res["work_per_call"] / s for s in res["seconds"]) / 1e9
    print("FMA peak: " + ", ".join(f"{p:.0f} GFLOP/s on {t} thread(s)" for t, p in peaks.items()))
    print()

    wanted = set(a.rows.split(",")) if a.rows else None
    lines = ["| work | threads | PyTorch median [p10–p90] | deepfin median [p10–p90] | deepfin ÷ PyTorch | deepfin GFLOP/s (% of peak) |",
             "|---|---|---|---|---|---|"]
    print("\n".join(lines), flush=True)
    for row in ROWS:
        if wanted and row["workload"] not in wanted:
            continue
        load_procs = start_load() if row.get("contention") else []
        try:
            sides = {"torch": [], "deepfin": []}
            for rnd in range(a.rounds):
                order = ["torch", "deepfin"] if rnd % 2 == 0 else ["deepfin", "torch"]
                for side in order:
                    cmd = TORCH + [row["workload"]] if side == "torch" else [DEEPFIN, row["workload"]]
                    sides[side] += rate(run_side(cmd, row["threads"], a.repeats), row["kind"])
        finally:
            for p in load_procs:
                p.kill()
        t_med, t_lo, t_hi = summarize(sides["torch"])
        d_med, d_lo, d_hi = summarize(sides["deepfin"])
        if row["kind"] == "latency":
            ratio = t_med / d_med
            gflops = row["flops"] / (d_med * 1e-6) / 1e9
        else:
            ratio = d_med / t_med
            gflops = row["flops"] * d_med / 1e9
        share = gflops / peaks[row["threads"]]
        lines.append(f"| {row['name']} | {row['threads']} | {fmt_value(t_med, row['kind'])} "
                     f"[{fmt_value(t_lo, row['kind'])}–{fmt_value(t_hi, row['kind'])}] | "
                     f"{fmt_value(d_med, row['kind'])} [{fmt_value(d_lo, row['kind'])}–{fmt_value(d_hi, row['kind'])}] | "
                     f"{ratio:.2f}× | {gflops:.1f} ({share:.1%}) |")
        print(lines[-1], flush=True)
    print()
    print("\n".join(lines))
    print("\nratio > 1 means deepfin is faster (higher samples/s, or lower latency).")


if __name__ == "__main__":
    main()
