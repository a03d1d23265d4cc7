"""Metrics, by the names ``compile(metrics=[...])`` takes or as classes.

"accuracy" resolves as in Keras, from the loss: categorical, sparse categorical or
binary accuracy. A metric object also works on its own, streaming over batches:
``m.update_state(y_true, y_pred)``, ``m.result()``, ``m.reset_state()``.
"""

from __future__ import annotations

from typing import Any, Optional

from . import _deepfin


class Metric:
    """A streaming metric; its ``name`` is the key it logs under."""

    _metric_name = ""

    def __init__(self, name: Optional[str] = None, loss: str = "") -> None:
        self._name = name or self._metric_name
        self._core = _deepfin.metric(self._metric_name, loss)

    @property
    def name(self) -> str:
        return self._name

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Optional[Any] = None) -> None:
        self._core.update_state(y_true, y_pred, sample_weight)

    def result(self) -> float:
        return self._core.result()

    def reset_state(self) -> None:
        self._core.reset_state()

    def __repr__(self) -> str:
        return f"<deepfin.metrics.{type(self).__name__} name={self.name!r}>"


_CLASSES = {
    # class: (the name compile() takes, what it measures)
    "Accuracy": ("accuracy", "Share of correct predictions, resolved from the loss as Keras does."),
    "CategoricalAccuracy": ("categorical_accuracy", "Share of samples whose arg-max matches the one-hot target."),
    "SparseCategoricalAccuracy": ("sparse_categorical_accuracy", "Share of samples whose arg-max is the class id."),
    "BinaryAccuracy": ("binary_accuracy", "Share of 0/1 targets matched at threshold 0.5."),
    "Precision": ("precision", "True positives over predicted positives (threshold 0.5)."),
    "Recall": ("recall", "True positives over actual positives (threshold 0.5)."),
    "AUC": ("auc", "Area under the ROC curve."),
    "MeanSquaredError": ("mse", "Mean of squared differences."),
    "MeanAbsoluteError": ("mae", "Mean of absolute differences."),
    "RootMeanSquaredError": ("rmse", "Square root of the mean squared difference."),
}

for _cls, (_metric, _doc) in _CLASSES.items():
    globals()[_cls] = type(_cls, (Metric,), {"_metric_name": _metric, "__doc__": _doc, "__module__": __name__})


def get(name: str, loss: str = "") -> Metric:
    """A metric by name ("accuracy", "auc", "mse", ...); ``loss`` resolves "accuracy" as compile() does."""
    m = Metric.__new__(Metric)
    m._name = name
    m._core = _deepfin.metric(name, loss)
    return m


def name_of(metric: Any) -> str:
    """The name compile() passes to the engine for a metric given as a string or an object."""
    if isinstance(metric, str):
        return metric
    if isinstance(metric, Metric):
        return metric._metric_name or metric.name
    raise TypeError(f"metrics: expected a name or a deepfin.metrics.Metric, got {metric!r}")


__all__ = ["Metric", "get"] + list(_CLASSES)
