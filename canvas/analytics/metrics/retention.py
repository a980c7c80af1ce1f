"""Customer retention per period: active and new customers, period retention and churn,
cohort retention, and contract (subscription) retention."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from canvas.analytics.metrics.periods import Period
from canvas.analytics.metrics.prepare import DateLike
from canvas.analytics.metrics.tables import _PeriodTables, _safe_divide, _series_inputs


def active_customers(tx: pd.DataFrame, period: Period = "month", *, start: DateLike = None,
                     end: DateLike = None, as_of: DateLike = None) -> pd.DataFrame:
    """Per period: ``active`` customers (>= 1 order), ``new`` (first order ever in the period),
    ``returning`` (active - new), ``revenue`` (all amounts dated in the period, refunds
    included) and ``partial`` (the period is cut short by the window). Index: PeriodIndex."""
    pt = _series_inputs(tx, period, start, end, as_of)
    return pd.DataFrame({"active": pt.active.astype(np.int64), "new": pt.new.astype(np.int64),
                         "returning": (pt.active - pt.new).astype(np.int64),
                         "revenue": pt.revenue, "partial": pt.partial},
                        index=pt.periods.rename("period"))


def _retention_frame(pt: _PeriodTables) -> pd.DataFrame:
    previous = np.r_[0, pt.active[:-1]].astype(float) if len(pt.active) else pt.active
    rate = _safe_divide(pt.retained.astype(float), previous)
    partial = pt.partial | np.r_[False, pt.partial[:-1]] if len(pt.partial) else pt.partial
    frame = pd.DataFrame({"active_previous": previous.astype(np.int64),
                          "retained": pt.retained.astype(np.int64),
                          "retention_rate": rate, "churn_rate": 1 - rate, "partial": partial},
                         index=pt.periods.rename("period"))
    return frame.iloc[1:]


def period_retention(tx: pd.DataFrame, period: Period = "month", *, start: DateLike = None,
                     end: DateLike = None, as_of: DateLike = None) -> pd.DataFrame:
    """Period retention from the second period of the window on.

    ``retention_rate`` = |A(P-1) n A(P)| / |A(P-1)| (a fraction; NaN when nobody was active in
    P-1), ``churn_rate`` = 1 - retention_rate, with ``active_previous`` = |A(P-1)|,
    ``retained`` = |A(P-1) n A(P)| and ``partial`` (P or P-1 is cut short by the window).
    """
    return _retention_frame(_series_inputs(tx, period, start, end, as_of))


def cohort_retention(tx: pd.DataFrame, period: Period = "month", *, start: DateLike = None,
                     end: DateLike = None, as_of: DateLike = None,
                     counts: bool = False) -> pd.DataFrame:
    """Cohort retention matrix: rows are cohorts (the period of a customer's first order ever),
    columns k = 0, 1, ... periods since; cell (c, k) is the fraction of cohort c active in
    period c + k (so column 0 is 1). Cells past the window's last period are NaN. Only cohorts
    starting inside the window are shown. ``counts=True`` gives customers instead of fractions
    (column 0 is then the cohort size)."""
    return _cohort_frame(_series_inputs(tx, period, start, end, as_of), counts)


def _cohort_frame(pt: _PeriodTables, counts: bool) -> pd.DataFrame:
    n = len(pt.periods)
    matrix = pt.cohort_counts.copy()
    size = matrix[:, 0] if n else np.zeros(0)
    if not counts:
        matrix = matrix / np.where(size > 0, size, np.nan)[:, None]
    future = np.arange(n)[:, None] + np.arange(n)[None, :] >= n  # c + k past the last period
    matrix[future] = np.nan
    frame = pd.DataFrame(matrix, index=pt.periods.rename("cohort"),
                         columns=pd.RangeIndex(n, name="periods_since_first"))
    return frame[size > 0]


def contract_retention(customers_at_start: Any, customers_at_end: Any,
                       new_customers: Any) -> Any:
    """Subscription retention (E - N) / S as a fraction: customers at the end of the period
    minus those acquired during it, over customers at its start. Works on scalars or arrays;
    NaN where S is 0."""
    s = np.asarray(customers_at_start, dtype=float)
    e = np.asarray(customers_at_end, dtype=float)
    n = np.asarray(new_customers, dtype=float)
    out = np.where(s > 0, (e - n) / np.where(s > 0, s, 1.0), np.nan)
    return float(out) if out.ndim == 0 else out
