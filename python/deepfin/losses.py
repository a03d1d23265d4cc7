"""Losses, by Keras function name (``"categorical_crossentropy"``) or class
(``CategoricalCrossentropy(from_logits=True)``). A loss object is callable on
numpy arrays: ``loss(y_true, y_pred)`` is the mean loss, as a float."""

from __future__ import annotations

from typing import Any, Dict, Optional

from . import _deepfin
from ._configurable import bind_config, defaults_of, make_signature


class Loss:
    """A deepfin loss (the base of every class in deepfin.losses)."""

    _class_name = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        config = bind_config(type(self), args, kwargs, {})
        self._core = _deepfin.loss_from_config({"class_name": self._class_name, "config": config})

    @classmethod
    def _wrap(cls, core: Any) -> "Loss":
        klass = globals().get(core.class_name, Loss)
        obj = klass.__new__(klass)
        obj._core = core
        return obj

    @property
    def name(self) -> str:
        return self._core.name

    def get_config(self) -> Dict[str, Any]:
        return self._core.get_config()

    def _serialize(self) -> Dict[str, Any]:
        return {"class_name": self._core.class_name, "config": self.get_config()}

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Optional[Any] = None) -> float:
        return self._core(y_true, y_pred, sample_weight)

    def __repr__(self) -> str:
        return f"<deepfin.losses.{self._core.class_name}>"


_DOCS = {
    "CategoricalCrossentropy": "Cross-entropy of one-hot (or soft) targets and class probabilities.",
    "SparseCategoricalCrossentropy": "Cross-entropy of integer class ids and class probabilities.",
    "BinaryCrossentropy": "Cross-entropy of 0/1 targets and probabilities of class 1.",
    "MeanSquaredError": "Mean of squared differences.",
    "MeanAbsoluteError": "Mean of absolute differences.",
    "Huber": "Squared error below delta, absolute error above it.",
}


def _make(class_name: str) -> type:
    defaults = defaults_of(_deepfin.loss_from_config({"class_name": class_name, "config": {}}).get_config())
    klass = type(class_name, (Loss,), {"_class_name": class_name, "__module__": __name__})
    klass.__signature__ = make_signature((), defaults)
    options = ", ".join(f"{k}={v!r}" for k, v in defaults.items())
    klass.__doc__ = f"{_DOCS[class_name]}\n\nOptions and their defaults: {options}."
    return klass


for _name in _DOCS:
    globals()[_name] = _make(_name)


def get(identifier: Any) -> Loss:
    """A loss from a name ("mse", "binary_crossentropy"), a ``{"class_name", "config"}`` dict or a loss."""
    if isinstance(identifier, Loss):
        return identifier
    return Loss._wrap(_deepfin.loss_from_config(identifier))


__all__ = ["Loss", "get"] + list(_DOCS)
