"""Revenue per period: the layer cake by cohort, and net and gross revenue retention (NRR,
GRR) per period and over rolling twelve-month windows."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from canvas.analytics.metrics.periods import Period
from canvas.analytics.metrics.prepare import DateLike, _day_number, _iso_day, _prepare, _resolve_window, _Tx, _Window
from canvas.analytics.metrics.tables import _PeriodTables, _safe_divide, _series_inputs


def revenue_by_cohort(tx: pd.DataFrame, period: Period = "month", *, start: DateLike = None,
                      end: DateLike = None, as_of: DateLike = None) -> pd.DataFrame:
    """Revenue layer cake: rows are calendar periods, columns cohorts (period of the customer's
    first order ever), cells the cohort's revenue in the period (currency, refunds included).
    Refund rows of customers who never placed an order belong to no cohort and are left out."""
    return _series_inputs(tx, period, start, end, as_of).cohort_revenue


def _revenue_retention_frame(pt: _PeriodTables) -> pd.DataFrame:
    base_customers = np.r_[0, pt.active[:-1]] if len(pt.active) else pt.active
    frame = pd.DataFrame({
        "base_customers": base_customers.astype(np.int64),
        "base_revenue": pt.base_revenue, "revenue": pt.kept_revenue,
        "capped_revenue": pt.capped_revenue,
        "nrr": _safe_divide(pt.kept_revenue, pt.base_revenue),
        "grr": _safe_divide(pt.capped_revenue, pt.base_revenue),
    }, index=pt.periods.rename("period"))
    return frame.iloc[1:]


def revenue_retention(tx: pd.DataFrame, period: Period = "month", *, start: DateLike = None,
                      end: DateLike = None, as_of: DateLike = None) -> pd.DataFrame:
    """Net and gross revenue retention per period, from the second period of the window on.

    Base = customers active (>= 1 order) in P-1. ``nrr`` = their revenue in P / their revenue
    in P-1; ``grr`` = the same with each customer's P revenue capped at their P-1 revenue
    (``min``), so GRR <= NRR. Revenue includes refunds; a base revenue <= 0 gives NaN.
    """
    return _revenue_retention_frame(_series_inputs(tx, period, start, end, as_of))


def revenue_retention_window(tx: pd.DataFrame, *, months: int = 12, end: DateLike = None,
                             as_of: DateLike = None) -> dict[str, Any]:
    """NRR and GRR over rolling windows: the last ``months`` months to ``end`` (inclusive)
    against the ``months`` before, for the customers with an order in the earlier window.

    Returns ``nrr``, ``grr`` (fractions, NaN when undefined), ``base_customers``,
    ``base_revenue``, ``revenue``, the windows' first days and last day, and ``full_history``
    (False when the data start after the earlier window begins, so its base is incomplete).
    """
    t = _prepare(tx)
    return _window_retention(t, _resolve_window(t, None, end, as_of), months)


@dataclass(frozen=True)
class _WindowSums:
    """Sums over the customers with an order in the earlier window (see
    :func:`revenue_retention_window`): they add up over disjoint sets of customers."""

    base_customers: int
    base_revenue: float  # their revenue in the earlier window
    revenue: float  # their revenue in the later window
    capped_revenue: float  # the same, each customer capped at their earlier revenue

    def __add__(self, other: _WindowSums) -> _WindowSums:
        return _WindowSums(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def _window_bounds(w: _Window, months: int) -> tuple[int, int]:
    """First days of the earlier and of the later window."""
    last_end = pd.Timestamp(np.datetime64(w.end, "D"))
    mid = _day_number(last_end - pd.DateOffset(months=months))
    base_start = _day_number(last_end - pd.DateOffset(months=2 * months))
    return base_start, mid


def _window_sums(t: _Tx, w: _Window, months: int) -> _WindowSums:
    base_start, mid = _window_bounds(w, months)
    n_customers = len(t.customers)
    o_cust, o_day = t.orders
    base = np.bincount(o_cust[(o_day >= base_start) & (o_day < mid)], minlength=n_customers) > 0
    earlier = (t.day >= base_start) & (t.day < mid)
    later = (t.day >= mid) & (t.day < w.end)
    before = np.bincount(t.cust[earlier], t.amount[earlier], n_customers)[base]
    after = np.bincount(t.cust[later], t.amount[later], n_customers)[base]
    return _WindowSums(int(base.sum()), float(before.sum()), float(after.sum()),
                       float(np.minimum(after, before).sum()))


def _window_figures(s: _WindowSums, w: _Window, months: int) -> dict[str, Any]:
    base_start, mid = _window_bounds(w, months)
    ok = s.base_revenue > 0
    return {
        "nrr": s.revenue / s.base_revenue if ok else math.nan,
        "grr": s.capped_revenue / s.base_revenue if ok else math.nan,
        "base_customers": s.base_customers, "base_revenue": s.base_revenue,
        "revenue": s.revenue,
        "base_start": _iso_day(base_start), "start": _iso_day(mid), "end": _iso_day(w.end - 1),
        "full_history": bool(w.first is not None and w.first <= base_start),
    }


def _window_retention(t: _Tx, w: _Window, months: int) -> dict[str, Any]:
    return _window_figures(_window_sums(t, w, months), w, months)
