"""Layers, with Keras's names, argument order and spellings.

Each class builds its C++ layer through the registry that job files and saved
models use, so the options, their defaults and their checks are the engine's
own: ``help(deepfin.layers.Dense)`` shows the real defaults, and a misspelt
option is an error that lists the known ones. Layers hold their weights in C++;
``get_weights()`` returns numpy copies and ``layer(x)`` runs the layer on a batch.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from . import _deepfin
from ._configurable import COMMON_LAYER_KEYS, bind_config, defaults_of, make_signature

# class name -> (positional arguments in Keras order, the smallest config that makes
# one, what the layer does). The probe config is used once, at import, to read the
# defaults of every other option from the C++ layer.
_PROBE_INNER = {"class_name": "Dense", "config": {"units": 1, "name": "_probe_inner"}}
_PROBE_RNN = {"class_name": "LSTM", "config": {"units": 1, "name": "_probe_rnn"}}
_TABLE: Dict[str, Tuple[Tuple[str, ...], Dict[str, Any], str]] = {
    "InputLayer": ((), {"input_shape": [1]}, "Declares the input shape (without the batch axis)."),
    "Dense": (("units",), {"units": 1}, "Densely connected layer: activation(x @ kernel + bias)."),
    "Conv2D": (("filters", "kernel_size"), {"filters": 1, "kernel_size": [1, 1]}, "2-D convolution over (H, W, C) inputs."),
    "MaxPooling2D": (("pool_size",), {}, "Max over pool_size windows of (H, W, C) inputs."),
    "AveragePooling2D": (("pool_size",), {}, "Mean over pool_size windows of (H, W, C) inputs."),
    "GlobalAveragePooling2D": ((), {}, "Mean over H and W: (H, W, C) -> (C)."),
    "Flatten": ((), {}, "Flattens every axis after the batch axis."),
    "Reshape": (("target_shape",), {"target_shape": [1]}, "Reshapes each sample to target_shape."),
    "Dropout": (("rate",), {"rate": 0.5}, "Zeroes a fraction `rate` of inputs while training (scaled by 1/(1-rate))."),
    "BatchNormalization": ((), {}, "Normalizes each channel by batch statistics (moving averages at inference)."),
    "LayerNormalization": ((), {}, "Normalizes each sample over its last axis."),
    "Activation": (("activation",), {"activation": "relu"}, "Applies an activation function."),
    "CategoricalEmbedding": (
        ("slots",),
        {"slots": [{"feature": 0, "cardinality": 2, "output_dim": 1}]},
        "Embeds integer-coded categorical columns of a tabular input (the credit recipe's embedding mode).",
    ),
    "SimpleRNN": (("units",), {"units": 1}, "Fully connected RNN: h_t = activation(W x_t + U h_{t-1} + b)."),
    "LSTM": (("units",), {"units": 1}, "Long short-term memory layer (a fused sequence op)."),
    "GRU": (("units",), {"units": 1}, "Gated recurrent unit layer (a fused sequence op)."),
    "Conv1D": (("filters", "kernel_size"), {"filters": 1, "kernel_size": 1}, "1-D convolution over (T, C) inputs."),
    "GlobalAveragePooling1D": ((), {}, "Mean over time (respecting a mask): (T, C) -> (C)."),
    "GlobalMaxPooling1D": ((), {}, "Max over time (respecting a mask): (T, C) -> (C)."),
    "TimeDistributed": (("layer",), {"layer": _PROBE_INNER}, "Applies a layer to every time step."),
    "Bidirectional": (("layer",), {"layer": _PROBE_RNN}, "Runs a recurrent layer forwards and backwards."),
    "MultiHeadAttention": (
        ("num_heads", "key_dim"),
        {"num_heads": 1, "key_dim": 1},
        "Self-attention, softmax(Q K^T / sqrt(d_k)) V, over several heads (a fused op).",
    ),
    "Embedding": (
        ("input_dim", "output_dim"),
        {"input_dim": 2, "output_dim": 1},
        "Maps integer ids (token ids) to dense vectors; mask_zero=True masks id 0.",
    ),
    "PositionalEmbedding": (
        ("sequence_length",),
        {"sequence_length": 1},
        "Adds learned or sinusoidal position vectors to a sequence.",
    ),
    "Masking": ((), {}, "Masks time steps whose values all equal mask_value."),
    "TransformerEncoder": (
        ("num_heads", "ff_dim"),
        {"num_heads": 1, "ff_dim": 1},
        "A Transformer encoder block: self-attention and a feed-forward network, each with a residual.",
    ),
    "CausalLM": (
        ("vocab_size", "context_length", "d_model", "num_layers", "num_heads", "ff_dim"),
        {"vocab_size": 8, "context_length": 4, "d_model": 4, "num_layers": 1, "num_heads": 1, "ff_dim": 4},
        "A decoder-only Transformer language model (GPT-2 or Llama style): token ids to next-token logits.",
    ),
    "PeriodicEmbedding": (
        ("features",),
        {},
        "Periodic embeddings of numeric columns (PLR): ReLU(linear([cos, sin](2 pi c x))) per feature.",
    ),
    "EnsembleInput": (
        ("members",),
        {"members": 1},
        "TabM-mini: k ensemble members, each seeing the input times its own learned scaling: (F) -> (k, F).",
    ),
    "EnsembleDense": (("units",), {"units": 1}, "One Dense head per ensemble member: (k, in) -> (k, units)."),
    "EnsembleMean": ((), {}, "The members' mean at inference; each member's output to the loss while training."),
    "FeatureTokenizer": (
        ("d_token",),
        {"d_token": 1},
        "FT-Transformer's tokenizer: one token x_j W_j + b_j per feature, then a [CLS] token: (F) -> (F + 1, d).",
    ),
    "SelectToken": (("index",), {}, "One token of each sequence (-1: the last, FeatureTokenizer's [CLS]): (T, D) -> (D)."),
}

# Keras 2 spellings that deepfin reads under their Keras 3 names.
_ALIASES: Dict[str, str] = {}

# Options Keras lets 2-D layers give as one integer for both axes (kernel_size=3).
_PAIRS = ("kernel_size", "strides", "pool_size", "dilation_rate")
_TWO_D = ("Conv2D", "MaxPooling2D", "AveragePooling2D")


class Layer:
    """A deepfin layer (the base of every class in deepfin.layers)."""

    _class_name = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        config = bind_config(type(self), args, kwargs, _ALIASES)
        for key in [k for k, v in config.items() if v is None]:
            del config[key]
        if self._class_name in _TWO_D:
            for key in _PAIRS:
                if isinstance(config.get(key), (int, np.integer)) and not isinstance(config.get(key), bool):
                    config[key] = [int(config[key])] * 2
        self._core = _deepfin.layer_from_config({"class_name": self._class_name, "config": config})

    @classmethod
    def _wrap(cls, core: Any) -> "Layer":
        """The Python face of a C++ layer (e.g. one of a loaded model)."""
        klass = globals().get(core.class_name, Layer)
        obj = klass.__new__(klass)
        obj._core = core
        return obj

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "Layer":
        """The layer a get_config() dict describes (fresh weights)."""
        return cls._wrap(_deepfin.layer_from_config({"class_name": cls._class_name, "config": config}))

    def get_config(self) -> Dict[str, Any]:
        """Every option with the value the layer uses (Keras-style)."""
        return self._core.get_config()

    def _serialize(self) -> Dict[str, Any]:
        return {"class_name": self._core.class_name, "config": self.get_config()}

    @property
    def name(self) -> str:
        return self._core.name

    @property
    def built(self) -> bool:
        return self._core.built

    @property
    def trainable(self) -> bool:
        return self._core.trainable

    @property
    def input_shape(self) -> Tuple[Optional[int], ...]:
        """(None, ...) once built: None stands for the batch axis, as in Keras."""
        return (None,) + tuple(self._core.input_shape)

    @property
    def output_shape(self) -> Tuple[Optional[int], ...]:
        return (None,) + tuple(self._core.output_shape)

    @property
    def weights(self) -> List[np.ndarray]:
        return self.get_weights()

    def get_weights(self) -> List[np.ndarray]:
        """The layer's weights, in creation order, as numpy copies."""
        return self._core.get_weights()

    def set_weights(self, weights: List[Any]) -> None:
        """Copies arrays of the same shapes into the layer's weights."""
        self._core.set_weights(list(weights))

    def count_params(self) -> int:
        return self._core.count_params()

    def __call__(self, x: Any, training: bool = False) -> np.ndarray:
        """Runs the layer on a batch (the batch axis first); builds it on first use."""
        return self._core(x, training)

    def __repr__(self) -> str:
        return f"<deepfin.layers.{type(self).__name__} name={self.name!r}>"


