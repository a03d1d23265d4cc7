#!/usr/bin/python3
"""The volatility recipe on series it was never tuned on.

examples/volatility_sp500.toml was written before any test span was seen, and
its settings are the same in every volatility job. This script runs it
unchanged, except for the data path, the date format and the column, on every
daily series in ../shared/data: the two it was written for (S&P 500, NYSE)
and eight more (DAX, SMI, CAC, FTSE from EuStockMarkets; four Dow Jones
stocks, which unlike the indices are traded prices). For each it prints the
mean QLIKE of the model, EWMA and GARCH(1,1) on the last 20 %, the
Diebold-Mariano p-values of the model against both, and the 99 % VaR
exceptions, for horizon 1 (and 5 with --week). One fit before the test span
(deepfin train), seed 42.

    bench/volatility_transfer.py            # about 20 s
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


def job_text(template, path, column, extra, week):
    text = template.replace("../shared/data/sp500_fred_daily/fred_sp500.csv", str(SHARED / path))
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
    print("| series | seen | test points | mean QLIKE: model | EWMA | GARCH(1,1) | DM p vs EWMA | DM p vs GARCH | "
          "99 % VaR exceptions of the model (zone) |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, path, column, extra, seen in SERIES:
            job = pathlib.Path(tmp) / "job.toml"
            job.write_text(job_text(template, path, column, extra, args.week))
            summary = run(str(job))
            q = summary["mean_qlike"]
            dm = {t["baseline"].split(" ")[0]: t for t in summary["diebold_mariano"] if t["loss"] == "QLIKE"}
            var = [v for v in summary["value_at_risk"] if v["forecaster"] == "model" and v["level"] == 0.99]
            exceptions = f"{var[0]['exceptions']} ({var[0]['zone']})" if var else "n/a"
            print(f"| {name} | {'yes' if seen else 'no'} | {summary['points']} | {q['model']:.4f} | "
                  f"{next(v for k, v in q.items() if k.startswith('EWMA')):.4f} | {q['GARCH(1,1)']:.4f} | "
                  f"{dm['EWMA']['p_value']:.3f} ({dm['EWMA']['verdict']}) | "
                  f"{dm['GARCH(1,1)']['p_value']:.3f} ({dm['GARCH(1,1)']['verdict']}) | {exceptions} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
