"""scikit-learn estimators over deepfin models: ``NeuralClassifier`` and
``NeuralRegressor`` work in ``Pipeline``, ``GridSearchCV`` and ``cross_val_score``.

Each wraps a build function ``model(n_features, n_outputs, **model_kwargs)`` that
returns a deepfin ``Sequential`` (compiled or not); without one, a small MLP
(``hidden_units``, ``dropout``) is built. Needs scikit-learn (Debian's
``python3-sklearn``); the rest of deepfin does not.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, check_is_fitted, check_X_y

from . import _deepfin
from . import layers as _layers
from .models import Sequential


def _default_model(n_features: int, n_outputs: int, hidden_units: Sequence[int], dropout: float,
                   activation: str) -> Sequential:
    stack: list = []
    for i, units in enumerate(hidden_units):
        kwargs = {"input_shape": (n_features,)} if i == 0 else {}
        stack.append(_layers.Dense(int(units), activation="relu", **kwargs))
        if dropout > 0:
            stack.append(_layers.Dropout(float(dropout)))
    kwargs = {} if stack else {"input_shape": (n_features,)}
    stack.append(_layers.Dense(n_outputs, activation=activation, **kwargs))
    return Sequential(stack)


class _NeuralEstimator(BaseEstimator):
    """What the classifier and the regressor share: building, fitting, predicting."""

    def __init__(
        self,
        model: Optional[Callable[..., Sequential]] = None,
        model_kwargs: Optional[Dict[str, Any]] = None,
        hidden_units: Sequence[int] = (64,),
        dropout: float = 0.0,
        optimizer: Any = "adam",
        learning_rate: float = 1e-3,
        loss: Optional[str] = None,
        epochs: int = 50,
        batch_size: int = 32,
        validation_split: float = 0.0,
        verbose: int = 0,
        random_state: Optional[int] = None,
    ) -> None:
        self.model = model
        self.model_kwargs = model_kwargs
        self.hidden_units = hidden_units
        self.dropout = dropout
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.loss = loss
        self.epochs = epochs
        self.batch_size = batch_size
        self.validation_split = validation_split
        self.verbose = verbose
        self.random_state = random_state

    # Subclasses give the output layer's size and activation, the loss, and the target encoding.
    def _outputs(self) -> int:
        raise NotImplementedError

    def _output_activation(self) -> str:
        raise NotImplementedError

    def _default_loss(self) -> str:
        raise NotImplementedError

    def _build(self, n_features: int) -> Sequential:
        seed = 0 if self.random_state is None else int(self.random_state)
        _deepfin.set_random_seed(seed)
        if self.model is None:
            net = _default_model(n_features, self._outputs(), self.hidden_units, self.dropout,
                                 self._output_activation())
        else:
            net = self.model(n_features, self._outputs(), **(self.model_kwargs or {}))
            if not isinstance(net, Sequential):
                raise TypeError(f"{type(self).__name__}: the build function returned {net!r}, not a deepfin model")
        if not net._core.compiled:
            opt: Any = self.optimizer
            if isinstance(opt, str):
                opt = {"class_name": opt, "config": {"learning_rate": float(self.learning_rate)}}
            net.compile(optimizer=opt, loss=self.loss or self._default_loss())
        return net

    def _fit_arrays(self, X: np.ndarray, y: np.ndarray, sample_weight: Any) -> "_NeuralEstimator":
        self.n_features_in_ = X.shape[1]
        self.model_ = self._build(X.shape[1])
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=np.float32).reshape(-1)
            if sample_weight.shape[0] != X.shape[0]:
                raise ValueError(f"sample_weight has {sample_weight.shape[0]} values for {X.shape[0]} samples")
        self.history_ = self.model_.fit(
            X,
            y,
            epochs=int(self.epochs),
            batch_size=int(self.batch_size),
            validation_split=float(self.validation_split),
            sample_weight=sample_weight,
            verbose=int(self.verbose),
        ).history
        return self

    def _check_X(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "model_")
        X = check_array(X, dtype=[np.float32, np.float64])
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting {self.n_features_in_} features as input"
            )
        return X

    # Checks of sklearn.utils.estimator_checks that cannot hold for minibatch training, and why.
    _XFAIL = {
        "check_sample_weights_invariance": (
            "minibatch training: removing a sample changes which samples share a batch, so a zero "
            "weight and a removed sample agree only to ~1e-5, not 1e-7"
        ),
    }

    def _more_tags(self) -> Dict[str, Any]:
        return {"non_deterministic": False, "poor_score": False, "_xfail_checks": dict(self._XFAIL)}


class NeuralClassifier(ClassifierMixin, _NeuralEstimator):
    """A deepfin network as a scikit-learn classifier (softmax over the classes seen in fit;
    sigmoid for two). ``predict_proba`` columns follow ``classes_``."""

    def _outputs(self) -> int:
        return 1 if len(self.classes_) == 2 else len(self.classes_)

    def _output_activation(self) -> str:
        return "sigmoid" if len(self.classes_) == 2 else "softmax"

    def _default_loss(self) -> str:
        return "binary_crossentropy" if len(self.classes_) == 2 else "sparse_categorical_crossentropy"

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> "NeuralClassifier":
        X, y = check_X_y(X, y, dtype=[np.float32, np.float64])
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"NeuralClassifier needs at least 2 classes in y, got one class ({self.classes_[0]!r})")
        target = encoded.astype(np.float32).reshape(-1, 1) if len(self.classes_) == 2 else encoded.astype(np.int64)
        return self._fit_arrays(X, target, sample_weight)

    def predict_proba(self, X: Any) -> np.ndarray:
        X = self._check_X(X)
        p = np.asarray(self.model_.predict(X), dtype=np.float64)
        if len(self.classes_) == 2:
            p = p.reshape(-1)
            return np.stack([1.0 - p, p], axis=1)
        return p

    def predict(self, X: Any) -> np.ndarray:
        p = self.predict_proba(X)
        return self.classes_[np.argmax(p, axis=1)]


class NeuralRegressor(RegressorMixin, _NeuralEstimator):
    """A deepfin network as a scikit-learn regressor (linear outputs, mean squared error);
    y may be (n,) or (n, k)."""

    def _outputs(self) -> int:
        return self.n_outputs_

    def _more_tags(self) -> Dict[str, Any]:
        return dict(super()._more_tags(), multioutput=True)

    def _output_activation(self) -> str:
        return "linear"

    def _default_loss(self) -> str:
        return "mse"

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> "NeuralRegressor":
        X, y = check_X_y(X, y, dtype=[np.float32, np.float64], multi_output=True, y_numeric=True)
        self._y_1d = y.ndim == 1
        y2 = y.reshape(-1, 1) if y.ndim == 1 else y
        self.n_outputs_ = y2.shape[1]
        return self._fit_arrays(X, y2.astype(np.float32), sample_weight)

    _XFAIL = dict(
        _NeuralEstimator._XFAIL,
        check_methods_subset_invariance=(
            "float32 matrix products block rows by batch size: a regression output predicted in a "
            "smaller batch differs in the last bit (~2e-7 relative, tolerance 1e-7)"
        ),
    )

    def predict(self, X: Any) -> np.ndarray:
        X = self._check_X(X)
        p = np.asarray(self.model_.predict(X), dtype=np.float64)
        return p.reshape(-1) if self._y_1d else p


__all__ = ["NeuralClassifier", "NeuralRegressor"]
