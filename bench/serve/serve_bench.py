#!/usr/bin/python3
"""`deepfin serve` under load, beside a minimal Python scoring server with the
same model in PyTorch, on loopback, in one run.

The model is the README's credit example (examples/credit_german.toml, trained
here on the UCI German credit data), and the requests are real applicants from
that file, one per request, taken in turn. wrk (Debian's) drives each server:
  - 64 connections for --duration seconds (default 30): requests/s, p50, p99, non-2xx;
  - one connection, one row: the end-to-end latency of a lone request.
deepfin is measured twice under load: scoring only ("explain": false, what the
baseline computes) and with the adverse reasons (its default). Before timing, the
two servers' probabilities are compared on 100 rows. wrk runs on the same two
cores as the server, so the figures are for the pair of them. Rounds alternate
the servers; the script prints whether the machine was idle beforehand.

    bench/serve/serve_bench.py                  # about 5 minutes
    bench/serve/serve_bench.py --duration 10 --rounds 3
"""
import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))
DEEPFIN = os.path.join(ROOT, "build", "release", "deepfin")
DATA = os.path.join(ROOT, "..", "shared", "data", "uci_german_credit", "credit-g.csv")


def need(command, package):
    if shutil.which(command):
        return
    print(f"installing {package} (apt-get) ...", flush=True)
    subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", package], check=True,
                   stdout=subprocess.DEVNULL)


def cpu_busy(seconds=2.0):
    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + v[4]
    t0, i0 = sample()
    time.sleep(seconds)
    t1, i1 = sample()
    return 100.0 * (1 - (i1 - i0) / max(1, t1 - t0))


def wait_ready(port, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.1)
    raise SystemExit(f"no server on port {port} after {timeout} s")


def post(port, path, body):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=30))


def wrk(url, bodies, connections, seconds):
    threads = min(2, connections)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
                          "-s", os.path.join(HERE, "wrk_bodies.lua"), url],
                         env=dict(os.environ, BODIES=bodies), capture_output=True, text=True, check=True).stdout
    r = json.loads(out[out.index("RESULT ") + 7:].splitlines()[0])
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=int, default=30, help="seconds per loaded run (default 30)")
    ap.add_argument("--single-duration", type=int, default=10, help="seconds per one-connection run (default 10)")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--connections", type=int, default=64)
    args = ap.parse_args()

    need("wrk", "wrk")
    try:
        import torch  # noqa: F401
    except ImportError:
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "python3-torch"], check=True)
    if not os.path.exists(DEEPFIN):
        subprocess.run(["cmake", "--preset", "release"], cwd=ROOT, check=True)
        subprocess.run(["cmake", "--build", "--preset", "release", "--target", "deepfin_cli"], cwd=ROOT, check=True)

    work = tempfile.mkdtemp(prefix="deepfin_serve_bench_")
    subprocess.run([DEEPFIN, "train", "examples/credit_german.toml"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    model = os.path.join(work, "credit_german.safetensors")
    shutil.copy(os.path.join(ROOT, "out", "credit_german.safetensors"), model)

    with open(DATA, newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        del r["class"]
        for k, v in r.items():
            try:
                r[k] = float(v)
            except ValueError:
                pass
    rows = rows[:200]
    files = {}
    for explain in (False, True):
        path = os.path.join(work, f"bodies_explain_{explain}.txt")
        with open(path, "w") as f:
            for r in rows:
                f.write(json.dumps({"instances": [r], "explain": explain}) + "\n")
        files[explain] = path

    busy = cpu_busy()
    print(f"machine before the runs: {busy:.1f} % of the CPUs busy ({'idle' if busy < 5 else 'NOT idle'}); "
          f"{os.cpu_count()} cores; wrk shares them with the server", flush=True)

    servers = {
        "deepfin serve": ([DEEPFIN, "serve", model, "--port", "18181"], 18181, "/v1/models/credit_german:predict"),
        "Python http.server + PyTorch": ([sys.executable, os.path.join(HERE, "torch_scorer_server.py"), model,
                                          "18182"], 18182, "/"),
    }
    procs = {}
    try:
        for name, (cmd, port, _) in servers.items():
            procs[name] = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait_ready(port) if name.startswith("deepfin") else time.sleep(3)
        batch = {"instances": rows[:100], "explain": False}
        p_deepfin = [p["probability"] for p in post(18181, servers["deepfin serve"][2], batch)["predictions"]]
        p_torch = [p["probability"] for p in post(18182, "/", batch)["predictions"]]
        gap = max(abs(a - b) for a, b in zip(p_deepfin, p_torch))
        print(f"parity: max |p_deepfin - p_torch| over 100 rows = {gap:.2e}", flush=True)
        if gap > 1e-5:
            raise SystemExit("the two servers do not compute the same model")

        results = {}
        plan = [("deepfin serve", False), ("Python http.server + PyTorch", False), ("deepfin serve", True)]
        for _ in range(args.rounds):
            for name, explain in plan:
                _, port, path = servers[name]
                url = f"http://127.0.0.1:{port}{path}"
                key = (name, explain)
                loaded = wrk(url, files[explain], args.connections, args.duration)
                single = wrk(url, files[explain], 1, args.single_duration)
                results.setdefault(key, []).append((loaded, single))
                print(f"  {name:30} explain={explain!s:5} {args.connections} conns: {loaded['rps']:9.0f} req/s "
                      f"p50 {loaded['p50_us']} us p99 {loaded['p99_us']} us non-2xx {loaded['non2xx']} "
                      f"socket errors {loaded['socket_errors']} | 1 conn: p50 {single['p50_us']} us "
                      f"p99 {single['p99_us']} us", flush=True)
    finally:
        for p in procs.values():
            p.terminate()
            p.wait()

    print(f"\n| server | reasons | {args.connections} connections: requests/s | p50 | p99 | non-2xx | "
          "1 connection: p50 | p99 |")
    print("|---|---|---|---|---|---|---|---|")
    for (name, explain), runs in results.items():
        rps = [r[0]["rps"] for r in runs]
        spread = f" [{min(rps):,.0f}–{max(rps):,.0f}]" if len(rps) > 1 else ""
        med = lambda key, i: statistics.median(r[i][key] for r in runs)  # noqa: E731
        print(f"| {name} | {'yes' if explain else 'no'} | {statistics.median(rps):,.0f}{spread} | "
              f"{med('p50_us', 0) / 1000:.2f} ms | {med('p99_us', 0) / 1000:.2f} ms | "
              f"{sum(r[0]['non2xx'] + r[0]['socket_errors'] for r in runs)} | {med('p50_us', 1):.0f} µs | "
              f"{med('p99_us', 1):.0f} µs |")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
