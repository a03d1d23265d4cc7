"""Models: ``Sequential`` with Keras's compile / fit / evaluate / predict /
summary / save, and ``load_model``.

Arrays go to the engine without copies when they are float32 (inputs, one-hot
targets) or int64 (class ids, token ids); other numbers (float64, uint8 images)
are converted once. The GIL is released while the engine trains or predicts,
and Ctrl-C stops ``fit`` between batches with ``KeyboardInterrupt``.
"""

from __future__ import annotations

import math
import sys
from typing import Any, Dict, List, Optional, Sequence, Union

import numpy as np

from . import _deepfin
from .callbacks import Callback, History
from .layers import Layer
from .losses import Loss
from .metrics import name_of
from .optimizers import Optimizer


def _verbosity(verbose: Union[int, str]) -> int:
    if verbose == "auto":
        return 1
    if isinstance(verbose, bool) or not isinstance(verbose, (int, np.integer)) or not 0 <= int(verbose) <= 2:
        raise ValueError(f"verbose must be 0, 1, 2 or 'auto', got {verbose!r}")
    return int(verbose)


def _live_progress() -> bool:
    """A redrawn bar in a terminal or a notebook; plain lines when output goes to a file or a pipe."""
    if "ipykernel" in sys.modules:
        return True
    out = sys.stdout
    try:
        return bool(out is not None and out.isatty())
    except (AttributeError, ValueError):
        return False


def _batch_size(batch_size: Optional[int]) -> int:
    if batch_size is None:
        return 32
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise TypeError(f"batch_size must be an integer, got {batch_size!r}")
    return int(batch_size)


def _samples(x: Any) -> int:
    shape = getattr(x, "shape", None)
    if shape is not None and len(shape) > 0:
        return int(shape[0])
    return len(x)


