"""``deepfin.tune``: the ``deepfin tune`` command from Python, with its result as values.

The search, the nested cross-validation and the files it writes are the command's own
(it runs in this process); this module only gathers what it reports into a TuneResult.
"""

from __future__ import annotations

import csv
import json
import math
import os
import statistics
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from .jobs import JobLike, run


@dataclass
class TuneResult:
    """What ``deepfin tune`` found. Scores are per outer fold, higher is better (losses are
    negated: ``neg_rmse``, ``neg_qlike``); ``nested`` is the tuned recipe's score on folds its
    search never saw, ``as_written`` the job unchanged on the same folds, ``baseline_scores``
    a series job's baseline (the random walk, the EWMA) there too."""

    metric: str
    nested: List[float]
    as_written: List[float]
    values: Dict[str, Any]
    budget_ran_out: bool
    report_dir: str
    baseline: str = ""
    baseline_scores: List[float] = field(default_factory=list)
    trials: List[Dict[str, Any]] = field(default_factory=list)

    @property
    def tuned_job(self) -> str:
        """The job file with the chosen values; ``deepfin.run(result.tuned_job)`` trains it."""
        return os.path.join(self.report_dir, "tuned.toml")

    @property
    def nested_mean(self) -> float:
        finite = [s for s in self.nested if math.isfinite(s)]
        return statistics.fmean(finite) if finite else math.nan


def _score(value: Any) -> float:
    return math.nan if value is None else float(value)  # JSON has no NaN: a diverged fold is null


def _read_trials(path: str) -> List[Dict[str, Any]]:
    with open(path, newline="", encoding="utf-8") as f:
        return [
            {
                "search": row["search"],
                "trial": int(row["trial"]),
                "values": json.loads(row["values"]),
                "fold_scores": [float(s) for s in row["fold_scores"].split()],
                "mean": float(row["mean"]),
                "complete": row["complete"] == "yes",
            }
            for row in csv.DictReader(f)
        ]


def tune(
    job: JobLike,
    budget: Optional[str] = None,
    trials: Optional[int] = None,
    *,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    verbose: bool = True,
) -> TuneResult:
    """Runs ``deepfin tune JOB [--budget B] [--trials N]`` and returns its result.

    ``job`` is a credit, text or series job (a path or a dict, as ``deepfin.run`` takes);
    ``budget`` a wall-clock limit such as "20m", "90s" or "1.5h"; ``trials`` overrides
    ``[tune] trials``. The job's report folder receives tuned.toml, trials.csv, folds.csv
    and tune.md, as from the command. Errors raise with the command's message.
    """
    args: List[str] = []
    if budget is not None:
        args += ["--budget", str(budget)]
    if trials is not None:
        args += ["--trials", str(int(trials))]
    events = run(job, "tune", *args, seed=seed, threads=threads, verbose=verbose)
    found = [e for e in events if e.get("event") == "tune"]
    written = [e for e in events if e.get("event") == "report"]
    if not found or not written:
        raise RuntimeError("deepfin.tune: the command finished without its result (no tune or report event)")
    e = found[-1]
    report_dir = written[-1]["path"]
    return TuneResult(
        metric=e["metric"],
        nested=[_score(s) for s in e["nested"]],
        as_written=[_score(s) for s in e["as_written"]],
        values=e["values"],
        budget_ran_out=bool(e["budget_ran_out"]),
        report_dir=report_dir,
        baseline=e.get("baseline", ""),
        baseline_scores=[_score(s) for s in e.get("baseline_scores", [])],
        trials=_read_trials(os.path.join(report_dir, "trials.csv")),
    )


__all__ = ["TuneResult", "tune"]
