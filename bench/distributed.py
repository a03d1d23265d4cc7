#!/usr/bin/python3
"""Data parallelism on this machine, and a projection beyond it.

Measures, in one run and interleaved, the seed CNN, the LSTM and the
Transformer training workloads of bench/run.py (the same real data) as
  - 1 process x 2 threads (the ordinary run),
  - 2 MPI ranks x 1 thread (mpirun -np 2: each rank half of every batch,
    gradients summed over loopback),
  - 1 process x 1 thread (the per-rank compute the cost model needs),
and the time of MPI's sum of a float buffer over the 2 ranks, from 4 KiB to
64 MiB, to which it fits the alpha-beta model t = a + bytes / b (least squares
on relative error, so that the small messages, where a shows, weigh as much
as the large ones). The raw timings go to build/release/bench/distributed.json.

Then it projects the scaling efficiency of data parallelism at 8, 64 and 512
ranks (one per machine) on 10 and 100 Gb/s networks, for each model, from
  - the measured compute time of one step on this machine (2 threads),
  - the gradient size (trainable parameters x 4 bytes),
  - the all-reduce cost of a ring, 2 (N-1) alpha + 2 (N-1)/N S / beta, and of
    recursive halving-doubling (Rabenseifner), 2 log2(N) alpha + 2 (N-1)/N S / beta,
    taking the cheaper, as MPI libraries choose by message size,
and prints three efficiencies per cell: no overlap, buckets overlapped with
backward, and a 4x larger per-rank batch with overlap. Overlap hides the sum of
every layer's gradient but the first's behind the rest of backward (about 2/3
of a step); the first layer's gradient is final last, so its sum never hides.
The model is first checked against the 2-rank measurement here.

    bench/distributed.py              # about 5 minutes
    bench/distributed.py --rounds 5
"""
import argparse
import json
import math
import os
import statistics
import subprocess

import bench_data
from run import BUILD, DATA, DEEPFIN, build, busy_check, summarize

ROWS = [("seed CNN, Fashion-MNIST, batch 32", "cnn_train", 32),
        ("LSTM(64), S&P 500 windows, batch 64", "lstm_train", 64),
        ("Transformer (2 layers, d 128), Banking77, batch 32", "transformer_train", 32)]
MPIRUN = ["mpirun", "-np", "2", "--oversubscribe"]
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}
# Networks: link bandwidth in bytes/s and a per-message latency typical of it
# (TCP over 10 GbE; RDMA over 100 Gb/s InfiniBand or RoCE).
NETWORKS = [("10 Gb/s, TCP", 10e9 / 8, 30e-6), ("100 Gb/s, RDMA", 100e9 / 8, 3e-6)]
BACKWARD_SHARE = 2 / 3   # backward is about twice the forward pass


def run(workload, ranks, threads, repeats):
    env = dict(os.environ, DEEPFIN_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads), **MPI_ENV)
    cmd = [DEEPFIN, workload, "--data", DATA, "--threads", str(threads), "--repeats", str(repeats)]
    if ranks > 1:
        cmd = MPIRUN + cmd
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def fit_alpha_beta(points):
    """t = a + bytes * c minimizing the relative error: rows (1/t, bytes/t) against 1."""
    s11 = sum(1 / t ** 2 for _, t in points)
    s12 = sum(b / t ** 2 for b, t in points)
    s22 = sum(b * b / t ** 2 for b, t in points)
    r1 = sum(1 / t for _, t in points)
    r2 = sum(b / t for b, t in points)
    det = s11 * s22 - s12 * s12
    a = (r1 * s22 - r2 * s12) / det
    c = (s11 * r2 - s12 * r1) / det
    return a, 1 / c


def allreduce_time(bytes_, alpha, beta, n):
    ring = 2 * (n - 1) * alpha + 2 * (n - 1) / n * bytes_ / beta
    halving_doubling = 2 * math.log2(n) * alpha + 2 * (n - 1) / n * bytes_ / beta
    return min(ring, halving_doubling)


