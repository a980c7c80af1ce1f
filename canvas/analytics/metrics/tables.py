"""Period tables: one pass over the prepared rows gives every period series of a window.

Active and new customers, retained customers, revenue, cohort counts, the base and kept
revenue of NRR/GRR and the revenue layer cake, per period, cached on the prepared rows by
(window, period) because many figures share them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from canvas.analytics.metrics.periods import _NS_PER_DAY, Period, _check_period, _day_periods, period_index
from canvas.analytics.metrics.prepare import DateLike, _prepare, _resolve_window, _Tx, _Window


@dataclass(frozen=True)
class _PeriodTables:
    periods: pd.PeriodIndex  # the series' periods, p0 .. p1
    partial: np.ndarray  # bool per period: cut short by the window
    active: np.ndarray  # customers with >= 1 order, per period
    new: np.ndarray  # customers whose first order ever falls in the period
    retained: np.ndarray  # |A(P-1) n A(P)|, per period (0 for the first)
    revenue: np.ndarray  # all amounts dated in the period
    cohort_counts: np.ndarray  # [cohort, k] customers of cohort active k periods later
    base_revenue: np.ndarray  # P-1 revenue of customers active in P-1, indexed by P
    kept_revenue: np.ndarray  # their revenue in P
    capped_revenue: np.ndarray  # their revenue in P, each capped at their P-1 revenue
    cohort_revenue: pd.DataFrame  # periods x cohorts revenue (layer cake)


def _empty_tables(period: Period) -> _PeriodTables:
    empty = np.zeros(0)
    return _PeriodTables(period_index(np.zeros(0, np.int64), period), empty.astype(bool), empty,
                         empty, empty, empty, np.zeros((0, 0)), empty, empty, empty,
                         pd.DataFrame())


def _period_tables(t: _Tx, w: _Window, period: Period) -> _PeriodTables:
    _check_period(period)
    key = (w, period)
    if key not in t.tables:
        t.tables[key] = _build_period_tables(t, w, period)
    return t.tables[key]


def _build_period_tables(t: _Tx, w: _Window, period: Period) -> _PeriodTables:
    if w.begin is None or len(t) == 0 or w.end <= w.begin:
        return _empty_tables(period)
    p0, p1 = (int(p) for p in _day_periods(np.array([w.begin, w.end - 1]), period))
    n = p1 - p0 + 1
    periods = period_index(np.arange(p0, p1 + 1), period)
    bounds = period_index(np.arange(p0, p1 + 2), period).start_time.as_unit("ns").asi8
    bounds = bounds // _NS_PER_DAY
    partial = bounds[1:] > w.end  # the first period is whole: the series start on its first day
    series = (t.day >= bounds[0]) & (t.day < w.end)
    if not series.any():
        return _empty_tables(period)

    # Customers' cohorts come from their first order ever (before the series too), up to the
    # window's end: a customer whose first order comes later is not new in the window.
    first_day = t.first_order_day
    has_order = first_day < w.end  # _NO_DAY (no order at all) is past any end
    first_p = np.full(len(t.customers), np.iinfo(np.int64).min)
    first_p[has_order] = _day_periods(first_day[has_order], period) - p0
    new = np.bincount(first_p[(first_p >= 0) & (first_p < n)], minlength=n)

    # Rows as keys customer * n + period are sorted, since the rows are: equal keys are
    # neighbours, and one customer's periods follow each other in ascending order.
    r_keys = t.cust[series] * n + (_day_periods(t.day[series], period) - p0)
    starts = np.flatnonzero(np.r_[True, r_keys[1:] != r_keys[:-1]])
    pair_keys = r_keys[starts]  # each (customer, period) with any row
    pair_revenue = np.add.reduceat(t.amount[series], starts)  # refunds included
    pair_active = np.logical_or.reduceat(t.order_start[series], starts)  # >= 1 order
    pair_p = pair_keys % n
    revenue = np.bincount(pair_p, weights=pair_revenue, minlength=n)

    keys = pair_keys[pair_active]
    a_cust, a_p = keys // n, pair_p[pair_active]
    active = np.bincount(a_p, minlength=n)
    # "Active in P-1 and P" is "the next active key is key + 1" (same customer, next period).
    consecutive = (keys[1:] == keys[:-1] + 1) & (a_p[1:] != 0)
    retained = np.bincount(a_p[1:][consecutive], minlength=n)

    cohort = first_p[a_cust]  # >= 0 for customers whose first order is inside the series
    mine = cohort >= 0
    cohort_counts = np.bincount(cohort[mine] * n + (a_p[mine] - cohort[mine]),
                                minlength=n * n).reshape(n, n).astype(float)

    # NRR / GRR: each active pair (c, P-1) against the pair after it when that is (c, P).
    base = np.flatnonzero(pair_active & (pair_p < n - 1))
    prev = pair_revenue[base]
    follows = np.r_[pair_keys[1:] == pair_keys[:-1] + 1, False][base]
    cur = np.where(follows, pair_revenue[np.minimum(base + 1, len(pair_keys) - 1)], 0.0)
    target = pair_p[base] + 1
    base_revenue = np.bincount(target, weights=prev, minlength=n)
    kept_revenue = np.bincount(target, weights=cur, minlength=n)
    capped_revenue = np.bincount(target, weights=np.minimum(cur, prev), minlength=n)

    # Layer cake: revenue by calendar period and cohort (customers' first order may predate
    # the series); refunds from customers who never ordered have no cohort and are left out.
    pair_cust = pair_keys // n
    known = has_order[pair_cust]
    c_ord = first_p[pair_cust[known]] + p0
    c_lo = int(c_ord.min()) if len(c_ord) else p0
    n_c = (int(c_ord.max()) if len(c_ord) else p0) - c_lo + 1
    cake = np.bincount((pair_keys[known] % n) * n_c + (c_ord - c_lo),
                       weights=pair_revenue[known], minlength=n * n_c).reshape(n, n_c)
    present = np.flatnonzero(np.bincount(c_ord - c_lo, minlength=n_c))
    cohort_revenue = pd.DataFrame(cake[:, present], index=periods.rename("period"),
                                  columns=period_index(present + c_lo, period).rename("cohort"))

    return _PeriodTables(periods, partial, active, new, retained, revenue, cohort_counts,
                         base_revenue, kept_revenue, capped_revenue, cohort_revenue)


def _safe_divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    out = np.full(len(numerator), np.nan)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _series_inputs(tx: pd.DataFrame, period: Period, start: DateLike, end: DateLike,
                   as_of: DateLike) -> _PeriodTables:
    t = _prepare(tx)
    return _period_tables(t, _resolve_window(t, start, end, as_of), period)


def _add_tables(a: _PeriodTables, b: _PeriodTables) -> _PeriodTables:
    """The tables of two disjoint sets of customers over the same window, added up (tables
    without periods are those of rows outside the window)."""
    if not len(a.periods):
        return b
    if not len(b.periods):
        return a
    cake = a.cohort_revenue.add(b.cohort_revenue, fill_value=0.0).sort_index(axis=1)
    return _PeriodTables(a.periods, a.partial, a.active + b.active, a.new + b.new,
                         a.retained + b.retained, a.revenue + b.revenue,
                         a.cohort_counts + b.cohort_counts, a.base_revenue + b.base_revenue,
                         a.kept_revenue + b.kept_revenue, a.capped_revenue + b.capped_revenue,
                         cake)
