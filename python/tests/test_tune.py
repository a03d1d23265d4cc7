"""deepfin.tune runs the deepfin tune command in this process: its result carries the
command's nested scores, the chosen values (which the tuned job file holds) and every
trial, the same as the command writes from the same job and seed; mistakes raise with
the command's message."""

import math
import statistics
import subprocess
import tomllib

import pytest

import deepfin

GERMAN = "examples/credit_german.toml"


def small_job(tmp_path):
    job = deepfin.jobs.merged_job(
        GERMAN,
        {
            "fit": {"epochs": 2, "batch_size": 64, "verbose": 0},
            "output": {"model": str(tmp_path / "m.safetensors"), "report": str(tmp_path / "report")},
            "tune": {"folds": 2, "outer_folds": 2, "space": {"fit.epochs": [1, 2], "fit.batch_size": [32, 64]}},
        },
    )
    path = tmp_path / "job.toml"
    path.write_text(deepfin.jobs.to_toml(job), encoding="utf-8")
    return path


def value_at(table, dotted):
    for key in dotted.split("."):
        table = table[int(key)] if isinstance(table, list) else table[key]
    return table


def test_tune_returns_the_commands_result_and_writes_its_files(shared, tmp_path, cli):
    job = small_job(tmp_path)
    result = deepfin.tune(job, budget="5m", trials=2, verbose=False)
    assert result.metric == "auc" and not result.budget_ran_out and result.baseline == ""
    assert len(result.nested) == len(result.as_written) == 2
    assert all(0 < s <= 1 for s in result.nested + result.as_written)
    assert result.nested_mean == pytest.approx(statistics.fmean(result.nested))

    # The tuned job holds the chosen values, and parses as a job.
    with open(result.tuned_job, "rb") as f:
        tuned = tomllib.load(f)
    assert set(result.values) == {"fit.epochs", "fit.batch_size"}
    for path, value in result.values.items():
        assert value_at(tuned, path) == value
    assert deepfin.load_job(result.tuned_job).kind == "credit"

    # Every search's trials: the final one and one per outer fold; a complete trial's mean
    # is the mean of its inner folds' scores.
    assert {t["search"] for t in result.trials} == {"final", "outer 1", "outer 2"}
    complete = [t for t in result.trials if t["complete"]]
    assert complete and all(len(t["fold_scores"]) == 2 for t in complete)
    for t in complete:
        assert t["mean"] == pytest.approx(statistics.fmean(t["fold_scores"]), abs=1e-6)

    # The command, from the same file and seed, finds the same trials.
    trials_csv = (tmp_path / "report" / "trials.csv").read_text(encoding="utf-8")
    done = subprocess.run([cli, "tune", str(job), "--budget", "5m", "--trials", "2"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "report" / "trials.csv").read_text(encoding="utf-8") == trials_csv


def test_tune_scores_a_series_job_against_its_baseline(shared, tmp_path):
    job = deepfin.jobs.merged_job(
        "examples/volatility_sp500.toml",
        {
            "fit": {"epochs": 1, "verbose": 0},
            "output": {"report": str(tmp_path / "report")},
            "tune": {"folds": 2, "outer_folds": 2, "space": {"fit.batch_size": [64, 128]}},
        },
    )
    result = deepfin.tune(job, trials=2, verbose=False)
    assert result.metric == "neg_qlike" and result.baseline.startswith("EWMA")
    assert len(result.baseline_scores) == len(result.nested) == 2
    assert all(math.isfinite(s) for s in result.baseline_scores)


def test_tune_mistakes_raise_with_the_commands_message(shared, tmp_path):
    job = small_job(tmp_path)
    with pytest.raises(ValueError, match="--budget: expected a positive duration"):
        deepfin.tune(job, budget="soon", verbose=False)
    with pytest.raises(ValueError, match="deepfin tune works on credit"):
        deepfin.tune("examples/seed_cnn.toml", trials=1, verbose=False)
    assert not (tmp_path / "report").exists()  # nothing was written
