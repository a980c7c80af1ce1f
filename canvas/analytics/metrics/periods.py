"""Periods: calendar months, calendar quarters and ISO weeks, as ``pandas.Period`` ordinals.

**Periods** are ``pandas.Period`` objects: calendar months (default), calendar quarters or ISO
weeks (Monday to Sunday). Labels are ``YYYY-MM``, ``YYYY-Qn`` and ``YYYY-Www``. Days are int64
day numbers (days since 1970-01-01); a period is its integer ordinal, the same number pandas
gives it, so arrays of periods cost nothing to compare or count.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from canvas.domain.measures import PERIODS

Period = Literal["month", "quarter", "week"]
PERIODS_PER_YEAR: dict[str, float] = {"month": 12.0, "quarter": 4.0, "week": 365.2425 / 7}
DAYS_PER_YEAR = 365.2425

_PANDAS_FREQ = {"month": "M", "quarter": "Q", "week": "W-SUN"}  # W-SUN: weeks ending Sunday
_NS_PER_DAY = 86_400 * 10**9


def _check_period(period: str) -> str:
    if period not in _PANDAS_FREQ:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}; got {period!r}")
    return period


def _day_periods(days: np.ndarray, period: Period) -> np.ndarray:
    """Period ordinal of each day number (days since 1970-01-01)."""
    days = np.asarray(days, dtype=np.int64)
    if period == "week":
        # 1970-01-01 is a Thursday; pandas numbers the week 1969-12-29..1970-01-04 as 1.
        return (days + 3) // 7 + 1
    if len(days) == 0:
        return days.copy()
    # A calendar cast per row is slow; cast each distinct day of the range once instead.
    lo, hi = int(days.min()), int(days.max())
    table = np.arange(lo, hi + 1).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    if period == "quarter":
        table //= 3
    return table[days - lo]


def period_ordinals(dates: Any, period: Period) -> np.ndarray:
    """Integer period of each naive timestamp: ``pandas.Period`` ordinals of the same
    frequency, so ``period_index(result, period)`` gives the periods back."""
    _check_period(period)
    days = np.asarray(dates, dtype="datetime64[D]").astype(np.int64)
    return _day_periods(days, period)


def period_index(ordinals: np.ndarray, period: Period) -> pd.PeriodIndex:
    """``pandas.PeriodIndex`` of the given period ordinals."""
    return pd.PeriodIndex.from_ordinals(np.asarray(ordinals, dtype=np.int64),
                                        freq=_PANDAS_FREQ[_check_period(period)])


def period_label(p: pd.Period) -> str:
    """``YYYY-MM`` for a month, ``YYYY-Qn`` for a quarter, ISO ``YYYY-Www`` for a week."""
    freq = p.freqstr
    if freq.startswith("W"):
        iso = p.start_time.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if freq.startswith("Q"):
        return f"{p.year}-Q{p.quarter}"
    return f"{p.year:04d}-{p.month:02d}"


def _labels(index: pd.PeriodIndex) -> list[str]:
    return [period_label(p) for p in index]
