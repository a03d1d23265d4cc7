"""Keras's small utilities."""

from __future__ import annotations

from typing import Any, Optional

import numpy as np


def to_categorical(y: Any, num_classes: Optional[int] = None, dtype: str = "float32") -> np.ndarray:
    """Class ids (N,) or (N, 1) as one-hot rows (N, num_classes), as keras.utils.to_categorical."""
    y = np.asarray(y)
    if y.dtype.kind not in "iub" and not (y.dtype.kind == "f" and np.all(np.mod(y, 1) == 0)):
        raise ValueError(f"to_categorical: class ids must be whole numbers, got dtype {y.dtype}")
    ids = y.astype(np.int64)
    if ids.ndim > 1 and ids.shape[-1] == 1:
        ids = ids.reshape(ids.shape[:-1])
    if ids.size and ids.min() < 0:
        raise ValueError(f"to_categorical: class ids must not be negative, found {ids.min()}")
    if num_classes is None:
        num_classes = int(ids.max()) + 1 if ids.size else 0
    elif ids.size and ids.max() >= num_classes:
        raise ValueError(f"to_categorical: class id {ids.max()} is not below num_classes={num_classes}")
    out = np.zeros(ids.shape + (num_classes,), dtype=dtype)
    np.put_along_axis(out, ids[..., None], 1, axis=-1)
    return out


__all__ = ["to_categorical"]
