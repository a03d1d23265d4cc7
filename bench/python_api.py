#!/usr/bin/python3
"""What driving deepfin from Python costs, and the seed example in Python against
the same program in Keras-style PyTorch, side by side in one run.

Rows (each side run interleaved with the others, medians with their p10-p90 spread):
  cnn_train  one epoch of the seed CNN over 6,400 images, batch 32: the C++ API
             (bench_workloads), the Python API (python_workloads.py), PyTorch
             (torch_workloads.py). "Python overhead" is Python's time per step over C++'s.
  seed_job   the seed example, 10 epochs of 60,000 images validated on 10,000: the Python
             program (Keras-style deepfin), the CLI job (examples/seed_cnn.toml), and the
             same loop in PyTorch; rates over epochs 2-10, with each side's test accuracy.
Both sides keep subnormal floats (IEEE), as both tools ship.

    bench/python_api.py                     # 2 threads, 5 rounds
    bench/python_api.py --threads 1 --rounds 3
"""
import argparse
import os
import statistics
import subprocess
import sys

import bench_data
from run import DATA, DEEPFIN, ROOT, TORCH, busy_check, ensure_torch, run_seed_job, run_side, summarize

PYTHON_SIDE = ["/usr/bin/python3", os.path.join(ROOT, "bench", "python_workloads.py")]


def build():
    subprocess.run(["cmake", "--preset", "release"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", "--preset", "release", "--target", "bench_workloads", "deepfin_python",
                    "deepfin_python_files", "deepfin_cli"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def seed_rates(result):
    per_epoch = result["seconds"][1:]  # the first epoch warms up on every side
    return [60000 / s for s in per_epoch]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=5, help="runs of each side per row (cnn_train)")
    p.add_argument("--seed-rounds", type=int, default=1, help="runs of each side of the 10-epoch seed job")
    p.add_argument("--skip-seed", action="store_true")
    a = p.parse_args()
    build()
    ensure_torch()
    bench_data.prepare(DATA)
    waited, load = busy_check()
    print(f"machine: {os.cpu_count()} cores, load average {load}, run-queue wait {waited:.1%} during a 1 s spin "
          f"({'idle' if waited < 0.05 else 'BUSY: figures below are not comparable'})\n")

    sides = {"C++ API": [DEEPFIN], "Python API": PYTHON_SIDE, "PyTorch": TORCH}
    per_step = {name: [] for name in sides}
    order = list(sides)
    for r in range(a.rounds):
        for name in (order if r % 2 == 0 else order[::-1]):
            result = run_side(sides[name] + ["cnn_train"], a.threads, 5, False)
            per_step[name] += [s / (result["work_per_call"] / 32) for s in result["seconds"]]
    print(f"cnn_train, {a.threads} threads: milliseconds per step of 32 images (median [p10-p90])")
    med = {}
    for name, values in per_step.items():
        m, lo, hi = summarize(values)
        med[name] = m
        print(f"  {name:<11} {m * 1e3:7.3f} ms [{lo * 1e3:.3f}-{hi * 1e3:.3f}]  ({32 / m:,.0f} images/s)")
    print(f"  Python overhead over the C++ API: {med['Python API'] / med['C++ API'] - 1:+.1%}")
    print(f"  PyTorch / Python API time per step: {med['PyTorch'] / med['Python API']:.2f}x\n")

    if a.skip_seed:
        return
    seed = {"Python (deepfin)": [], "CLI job (deepfin)": [], "PyTorch": []}
    accuracy = {name: [] for name in seed}
    for r in range(a.seed_rounds):
        runs = [("Python (deepfin)", lambda: run_side(PYTHON_SIDE + ["seed_job"], a.threads, 1, False)),
                ("CLI job (deepfin)", lambda: run_seed_job(a.threads)),
                ("PyTorch", lambda: run_side(TORCH + ["seed_job"], a.threads, 1, False))]
        for name, fn in (runs if r % 2 == 0 else runs[::-1]):
            result = fn()
            seed[name] += seed_rates(result)
            accuracy[name].append(result["test_accuracy"])
    print(f"seed example, 10 epochs, {a.threads} threads: images/s over epochs 2-10 (median [p10-p90]), test accuracy")
    for name, values in seed.items():
        m, lo, hi = summarize(values)
        seed[name] = m
        print(f"  {name:<18} {m:8,.0f}/s [{lo:,.0f}-{hi:,.0f}]  accuracy {statistics.mean(accuracy[name]):.4f}")
    print(f"  Python (deepfin) / PyTorch: {seed['Python (deepfin)'] / seed['PyTorch']:.2f}x")
    waited, load = busy_check()
    print(f"\nafter the run: load average {load}, run-queue wait {waited:.1%}")


if __name__ == "__main__":
    sys.exit(main())
