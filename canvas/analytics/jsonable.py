"""Plain JSON values from what NumPy and pandas compute: the one rule for every report dict."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def to_json_value(value: Any) -> Any:
    """``value`` as a plain Python value for JSON: NumPy booleans, integers and floats become
    ``bool``/``int``/``float``, NaN and infinities become ``None``, and dicts, lists and tuples
    are converted item by item (tuples become lists). Anything else is returned as it is."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: to_json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_value(v) for v in value]
    return value
