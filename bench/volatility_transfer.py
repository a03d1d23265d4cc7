#!/usr/bin/python3
"""The volatility recipe on series it was never tuned on.

examples/volatility_sp500.toml was written before any test span was seen, and
its settings are the same in every volatility job. This script runs it
unchanged, except for the data path, the date format and the column, on every
daily series in ../shared/data: the two it was written for (S&P 500, NYSE)
and eight more (DAX, SMI, CAC, FTSE from EuStockMarkets; four Dow Jones
stocks, which unlike the indices are traded prices). For each it prints the
mean QLIKE of the model, EWMA and GARCH(1,1) on the last 20 %, the
Diebold-Mariano p-values of the model and of the combination (the geometric
mean of the three forecasts) against both, for horizon 1 (and 5 with --week). For horizon 1 a second table gives each forecaster's 99 % VaR
exceptions and Basel zone, by the Gaussian and by filtered historical
simulation ([backtest] var_method), with the Kupiec p-value. One fit before the
test span (deepfin train), seed 42.

    bench/volatility_transfer.py            # about 40 s
    bench/volatility_transfer.py --week
"""
import argparse
import json
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
DEEPFIN = ROOT / "build" / "release" / "deepfin"

SERIES = [  # (name, path, column, extra [data] lines, seen when the recipe was written)
    ("S&P 500", "sp500_fred_daily/fred_sp500.csv", "SP500", 'missing = "drop"', True),
    ("NYSE", "fbasics_nyse/nyse.csv", "NYSE", 'date_order = "drop"', True),
    *[(name, "eustockmarkets/EuStockMarkets.csv", name, 'date_format = "decimal_year"', False)
      for name in ("DAX", "SMI", "CAC", "FTSE")],
    *[(f"Dow: {name}", "fbasics_dowjones30/DowJones30.csv", name, "", False) for name in ("AA", "IBM", "KO", "MSFT")],
]


def job_text(template, path, column, extra, week, var_method="filtered_historical"):
    text = template.replace("../shared/data/sp500_fred_daily/fred_sp500.csv", str(SHARED / path))
    text = re.sub(r'var_method = "[a-z_]+"', f'var_method = "{var_method}"', text)
    text = text.replace('target = "SP500"', f'target = "{column}"\ncolumns = ["{column}"]')
    text = text.replace('missing = "drop"', extra)
    if week:
        text = text.replace("horizon = 1", "horizon = 5")
    return re.sub(r"\[output\].*", "[output]\n", text, flags=re.S)


def run(job):
    out = subprocess.run([str(DEEPFIN), "--log-format", "json", "train", job], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"deepfin failed on {job}: {out.stderr}")
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    return next(line for line in lines if line.get("event") == "test")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--week", action="store_true", help="horizon 5 instead of 1")
    args = parser.parse_args()
    template = (ROOT / "examples" / "volatility_sp500.toml").read_text()
    print("| series | seen | test points | mean QLIKE: model | EWMA | GARCH(1,1) | combination | model vs EWMA: DM p | "
          "model vs GARCH | combination vs EWMA | combination vs GARCH |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    coverage = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, path, column, extra, seen in SERIES:
            job = pathlib.Path(tmp) / "job.toml"
            job.write_text(job_text(template, path, column, extra, args.week))
            summary = run(str(job))
            q = summary["mean_qlike"]
            tests = [t for t in summary["diebold_mariano"] if t["loss"] == "QLIKE"]  # model x 2, then combination x 2
            print(f"| {name} | {'yes' if seen else 'no'} | {summary['points']} | {q['model']:.4f} | "
                  f"{next(v for k, v in q.items() if k.startswith('EWMA')):.4f} | {q['GARCH(1,1)']:.4f} | "
                  f"{q['combination']:.4f} | "
                  + " | ".join(f"{t['p_value']:.3f} ({t['verdict']})" for t in tests) + " |", flush=True)
            if args.week:
                continue
            job.write_text(job_text(template, path, column, extra, args.week, "gaussian"))
            coverage.append((name, summary, run(str(job))))
    if not coverage:
        return
    print("\n| series | 99 % VaR exceptions expected | Gaussian: model | EWMA | GARCH(1,1) | combination | "
          "filtered historical: model | EWMA | GARCH(1,1) | combination |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, filtered, gaussian in coverage:
        if not filtered["value_at_risk"]:
            print(f"| {name} | {filtered['var_note']} |", flush=True)
            continue
        cells = []
        for summary in (gaussian, filtered):
            for v in summary["value_at_risk"]:
                if v["level"] == 0.99:
                    cells.append(f"{v['exceptions']} ({v['zone']}, Kupiec p {v['kupiec_p']:.2f})")
        print(f"| {name} | {0.01 * filtered['points']:.1f} | " + " | ".join(cells) + " |", flush=True)

if __name__ == "__main__":
    sys.exit(main())
