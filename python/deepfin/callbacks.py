"""Training callbacks. The built-in ones run in C++ (no Python call per batch);
``Callback`` is the base for callbacks written in Python, with Keras's hooks.

A Python callback sees ``self.model`` (the model being trained: it may set
``self.model.stop_training = True``, read weights, save) and ``self.params``.
Only the hooks a subclass overrides are called, so an unused hook costs nothing.
An exception raised in a hook stops ``fit`` and reaches the caller unchanged.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional

from . import _deepfin


class Callback:
    """Base class for callbacks written in Python (Keras's hooks; logs are dicts)."""

    def __init__(self) -> None:
        self.model: Any = None
        self.params: Dict[str, Any] = {}

    def set_model(self, model: Any) -> None:
        self.model = model

    def set_params(self, params: Dict[str, Any]) -> None:
        self.params = params

    def on_train_begin(self, logs: Optional[Dict[str, float]] = None) -> None:
        """Called once before the first epoch."""

    def on_train_end(self, logs: Optional[Dict[str, float]] = None) -> None:
        """Called once after the last epoch."""

    def on_epoch_begin(self, epoch: int, logs: Optional[Dict[str, float]] = None) -> None:
        """Called at the start of each epoch (0-based)."""

    def on_epoch_end(self, epoch: int, logs: Optional[Dict[str, float]] = None) -> None:
        """Called after each epoch with its logs (loss, metrics, val_ metrics); keys added here are kept."""

    def on_train_batch_begin(self, batch: int, logs: Optional[Dict[str, float]] = None) -> None:
        """Called before each training batch; the default calls on_batch_begin (Keras 2)."""
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch: int, logs: Optional[Dict[str, float]] = None) -> None:
        """Called after each training batch with the running loss and metrics; the default calls on_batch_end."""
        self.on_batch_end(batch, logs)

    def on_batch_begin(self, batch: int, logs: Optional[Dict[str, float]] = None) -> None:
        """Keras 2's name for on_train_batch_begin."""

    def on_batch_end(self, batch: int, logs: Optional[Dict[str, float]] = None) -> None:
        """Keras 2's name for on_train_batch_end."""

    def _handle(self) -> Any:
        return _deepfin.python_callback(self)


class _Builtin(Callback):
    """A callback that runs in C++."""

    def __init__(self, handle: Any) -> None:
        super().__init__()
        self._cpp = handle

    def _handle(self) -> Any:
        return self._cpp


class EarlyStopping(_Builtin):
    """Stops training when ``monitor`` has not improved by ``min_delta`` for ``patience`` epochs;
    with ``restore_best_weights`` the best epoch's weights are put back."""

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0.0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: Optional[float] = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        super().__init__(
            _deepfin.early_stopping(
                monitor, min_delta, patience, verbose, mode, baseline, restore_best_weights, start_from_epoch
            )
        )


class ReduceLROnPlateau(_Builtin):
    """Multiplies the learning rate by ``factor`` when ``monitor`` stops improving for ``patience`` epochs."""

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
    ) -> None:
        super().__init__(
            _deepfin.reduce_lr_on_plateau(monitor, factor, patience, verbose, mode, min_delta, cooldown, min_lr)
        )


class ModelCheckpoint(_Builtin):
    """Saves the model after each epoch (or only the best by ``monitor``); ``filepath`` may hold
    ``{epoch:02d}`` and ``{val_loss:.4f}`` style fields. Each write is atomic."""

    def __init__(
        self,
        filepath: str,
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        mode: str = "auto",
        initial_value_threshold: Optional[float] = None,
    ) -> None:
        super().__init__(
            _deepfin.model_checkpoint(str(filepath), monitor, verbose, save_best_only, mode, initial_value_threshold)
        )


class CSVLogger(_Builtin):
    """Writes each epoch's logs as a CSV row."""

    def __init__(self, filename: str, separator: str = ",", append: bool = False) -> None:
        super().__init__(_deepfin.csv_logger(str(filename), separator, append))


class TerminateOnNaN(_Builtin):
    """Stops training (keeping the weights) when the loss becomes NaN or infinite."""

    def __init__(self) -> None:
        super().__init__(_deepfin.terminate_on_nan())


class LearningRateScheduler(_Builtin):
    """Sets the learning rate at each epoch's start to ``schedule(epoch, lr)``."""

    def __init__(self, schedule: Callable[[int, float], float], verbose: int = 0) -> None:
        super().__init__(_deepfin.learning_rate_scheduler(schedule, verbose))


class History(Callback):
    """What ``fit`` returns: ``history.history["loss"][i]`` is epoch ``epoch[i]``'s loss."""

    def __init__(self) -> None:
        super().__init__()
        self.history: Dict[str, list] = {}
        self.epoch: list = []


__all__ = [
    "Callback",
    "EarlyStopping",
    "ReduceLROnPlateau",
    "ModelCheckpoint",
    "CSVLogger",
    "TerminateOnNaN",
    "LearningRateScheduler",
    "History",
]
