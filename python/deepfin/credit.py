"""Credit scoring (risk and loan assessment) from Python: the recipe of
``deepfin train`` on a credit job (preprocessing fitted on training rows only,
the decision threshold, calibration, reason codes), on a CSV file or a DataFrame."""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional

import numpy as np

from . import _deepfin
from ._tables import is_path, table_from_frame
from .jobs import JobLike, job_name, load_job, merged_job, seed_of

_PLACEHOLDER = "<rows given in Python>"


class CreditModel:
    """Scores applicants: P(adverse) per row, a decision at the model's threshold,
    scorecard points and adverse-action reasons.

    ``job`` is a credit job file (e.g. ``examples/credit_german.toml``) or a dict with
    its tables; keyword tables override the job's (``fit={"epochs": 10}``).
    ``fit(df)`` then trains on a DataFrame, ``fit()`` on the job's own file.
    """

    def __init__(self, job: Optional[JobLike] = None, **tables: Any) -> None:
        if job is None and not tables:
            raise ValueError("CreditModel: give a credit job (a job-file path or a dict of its tables)")
        self._job_source = job
        self._overrides = tables
        self._job = self._load(None)
        if self._job.kind != "credit":
            raise ValueError(f"CreditModel: the job is a {self._job.kind} job, not a credit (csv / arff) job")
        self.model_: Any = None
        self.history_: Dict[str, List[float]] = {}
        # Without a validation split, early stopping on a held-out 20 % chooses the epoch
        # count and the model is refitted on every row for it; 0 when [fit] epochs was used.
        self.chosen_epochs_: int = 0
        self.test_: Any = None

    def _load(self, data: Any) -> Any:
        """The job, with overrides, and the data path when a file is given to fit()."""
        if isinstance(self._job_source, dict) or self._overrides or data is not None:
            base = merged_job(self._job_source, self._overrides)
            data_table = base.setdefault("data", {})
            data_table.setdefault("source", "csv")
            if is_path(data):
                data_table["path"] = os.fspath(data)
                if os.fspath(data).endswith(".arff"):
                    data_table["source"] = "arff"
            data_table.setdefault("path", _PLACEHOLDER)
            return load_job(base, job_name(self._job_source))
        return load_job(self._job_source)

    def _task(self, data: Any) -> Any:
        if data is None or is_path(data):
            job = self._load(data) if data is not None else self._job
            if data is None and job.kind == "credit" and self._job_path_is_placeholder():
                raise ValueError("CreditModel: the job names no data file; pass a DataFrame or a CSV path")
            return _deepfin.CreditTask(job)
        return _deepfin.CreditTask(self._job, table_from_frame(data))

    def _job_path_is_placeholder(self) -> bool:
        data = self._overrides.get("data", {})
        src = self._job_source.get("data", {}) if isinstance(self._job_source, dict) else {}
        return "path" not in data and "path" not in src and not is_path(self._job_source)

    def _rows(self, data: Any) -> Any:
        self._check_fitted()
        if is_path(data):
            return self.model_.read_rows(os.fspath(data))
        return table_from_frame(data)

    def _check_fitted(self) -> None:
        if self.model_ is None:
            raise ValueError("CreditModel: not fitted yet; call fit() first (or CreditModel.load(path))")

    @property
    def seed(self) -> int:
        return seed_of(self._job)

    def fit(self, data: Any = None, verbose: int = 0) -> "CreditModel":
        """Fits preprocessing and model. ``data``: a DataFrame or CSV path (every row trains;
        the job's [data] target and positive_label name the label), or None for the job's
        file, split as ``deepfin train`` splits it (the held-out part is ``test_``)."""
        task = self._task(data)
        if data is None:
            train, self.test_ = task.split(self.seed)
        else:
            train, self.test_ = task.read_table(), None
        fitted = task.fit(train, self.seed, int(verbose))
        self.model_ = fitted.model
        self.history_ = fitted.history
        self.chosen_epochs_ = fitted.chosen_epochs
        return self

    def predict_proba(self, data: Any) -> np.ndarray:
        """(n, 2): P(not adverse), P(adverse) per row, as scikit-learn orders classes 0 and 1."""
        rows = self._rows(data)
        p = self.model_.predict_proba(rows)
        return np.stack([1.0 - p, p], axis=1)

    def predict(self, data: Any) -> np.ndarray:
        """1 where a row is adverse at the model's threshold (e.g. decline), else 0."""
        return (self.predict_proba(data)[:, 1] >= self.threshold).astype(np.int64)

    def points(self, data: Any) -> np.ndarray:
        """Scorecard points per row (higher = safer)."""
        return np.array([self.model_.points(p) for p in self.predict_proba(data)[:, 1]])

    @property
    def threshold(self) -> float:
        self._check_fitted()
        return self.model_.threshold

    def explain(self, data: Any, max_reasons: int = 4) -> List[Dict[str, Any]]:
        """Per row: probability, decision, points and up to ``max_reasons`` adverse reasons
        (integrated gradients), largest first, with each column's attribution."""
        return self.model_.explain(self._rows(data), int(max_reasons))

    def _labelled(self, data: Any, what: str) -> Any:
        """Labelled rows to measure on, and the job that names the label: None is the held-out
        part fit() kept."""
        self._check_fitted()
        if self._job is None:
            raise ValueError(f"CreditModel.{what}: a loaded model has no job; build CreditModel(job) to {what}")
        if data is not None:
            return self._rows(data)
        if self.test_ is None:
            raise ValueError(f"CreditModel.{what}: fit() trained on every row given; pass labelled rows")
        return self.test_

    def evaluate(self, data: Any = None) -> Dict[str, float]:
        """Credit metrics (auc, gini, ks, brier, accuracy at the threshold, mean cost...) on labelled
        rows; None: the held-out part fit() kept."""
        return _deepfin.CreditTask(self._job).evaluate(self.model_, self._labelled(data, "evaluate"))

    def fairness(self, data: Any = None, seed: Optional[int] = None) -> List[Dict[str, Any]]:
        """The job's [fairness] group metrics of this model's decisions on labelled rows (None: the
        held-out part fit() kept), per protected attribute: at the model's threshold and at the
        min-cost threshold, each group's value with its 95 % bootstrap interval (docs/fair_lending.md)."""
        rows = self._labelled(data, "fairness")
        return _deepfin.CreditTask(self._job).fairness(self.model_, rows, self.seed if seed is None else int(seed))

    def cv(self, folds: int = 10, data: Any = None, verbose: bool = False) -> Dict[str, Any]:
        """Stratified k-fold cross-validation (each fold fits its own preprocessing and model):
        ``{"summary": {metric: (mean, std)}, "folds": [...], "epochs": [...]}``."""
        progress = (lambda text, event: print(text, flush=True)) if verbose else None
        return self._task(data).cross_validate(int(folds), self.seed, progress)

    def report(
        self, directory: Optional[str] = None, folds: int = 10, explain_rows: int = 200, data: Any = None,
        verbose: bool = False,
    ) -> str:
        """Writes report.md and its figures (as ``deepfin report``) and returns report.md's path;
        the model fitted for the report becomes this object's model."""
        out = directory or self._job.report_dir
        progress = (lambda text, event: print(text, flush=True)) if verbose else None
        fitted = self._task(data).write_report(out, int(folds), int(explain_rows), self.seed, progress)
        self.model_ = fitted.model
        self.history_ = fitted.history
        self.chosen_epochs_ = fitted.chosen_epochs
        return os.path.join(out, "report.md")

    def save(self, path: Any) -> None:
        """One .safetensors file with the preprocessing, model, threshold and scorecard."""
        self._check_fitted()
        self.model_.save(os.fspath(path))

    @classmethod
    def load(cls, path: Any) -> "CreditModel":
        """A saved credit model, ready to score (evaluate needs labelled rows and the job)."""
        obj = cls.__new__(cls)
        obj._job_source, obj._overrides, obj._job = None, {}, None
        obj.model_ = _deepfin.TabularModel.load(os.fspath(path))
        obj.history_, obj.test_ = {}, None
        obj.chosen_epochs_ = 0
        return obj

    @property
    def keras_model(self) -> Any:
        """The underlying network (a deepfin Sequential)."""
        from .models import Sequential

        self._check_fitted()
        return Sequential._wrap(self.model_.model)


__all__ = ["CreditModel"]