def _make_layer_class(class_name: str, positional: Tuple[str, ...], probe: Dict[str, Any], doc: str) -> type:
    probe_config = dict(probe, name=f"_probe_{class_name.lower()}")
    defaults = defaults_of(
        _deepfin.layer_from_config({"class_name": class_name, "config": probe_config}).get_config(),
        drop=("name", "trainable", "dtype", "input_shape"),
    )
    for key in probe:
        if key in positional:
            defaults.pop(key, None)  # required: the probe's value is no default
    klass = type(class_name, (Layer,), {"_class_name": class_name, "__module__": __name__})
    klass.__signature__ = make_signature(positional, defaults, COMMON_LAYER_KEYS)
    options = ", ".join(f"{k}={v!r}" for k, v in defaults.items())
    klass.__doc__ = (
        f"{doc}\n\nArguments (Keras's names and order): {', '.join(positional) or 'none positional'}; "
        f"options and their defaults: {options or 'none'}; and every layer's name, trainable, dtype, input_shape."
    )
    return klass


for _name, (_positional, _probe, _doc) in _TABLE.items():
    globals()[_name] = _make_layer_class(_name, _positional, _probe, _doc)

missing = sorted(set(_deepfin.registered_layers()) - set(_TABLE))
if missing:  # a layer added to the engine without a line above
    raise ImportError(f"deepfin.layers: no Python class for the engine's layers {missing}")
del missing


def Input(shape: Tuple[int, ...], name: Optional[str] = None) -> Layer:
    """Keras's Input(shape=...): an InputLayer declaring the input shape."""
    return globals()["InputLayer"](input_shape=list(shape), name=name)


__all__ = ["Layer", "Input"] + sorted(_TABLE)
