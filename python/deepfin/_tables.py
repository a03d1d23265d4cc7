"""Rows for the credit and forecast tasks from what Python users hold: a pandas
DataFrame, a dict of columns, or a CSV path. Cells become the text a CSV file
would hold (missing values None), so the engine reads them exactly as it reads
files: the same kinds, categories, imputation and error messages."""

from __future__ import annotations

import math
import os
from typing import Any, List, Optional

import numpy as np

from . import _deepfin


def _cell(v: Any) -> Optional[str]:
    if v is None:
        return None
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if math.isnan(f):
            return None
        if not math.isfinite(f):
            return "inf" if f > 0 else "-inf"
        # pandas makes integer columns with a missing value float: 1.0 is the CSV's "1" (a category
        # code must read the same as in the file the model was trained on).
        if f.is_integer() and abs(f) < 2**53:
            return str(int(f))
        return repr(f)
    if isinstance(v, (bool, np.bool_)):
        return "true" if bool(v) else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, bytes):
        return v.decode("utf-8", errors="replace")
    try:
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return None
    except ImportError:  # pandas is optional
        pass
    return str(v)


def table_from_frame(frame: Any, source: str = "DataFrame") -> Any:
    """A deepfin table from a DataFrame or a dict of equal-length columns."""
    if hasattr(frame, "columns") and hasattr(frame, "__getitem__") and hasattr(frame, "index"):
        names = [str(c) for c in frame.columns]
        columns = [[_cell(v) for v in frame[c].tolist()] for c in frame.columns]
    elif isinstance(frame, dict):
        names = [str(k) for k in frame]
        columns = [[_cell(v) for v in list(col)] for col in frame.values()]
    else:
        raise TypeError(f"expected a pandas DataFrame, a dict of columns or a CSV path, got {type(frame).__name__}")
    return _deepfin.table_from_columns(source, names, columns)


def is_path(data: Any) -> bool:
    return isinstance(data, (str, os.PathLike))


def column_values(table: Any, name: str) -> List[Optional[str]]:
    return table.column(name)
