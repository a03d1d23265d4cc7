"""Optimizers and learning-rate schedules, with Keras's names and spellings
(``Adam(learning_rate=1e-3)``, and Keras 2's ``Adam(lr=1e-3)``).

Each object is the C++ optimizer itself: after ``compile``, ``model.optimizer``
is the same object, and setting ``learning_rate`` changes the rate training uses.
"""

from __future__ import annotations

from typing import Any, Dict

from . import _deepfin
from ._configurable import bind_config, defaults_of, make_signature

_ALIASES = {"lr": "learning_rate"}


class Optimizer:
    """A deepfin optimizer (the base of SGD, Adam, AdamW and RMSprop)."""

    _class_name = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        config = bind_config(type(self), args, kwargs, _ALIASES)
        self._core = _deepfin.optimizer_from_config({"class_name": self._class_name, "config": config})

    @classmethod
    def _wrap(cls, core: Any) -> "Optimizer":
        klass = globals().get(core.class_name, Optimizer)
        obj = klass.__new__(klass)
        obj._core = core
        return obj

    @property
    def learning_rate(self) -> float:
        """The rate the next step uses (a schedule's value when one is set)."""
        return self._core.learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self._core.learning_rate = float(value)

    lr = learning_rate  # Keras 2's name

    @property
    def iterations(self) -> int:
        """Steps taken so far."""
        return self._core.iterations

    def get_config(self) -> Dict[str, Any]:
        return self._core.get_config()

    def _serialize(self) -> Dict[str, Any]:
        return {"class_name": self._core.class_name, "config": self.get_config()}

    def __repr__(self) -> str:
        return f"<deepfin.optimizers.{self._core.class_name} learning_rate={self.learning_rate:g}>"


_DOCS = {
    "SGD": "Stochastic gradient descent, with optional momentum and Nesterov momentum.",
    "Adam": "Adam (Kingma & Ba 2015).",
    "AdamW": "Adam with decoupled weight decay (Loshchilov & Hutter 2019).",
    "RMSprop": "RMSprop: divides the gradient by a running root-mean-square.",
}


def _make(class_name: str) -> type:
    defaults = defaults_of(_deepfin.optimizer_from_config(class_name.lower()).get_config(), drop=("name",))
    klass = type(class_name, (Optimizer,), {"_class_name": class_name, "__module__": __name__})
    klass.__signature__ = make_signature(("learning_rate",), defaults, ("lr", "name"))
    options = ", ".join(f"{k}={v!r}" for k, v in defaults.items())
    klass.__doc__ = f"{_DOCS[class_name]}\n\nOptions and their defaults: {options}. Keras 2's lr= is learning_rate=."
    return klass


SGD = _make("SGD")
Adam = _make("Adam")
AdamW = _make("AdamW")
RMSprop = _make("RMSprop")


def get(identifier: Any) -> Optimizer:
    """An optimizer from a name ("adam"), a ``{"class_name", "config"}`` dict or an optimizer."""
    if isinstance(identifier, Optimizer):
        return identifier
    return Optimizer._wrap(_deepfin.optimizer_from_config(identifier))


class _Schedules:
    """Learning-rate schedules, given as ``learning_rate=`` to an optimizer."""


class LearningRateSchedule:
    """A schedule: ``schedule(step)`` is the learning rate at that step."""

    _class_name = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        config = bind_config(type(self), args, kwargs, {})
        self._core = _deepfin.schedule_from_config({"class_name": self._class_name, "config": config})

    def __call__(self, step: int) -> float:
        return self._core(int(step))

    def get_config(self) -> Dict[str, Any]:
        return self._core.get_config()

    def _serialize(self) -> Dict[str, Any]:
        return {"class_name": self._class_name, "config": self.get_config()}


_SCHEDULES = {
    # name: (positional arguments, probe config, what it does)
    "ExponentialDecay": (
        ("initial_learning_rate", "decay_steps", "decay_rate"),
        {"initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 0.5},
        "initial_learning_rate * decay_rate ^ (step / decay_steps) (floored with staircase=True).",
    ),
    "StepDecay": (
        ("initial_learning_rate", "step_size"),
        {"initial_learning_rate": 0.1, "step_size": 1},
        "Multiplies the rate by gamma every step_size steps.",
    ),
    "PiecewiseConstantDecay": (
        ("boundaries", "values"),
        {"boundaries": [1], "values": [0.1, 0.01]},
        "values[i] between boundaries[i-1] and boundaries[i].",
    ),
    "CosineDecay": (
        ("initial_learning_rate", "decay_steps"),
        {"initial_learning_rate": 0.1, "decay_steps": 1},
        "Cosine decay to alpha * initial over decay_steps, after an optional linear warmup.",
    ),
}


def _make_schedule(class_name: str, positional: tuple, probe: Dict[str, Any], doc: str) -> type:
    config = _deepfin.schedule_from_config({"class_name": class_name, "config": probe}).get_config()
    defaults = {k: v for k, v in config.items() if k not in probe or k not in positional}
    klass = type(class_name, (LearningRateSchedule,), {"_class_name": class_name, "__module__": __name__})
    klass.__signature__ = make_signature(positional, defaults)
    klass.__doc__ = doc
    return klass


schedules = _Schedules()
for _name, _spec in _SCHEDULES.items():
    setattr(schedules, _name, _make_schedule(_name, *_spec))
    globals()[_name] = getattr(schedules, _name)

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "get", "schedules", "LearningRateSchedule"] + list(
    _SCHEDULES
)
