"""Financial text classification (sentiment, intents for customer-service routing)
from Python: the recipe of ``deepfin train`` on a text job, on lists of texts."""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from . import _deepfin
from .jobs import JobLike, job_name, load_job, merged_job, seed_of

_PLACEHOLDER = "<texts given in Python>"


def _strings(values: Any, what: str) -> List[str]:
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{what}: expected a list of strings, got one string")
    out = []
    for i, v in enumerate(list(values)):
        if not isinstance(v, str):
            if isinstance(v, (int, np.integer)) and what.endswith("labels"):
                v = str(int(v))
            else:
                raise TypeError(f"{what}[{i}]: expected a string, got {type(v).__name__} {v!r}")
        out.append(v)
    return out


class TextClassifier:
    """Labels short financial texts; ``predict`` also says when the confidence is below the
    job's threshold, so that a message goes to a person.

    ``job`` is a text job file (e.g. ``examples/phrasebank_50agree.toml``) or a dict of its
    tables; keyword tables override the job's. ``fit(texts, labels)`` trains on lists,
    ``fit()`` on the job's own files.
    """

    def __init__(self, job: Optional[JobLike] = None, **tables: Any) -> None:
        if job is None and not tables:
            raise ValueError("TextClassifier: give a text job (a job-file path or a dict of its tables)")
        self._job_source, self._overrides = job, tables
        self._job = self._load()
        if self._job.kind != "text":
            raise ValueError(f"TextClassifier: the job is a {self._job.kind} job, not a text job")
        self.classifier_: Any = None
        self.history_: Dict[str, List[float]] = {}
        # Accuracy on the training and held-out texts (the gap), and each part of a
        # [text] linear = "stack" alone; empty when nothing was held out.
        self.validation_: Dict[str, float] = {}
        self.test_: Any = None

    def _load(self) -> Any:
        if not isinstance(self._job_source, dict) and not self._overrides:
            return load_job(self._job_source)
        base = merged_job(self._job_source, self._overrides)
        data = base.setdefault("data", {})
        data.setdefault("source", "text")
        data.setdefault("train", _PLACEHOLDER)
        return load_job(base, job_name(self._job_source))

    def _task(self, texts: Any = None, labels: Any = None) -> Any:
        if texts is None:
            return _deepfin.TextTask(self._job)
        if labels is None:
            raise ValueError("TextClassifier: labels are needed with texts")
        return _deepfin.TextTask(self._job, self._labelled(texts, labels))

    @staticmethod
    def _labelled(texts: Any, labels: Any) -> Any:
        return _deepfin.LabelledText(_strings(texts, "texts"), _strings(labels, "labels"))

    def _check_fitted(self) -> None:
        if self.classifier_ is None:
            raise ValueError("TextClassifier: not fitted yet; call fit() first (or TextClassifier.load(path))")

    def fit(self, texts: Optional[Sequence[str]] = None, labels: Optional[Sequence[str]] = None,
            verbose: int = 0) -> "TextClassifier":
        """Trains the tokenizer and the model on ``texts``/``labels`` (every text trains), or on the
        job's files split as ``deepfin train`` splits them (the held-out part is ``test_``). With
        ``[text] linear = "stack"`` a stratified tenth is held out from the neural model to fit the
        blend; the linear model is then refitted on every text."""
        task = self._task(texts, labels)
        if texts is None:
            train, self.test_ = task.split(seed_of(self._job))
        else:
            train, self.test_ = self._labelled(texts, labels), None
        fitted = task.fit(train, seed_of(self._job), int(verbose))
        self.classifier_ = fitted.classifier
        self.history_ = fitted.history
        self.validation_ = dict(fitted.validation)
        return self

    @property
    def classes_(self) -> List[str]:
        self._check_fitted()
        return list(self.classifier_.classes)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """(n, classes) probabilities, columns in ``classes_`` order."""
        self._check_fitted()
        return self.classifier_.predict_proba(_strings(texts, "texts"))

    def predict(self, texts: Sequence[str]) -> List[str]:
        """The label of each text."""
        return [p["label"] for p in self.predict_details(texts)]

    def predict_details(self, texts: Sequence[str]) -> List[Dict[str, Any]]:
        """Per text: label, confidence, to_person (confidence below the threshold) and reply
        (the job's [replies] text for a confident label, else empty)."""
        self._check_fitted()
        return self.classifier_.predict(_strings(texts, "texts"))

    def evaluate(self, texts: Optional[Sequence[str]] = None, labels: Optional[Sequence[str]] = None) -> Dict[str, Any]:
        """Accuracy, macro-F1, per-class precision / recall / F1 and the confusion matrix."""
        self._check_fitted()
        if self._job is None:
            raise ValueError("TextClassifier.evaluate: a loaded model has no job; build TextClassifier(job)")
        if texts is None:
            if self.test_ is None:
                raise ValueError("TextClassifier.evaluate: fit() trained on every text given; pass texts and labels")
            test = self.test_
        else:
            test = self._labelled(texts, labels if labels is not None else [])
        return _deepfin.TextTask(self._job).evaluate(self.classifier_, test)

    def cv(self, folds: int = 5, texts: Optional[Sequence[str]] = None, labels: Optional[Sequence[str]] = None,
           verbose: bool = False) -> Dict[str, Any]:
        """Stratified k-fold cross-validation: ``{"summary": {"accuracy": (mean, std), ...}, "folds": [...]}``."""
        progress = (lambda text, event: print(text, flush=True)) if verbose else None
        return self._task(texts, labels).cross_validate(int(folds), seed_of(self._job), progress)

    def save(self, path: Any) -> None:
        """One .safetensors file with the tokenizer, the labels and the model."""
        self._check_fitted()
        self.classifier_.save(os.fspath(path))

    @classmethod
    def load(cls, path: Any) -> "TextClassifier":
        obj = cls.__new__(cls)
        obj._job_source, obj._overrides, obj._job = None, {}, None
        obj.classifier_ = _deepfin.TextClassifier.load(os.fspath(path))
        obj.history_, obj.test_ = {}, None
        return obj


__all__ = ["TextClassifier"]
