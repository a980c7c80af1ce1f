"""Survey figures: Net Promoter Score and customer satisfaction, overall or per group."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from canvas.analytics.metrics.prepare import _require


def _grouped_share(surveys: pd.DataFrame, column: str, by: str | None,
                   score: Callable[[np.ndarray], np.ndarray]) -> Any:
    """Mean of ``score`` over the answered responses of ``column``, overall or per ``by``."""
    _require(surveys, (column,) + ((by,) if by else ()), "survey responses")
    scores = surveys[column].to_numpy(dtype=float)
    answered = ~np.isnan(scores)
    value = score(scores[answered])
    if by is None:
        return float(value.mean()) if answered.any() else math.nan
    frame = pd.DataFrame({"group": surveys[by].to_numpy()[answered], "value": value})
    grouped = frame.groupby("group", sort=True)["value"]
    return pd.DataFrame({column: grouped.mean(), "responses": grouped.size()}).rename_axis(by)


def nps(surveys: pd.DataFrame, by: str | None = None) -> float | pd.DataFrame:
    """Net Promoter Score from the ``nps`` column (0-10; NaN = no answer): 100 x (share of 9-10
    minus share of 0-6), from -100 to 100. NaN without responses. With ``by``: a DataFrame of
    ``nps`` and ``responses`` per group."""
    return _grouped_share(surveys, "nps", by,
                          lambda s: 100.0 * ((s >= 9).astype(float) - (s <= 6)))


def csat(surveys: pd.DataFrame, by: str | None = None) -> float | pd.DataFrame:
    """Customer satisfaction from the ``csat`` column (1-5; NaN = no answer): the fraction of
    responses scoring 4 or 5. NaN without responses. With ``by``: ``csat`` and ``responses``
    per group."""
    return _grouped_share(surveys, "csat", by, lambda s: (s >= 4).astype(float))