def efficiency(step, size, first, network, n, overlap):
    """Compute time over step time; `size` and `first` are the gradient's and its first layer's bytes."""
    _, bandwidth, latency = network
    if not overlap:
        return step / (step + allreduce_time(size, latency, bandwidth, n))
    hidden = allreduce_time(size - first, latency, bandwidth, n)
    exposed = allreduce_time(first, latency, bandwidth, n) + max(0.0, hidden - BACKWARD_SHARE * step)
    return step / (step + exposed)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()
    if not args.no_build:
        build()
    bench_data.prepare(DATA)
    waited, load = busy_check()
    print(f"machine: {os.cpu_count()} cores, load average {load}, {waited:.0%} of a 1 s spin spent waiting "
          f"({'idle' if waited < 0.05 else 'BUSY: figures unreliable'})\n")

    rates = {w: {"1x2": [], "2x1": [], "1x1": []} for _, w, _ in ROWS}
    params, first_params = {}, {}
    for r in range(args.rounds):
        order = [("1x2", 1, 2), ("2x1", 2, 1), ("1x1", 1, 1)]
        for key, ranks, threads in order if r % 2 == 0 else order[::-1]:
            for _, w, _ in ROWS:
                result = run(w, ranks, threads, args.repeats)[-1]
                params[w] = result["params"]
                first_params[w] = result["first_params"]
                rates[w][key] += [result["work_per_call"] / s for s in result["seconds"]]
    sums = run("allreduce", 2, 1, args.repeats)
    points = [(s["work_per_call"], statistics.median(s["seconds"])) for s in sums]
    alpha, beta = fit_alpha_beta(points)
    with open(os.path.join(BUILD, "bench", "distributed.json"), "w") as f:
        json.dump({"rates": rates, "params": params, "first_params": first_params, "allreduce": points}, f)

    print("| model | 1 process x 2 threads | 2 ranks x 1 thread | ratio | 1 process x 1 thread |")
    print("|---|---|---|---|---|")
    medians = {}
    for name, w, _ in ROWS:
        cells = []
        for key in ("1x2", "2x1", "1x1"):
            m, lo, hi = summarize(rates[w][key])
            medians[(w, key)] = m
            cells.append(f"{m:,.0f}/s ({lo:,.0f}-{hi:,.0f})")
        ratio = medians[(w, "2x1")] / medians[(w, "1x2")]
        print(f"| {name} | {cells[0]} | {cells[1]} | {ratio:.2f} | {cells[2]} |")
    print("\nsamples/s, median (p10-p90) of", args.rounds * args.repeats, "timed epochs per cell")
    print(f"\nMPI sum over 2 ranks on loopback: t = {alpha * 1e6:.1f} us + bytes / {beta / 1e9:.2f} GB/s")
    for b, t in points:
        print(f"  {b / 1024:>8,.0f} KiB: {t * 1e6:>9,.1f} us")

    print("\nThe cost model against the 2-rank run here: each rank computes half a batch on one thread,")
    print("then the two sum their gradients (no overlap assumed):")
    print("| model | gradient | predicted 2x1 | measured 2x1 |")
    print("|---|---|---|---|")
    for name, w, batch in ROWS:
        size = params[w] * 4
        step = (batch / 2) / medians[(w, "1x1")] + allreduce_time(size, alpha, beta, 2)
        print(f"| {name} | {size / 1e6:.2f} MB | {batch / step:,.0f}/s | {medians[(w, '2x1')]:,.0f}/s |")

    print("\nProjected scaling efficiency, one rank per machine like this one (2 threads), fixed per-rank batch;")
    print("each cell: no overlap / buckets overlapped with backward / overlapped with a 4x larger batch")
    header = "| model | network | " + " | ".join(f"{n} ranks" for n in (8, 64, 512)) + " |"
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    for name, w, batch in ROWS:
        step = batch / medians[(w, "1x2")]
        size, first = params[w] * 4, first_params[w] * 4
        for network in NETWORKS:
            cells = []
            for n in (8, 64, 512):
                cells.append(f"{efficiency(step, size, first, network, n, False):.0%} / "
                             f"{efficiency(step, size, first, network, n, True):.0%} / "
                             f"{efficiency(4 * step, size, first, network, n, True):.0%}")
            print(f"| {name} ({step * 1e3:.2f} ms/step, first layer {first / size:.0%} of the gradient) | "
                  f"{network[0]} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
