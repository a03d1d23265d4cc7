"""Forecasting and backtests from Python: the walk-forward run of a series job
(forecasts beside the random walk, the long/flat strategy), and saved forecasters
that forecast from recent rows."""

from __future__ import annotations

import os
from typing import Any, Dict, Optional

from . import _deepfin
from ._tables import is_path, table_from_frame
from .jobs import JobLike, job_name, load_job, merged_job, seed_of


class Forecaster:
    """Runs a forecasting job (e.g. ``examples/forecast_sp500.toml``).

    ``backtest()`` refits walk-forward over the test span (as ``deepfin backtest``);
    ``fit()`` fits once on the span before it (as ``deepfin train``). Keyword tables
    override the job's (``fit={"epochs": 2}``). Both return the result (``.metrics``, ``.strategy``,
    ``.dates``, ``.predicted``, ``.summary``, ``.significance``, ``.warning``; with
    ``[window] target = "variance"``: ``.realized_variance``, ``.variance_forecasts`` of the model,
    EWMA, GARCH(1,1) and their combination, ``.variance_tests`` (Diebold-Mariano), ``.value_at_risk``
    (the VaR backtests) and ``.var_note``).
    """

    def __init__(self, job: JobLike, **tables: Any) -> None:
        self._job = load_job(merged_job(job, tables), job_name(job)) if tables else load_job(job)
        if self._job.kind != "forecast":
            raise ValueError(f"Forecaster: the job is a {self._job.kind} job, not a series job")
        self.result_: Any = None

    def _run(self, walk_forward: bool, verbose: bool) -> Any:
        progress = (lambda text, event: print(text, flush=True)) if verbose else None
        self.result_ = _deepfin.ForecastTask(self._job).run(seed_of(self._job), walk_forward, progress)
        return self.result_

    def fit(self, verbose: bool = False) -> Any:
        return self._run(False, verbose)

    def backtest(self, verbose: bool = False) -> Any:
        return self._run(True, verbose)

    def report(self, directory: Optional[str] = None) -> str:
        """Writes the Markdown report and figures of the last run; returns its path."""
        if self.result_ is None:
            raise ValueError("Forecaster.report: run fit() or backtest() first")
        out = directory or self._job.report_dir
        return os.path.join(out, _deepfin.ForecastTask(self._job).write_report(self.result_, out))

    def save(self, path: Any) -> None:
        """The last fitted model with its scalers and feature recipe (load_forecaster reads it)."""
        if self.result_ is None:
            raise ValueError("Forecaster.save: run fit() or backtest() first")
        _deepfin.ForecastTask(self._job).save(self.result_, os.fspath(path))


class SavedForecaster:
    """A saved forecasting model: ``next(rows)`` forecasts the log return over its horizon
    after the last of the recent rows (a DataFrame or a CSV path with the training columns).
    A variance model's forecast is ``variance`` and ``volatility``, with ``ewma_variance``,
    ``garch_variance`` and ``combination_variance`` (the geometric mean of the three) beside it."""

    def __init__(self, core: Any) -> None:
        self._core = core

    @property
    def columns(self) -> list:
        return list(self._core.columns)

    @property
    def sequence_length(self) -> int:
        return self._core.sequence_length

    @property
    def horizon(self) -> int:
        return self._core.horizon

    def next(self, rows: Any) -> Dict[str, Any]:
        if is_path(rows):
            return self._core.next_from_file(os.fspath(rows))
        return self._core.next(table_from_frame(rows))


def load_forecaster(path: Any) -> SavedForecaster:
    """A forecasting model saved by Forecaster.save or ``deepfin train`` on a series job."""
    return SavedForecaster(_deepfin.SavedForecaster.load(os.fspath(path)))


__all__ = ["Forecaster", "SavedForecaster", "load_forecaster"]