class Model:
    """A deepfin model: the Keras training front face over the C++ engine."""

    _core: Any

    def __init__(self) -> None:
        raise TypeError("deepfin.models.Model is abstract: build a Sequential, or load_model() a saved file")

    # --- structure -----------------------------------------------------------
    @property
    def name(self) -> str:
        return self._core.name

    @property
    def layers(self) -> List[Layer]:
        return list(self._layers)

    @property
    def built(self) -> bool:
        return self._core.built

    @property
    def input_shape(self) -> tuple:
        return (None,) + tuple(self._core.input_shape)

    @property
    def output_shape(self) -> tuple:
        return (None,) + tuple(self._core.output_shape)

    def build(self, input_shape: Sequence[Optional[int]]) -> None:
        """Creates the weights for inputs of ``input_shape`` (a leading None is the batch axis)."""
        shape = list(input_shape)
        if shape and shape[0] is None:
            shape = shape[1:]
        self._core.build([int(s) for s in shape])

    def summary(self, print_fn: Any = None) -> None:
        """Prints the Keras-style table: layers, output shapes, parameters."""
        (print_fn or print)(self._core.summary())

    def count_params(self) -> int:
        return self._core.count_params()

    def get_config(self) -> Dict[str, Any]:
        return self._core.get_config()

    def get_weights(self) -> List[np.ndarray]:
        """Every layer's weights, in layer order, as numpy copies."""
        return self._core.get_weights()

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Copies arrays of matching shapes into the weights (ValueError naming the layer otherwise)."""
        self._core.set_weights(list(weights))

    @property
    def stop_training(self) -> bool:
        return self._core.stop_training

    @stop_training.setter
    def stop_training(self, value: bool) -> None:
        self._core.stop_training = bool(value)

    @property
    def optimizer(self) -> Optional[Optimizer]:
        core = self._core.optimizer
        return None if core is None else Optimizer._wrap(core)

    @property
    def loss(self) -> Optional[Loss]:
        core = self._core.loss
        return None if core is None else Loss._wrap(core)

    # --- training ------------------------------------------------------------
    def compile(
        self,
        optimizer: Any = "rmsprop",
        loss: Any = None,
        metrics: Optional[Sequence[Any]] = None,
        **kwargs: Any,
    ) -> None:
        """Sets the optimizer (a name, a dict or an object), the loss and the metrics."""
        if kwargs:
            raise TypeError(f"compile: unsupported arguments {sorted(kwargs)} (optimizer, loss and metrics are)")
        if isinstance(optimizer, Optimizer):
            optimizer = optimizer._core
        if isinstance(loss, Loss):
            loss = loss._core
        if metrics is None:
            metrics = []
        if isinstance(metrics, (str, bytes)) or not isinstance(metrics, (list, tuple)):
            raise TypeError(f"compile: metrics must be a list, got {metrics!r}")
        names = [name_of(m) for m in metrics]
        self._core.compile(optimizer, loss, names)
        self._metric_names = names

    def fit(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: Optional[int] = None,
        epochs: int = 1,
        verbose: Union[int, str] = "auto",
        callbacks: Optional[Sequence[Callback]] = None,
        validation_split: float = 0.0,
        validation_data: Optional[tuple] = None,
        shuffle: bool = True,
        class_weight: Optional[Dict[int, float]] = None,
        sample_weight: Any = None,
        initial_epoch: int = 0,
        privacy: Optional[Dict[str, Any]] = None,
    ) -> History:
        """Trains for ``epochs`` epochs and returns the History.

        ``privacy`` (a dict with the keys of a job file's [privacy] table, e.g.
        ``{"epsilon": 3.0}``) trains with DP-SGD.
        """
        if x is None or y is None:
            raise ValueError("fit: x and y are required (deepfin reads arrays, not datasets or generators)")
        level = _verbosity(verbose)
        size = _batch_size(batch_size)
        callbacks = list(callbacks or [])
        for cb in callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"fit: callbacks must be deepfin.callbacks.Callback objects, got {cb!r}")
        n = _samples(x)
        # The engine keeps ceil(n * (1 - split)) samples for training (fit.cpp).
        train_n = math.ceil(n * (1.0 - validation_split)) if validation_data is None and validation_split > 0 else n
        params = {"epochs": int(epochs), "steps": max(1, math.ceil(train_n / max(size, 1))), "verbose": level}
        history = History()
        for cb in callbacks + [history]:
            cb.set_model(self)
            cb.set_params(params)
        handles = [cb._handle() for cb in callbacks]
        logs, epoch_list = self._core.fit(
            x,
            y,
            int(epochs),
            size,
            None if validation_data is None else tuple(validation_data),
            float(validation_split),
            bool(shuffle),
            {int(k): float(v) for k, v in (class_weight or {}).items()},
            sample_weight,
            handles,
            level,
            _live_progress(),
            int(initial_epoch),
            privacy,
        )
        history.history = logs
        history.epoch = list(epoch_list)
        self.history = history
        return history

    def evaluate(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: Optional[int] = None,
        verbose: Union[int, str] = "auto",
        sample_weight: Any = None,
        return_dict: bool = False,
    ) -> Union[float, List[float], Dict[str, float]]:
        """The loss and metrics on (x, y): a float without metrics, else [loss, *metrics], or a dict."""
        _verbosity(verbose)
        logs = self._core.evaluate(x, y, _batch_size(batch_size), sample_weight)
        if return_dict:
            return dict(logs)
        keys = ["loss"] + [k for k in getattr(self, "_metric_names", []) if k in logs]
        keys += sorted(k for k in logs if k not in keys)
        values = [logs[k] for k in keys]
        return values[0] if len(values) == 1 else values

    def predict(self, x: Any, batch_size: Optional[int] = None, verbose: Union[int, str] = "auto") -> np.ndarray:
        """The model's outputs for x, in inference mode, as a numpy array."""
        _verbosity(verbose)
        return self._core.predict(x, _batch_size(batch_size))

    def __call__(self, x: Any, training: bool = False) -> np.ndarray:
        return self._core.call(x, training)

    def save(self, filepath: Any, overwrite: bool = True) -> None:
        """One .safetensors file: architecture, weights, optimizer state; written atomically."""
        import os

        path = os.fspath(filepath)
        if not overwrite and os.path.exists(path):
            raise FileExistsError(f"save: {path} exists and overwrite=False")
        self._core.save(path)

    def __getstate__(self) -> Dict[str, Any]:
        """Pickling (joblib, multiprocessing) goes through the model file: architecture,
        weights and optimizer state, exactly as save() writes them."""
        import os
        import tempfile

        with tempfile.TemporaryDirectory(prefix="deepfin-pickle-") as tmp:
            path = os.path.join(tmp, "model.safetensors")
            self._core.save(path)
            with open(path, "rb") as f:
                return {"model_file": f.read()}

    def __setstate__(self, state: Dict[str, Any]) -> None:
        import os
        import tempfile

        with tempfile.TemporaryDirectory(prefix="deepfin-pickle-") as tmp:
            path = os.path.join(tmp, "model.safetensors")
            with open(path, "wb") as f:
                f.write(state["model_file"])
            loaded = load_model(path)
        self.__dict__.update(loaded.__dict__)

    def __repr__(self) -> str:
        return f"<deepfin.models.{type(self).__name__} name={self.name!r} layers={len(self._layers)}>"


class Sequential(Model):
    """A plain stack of layers, each feeding the next (keras.Sequential)."""

    def __init__(self, layers: Optional[Sequence[Layer]] = None, name: Optional[str] = None) -> None:
        layers = list(layers or [])
        for layer in layers:
            if not isinstance(layer, Layer):
                raise TypeError(f"Sequential: expected deepfin.layers objects, got {layer!r}")
        self._layers = layers
        self._metric_names: List[str] = []
        self._core = _deepfin.Sequential([layer._core for layer in layers], name or "")

    def add(self, layer: Layer) -> None:
        """Appends a layer (ValueError for a duplicate layer name)."""
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add: expected a deepfin.layers object, got {layer!r}")
        self._core.add(layer._core)
        self._layers.append(layer)

    @classmethod
    def _wrap(cls, core: Any) -> "Sequential":
        obj = cls.__new__(cls)
        obj._core = core
        obj._layers = [Layer._wrap(layer) for layer in core.layers]
        config = core.compile_config()
        obj._metric_names = list(config.get("metrics", [])) if isinstance(config, dict) else []
        return obj


def load_model(filepath: Any) -> Sequential:
    """Restores a model written by ``save``: architecture, weights and (if compiled) optimizer state."""
    import os

    core = _deepfin.load_model(os.fspath(filepath))
    if core.class_name != "Sequential":
        raise ValueError(f"load_model: {os.fspath(filepath)} holds a {core.class_name}, not a Sequential")
    return Sequential._wrap(core)


__all__ = ["Model", "Sequential", "load_model"]
