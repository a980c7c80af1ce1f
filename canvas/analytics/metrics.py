"""Customer-relationship metrics from transactions, survey responses and acquisition spend.

Every function here is pure: DataFrames in, numbers or DataFrames out, no Streamlit and no
database. Work is vectorised over integer codes: customers are factorised and rows sorted by
customer and day once, periods are integer ordinals, and sets of (customer, period) pairs are
int64 keys that come out of that sort already ordered, so no figure loops over customers or
rows (one million transactions: the whole report in about a second).

Definitions follow ``DOMAIN.md`` exactly. The edge cases it leaves open are decided here:

* **Order.** A distinct order id of one customer among the rows with a positive amount, or
  one positive row when there is no ``order_id`` column (rows whose ``order_id`` is missing
  are each an order of their own). The order's date is the date of its earliest positive row.
  Rows with an amount <= 0 are never orders: refunds (negative) only reduce revenue, on the
  date they carry; zero rows count for nothing.
* **Revenue** is the sum of every amount, refunds included, by row date. Average order value
  is therefore *net* revenue per order, as the definition says.
* **Active in P** means at least one order dated in P. A period with only refunds is not
  active for that customer (but its refunds still count in that period's revenue).
* **Undefined ratios are NaN, never inf.** Retention with A(P-1) empty, NRR/GRR with no base
  revenue (or a base that refunds made zero or negative), CAC with no new customer or no spend
  row for the period, NPS/CSAT with no response. Report dicts turn NaN into ``None``.
* **Windows.** ``start``/``end``/``as_of`` are calendar days, inclusive. ``as_of`` (default:
  the last transaction's day, or ``end`` when that is later) is when the data end; rows after
  it are ignored. ``end`` defaults to ``as_of``. Scalar figures (orders, customers,
  revenue, ...) use the exact window; period series (retention, cohorts, NRR/GRR, CAC) are
  widened back to the start of the period that holds ``start``, so that every period is whole
  at its start, and a period cut short by ``end`` is flagged ``partial``. A customer's first
  order (their cohort, whether they are new for CAC) is looked up in all history up to
  ``end``, not only inside the window. Historical CLV counts all revenue up to ``end``.
* **Annual churn** (for simple CLV) is 1 - r ** (periods per year), r being the retention
  pooled over the window's whole periods (sum of retained / sum of A(P-1)); simple CLV's
  orders per customer per year are the window's purchase frequency / its length in years.
* **Periods** are ``pandas.Period`` objects: calendar months (default), calendar quarters or
  ISO weeks (Monday to Sunday). Labels are ``YYYY-MM``, ``YYYY-Qn`` and ``YYYY-Www``.
* **Segments.** A figure for a segment equals the figure computed on that segment's rows
  alone; a customer with rows in two segments counts in both.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import cached_property
from collections.abc import Callable, Iterable
from typing import Any, Literal

import numpy as np
import pandas as pd

Period = Literal["month", "quarter", "week"]
PERIODS: tuple[str, ...] = ("month", "quarter", "week")
PERIODS_PER_YEAR: dict[str, float] = {"month": 12.0, "quarter": 4.0, "week": 365.2425 / 7}
DAYS_PER_YEAR = 365.2425

_PANDAS_FREQ = {"month": "M", "quarter": "Q", "week": "W-SUN"}  # W-SUN: weeks ending Sunday
_NS_PER_DAY = 86_400 * 10**9
_NO_DAY = np.iinfo(np.int64).max  # "no order yet" in per-customer first-order arrays
DateLike = str | dt.date | dt.datetime | pd.Timestamp | np.datetime64 | None


# --------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Prepared transactions
# --------------------------------------------------------------------------------------------


@dataclass
class _Tx:
    """Transactions as integer arrays, one element per row, sorted by customer then day.

    The sort is done once: every later set of (customer, period) keys built from these rows, or
    from any subset of them, is then already sorted, so no figure needs another sort.
    """

    customers: pd.Index  # customer id of each code
    cust: np.ndarray  # int64 customer code
    day: np.ndarray  # int64 days since 1970-01-01
    amount: np.ndarray  # float64
    order: np.ndarray | None  # int64 order code (one customer's); None: each row is an order
    n_orders: int  # bound on order codes
    segment: np.ndarray | None  # int64 segment code, -1 when missing
    segments: pd.Index | None
    rank: np.ndarray | None = None  # the sort applied to the input rows (None for subsets)
    # Period tables already built from these rows, by (window, period): many figures share them.
    tables: dict = field(default_factory=dict, repr=False, compare=False)

    def take(self, mask: np.ndarray) -> _Tx:
        pick = lambda a: None if a is None else a[mask]  # noqa: E731
        return _Tx(self.customers, self.cust[mask], self.day[mask], self.amount[mask],
                   pick(self.order), self.n_orders, pick(self.segment), self.segments)

    def __len__(self) -> int:
        return len(self.cust)

    @cached_property
    def order_start(self) -> np.ndarray:
        """Mask of the rows that start an order: one per order, its earliest positive row.

        An order is one customer's order id among positive rows (or a positive row without
        order ids). Rows being sorted by customer and day, the first positive row of an order
        is its earliest. Computed on these rows alone, so a subset (a segment) has its own.
        """
        positive = self.amount > 0
        if self.order is None:
            return positive
        rows = np.flatnonzero(positive)
        first = np.full(self.n_orders, len(self.cust), dtype=np.int64)
        np.minimum.at(first, self.order[rows], rows)
        start = np.zeros(len(self.cust) + 1, dtype=bool)
        start[first] = True
        return start[:-1]

    @cached_property
    def orders(self) -> tuple[np.ndarray, np.ndarray]:
        """(customer code, day) of every order, sorted by customer then day."""
        start = self.order_start
        return self.cust[start], self.day[start]

    @cached_property
    def first_order_day(self) -> np.ndarray:
        """Day of each customer's first order (per customer code; ``_NO_DAY`` if none)."""
        o_cust, o_day = self.orders
        first = np.full(len(self.customers), _NO_DAY)
        new = np.r_[True, o_cust[1:] != o_cust[:-1]] if len(o_cust) else np.zeros(0, bool)
        first[o_cust[new]] = o_day[new]
        return first


Prepared = _Tx  # what ``prepare`` returns; opaque to callers


def _as_days(values: pd.Series) -> np.ndarray:
    """Naive timestamps as int64 day numbers, whatever the stored resolution."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_localize(None)
    elif values.dtype.kind != "M":
        values = pd.to_datetime(values)
    return values.to_numpy(dtype="datetime64[ns]").view(np.int64) // _NS_PER_DAY


def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} lack the column(s) {', '.join(missing)}")


def _codes(values: pd.Series, *, sort: bool = False) -> tuple[np.ndarray, pd.Index]:
    codes, uniques = pd.factorize(values, sort=sort)
    return codes.astype(np.int64, copy=False), uniques


def _release_arrow_memory() -> None:
    """Return the memory of Arrow's string hash tables to the system at once.

    Factorising millions of distinct Arrow strings (order ids) builds hash tables of several
    hundred MB that Arrow's allocator would otherwise keep, raising the peak of everything
    computed after it.
    """
    try:
        import pyarrow
    except ImportError:  # pandas without Arrow strings: nothing to release
        return
    pyarrow.default_memory_pool().release_unused()


def prepare(tx: pd.DataFrame) -> Prepared:
    """Factorise and sort the transactions once, for several figures over the same rows.

    Every figure function taking ``tx`` also takes the result, and then skips that work (the
    largest part of each call on big data). Treat the frame as frozen while the result is used.
    Grouping prepared rows is possible ``by="segment"`` only.
    """
    return _prepare(tx)


def subset(tx: pd.DataFrame | Prepared, *, start: DateLike = None, end: DateLike = None,
           segments: Iterable[str] | None = None) -> Prepared:
    """The prepared rows dated ``start`` to ``end`` (both inclusive, None = open) of the given
    ``segment`` values (None = all): the same rows, and so the same figures, as filtering the
    frame first, without factorising and sorting again."""
    t = _prepare(tx)
    keep = np.ones(len(t), dtype=bool)
    if start is not None:
        keep &= t.day >= _day_number(start)
    if end is not None:
        keep &= t.day <= _day_number(end)
    if segments is not None:
        wanted = set(segments)
        codes = [i for i, value in enumerate(t.segments if t.segments is not None else []) if value in wanted]
        keep &= np.isin(t.segment, codes) if t.segment is not None else False
    return t if keep.all() else t.take(keep)


def segment_values(tx: Prepared) -> list[str]:
    """The distinct values of the prepared rows' ``segment`` column that have rows, sorted."""
    t = _prepare(tx)
    if t.segment is None or not len(t):
        return []
    present = np.unique(t.segment[t.segment >= 0])
    return [str(t.segments[i]) for i in present]


def _prepare(tx: pd.DataFrame | _Tx) -> _Tx:
    if isinstance(tx, _Tx):
        return tx
    _require(tx, ("customer_id", "date", "amount"), "transactions")
    cust, customers = _codes(tx["customer_id"])
    day = _as_days(tx["date"])
    amount = tx["amount"].to_numpy(dtype=np.float64)
    order, n_orders = None, 0
    if "order_id" in tx.columns:
        order, uniques = _codes(tx["order_id"])
        n_orders = len(uniques)
        del uniques  # only identity matters; the labels can be millions of strings
        _release_arrow_memory()
        missing = order < 0
        if missing.any():  # a row without an order id is an order of its own
            order[missing] = n_orders + np.arange(int(missing.sum()))
            n_orders += int(missing.sum())
        # An order is (customer, order id). When ids are global (the usual case) the id alone
        # says it; only when one id is shared by several customers is a second key needed.
        lo = np.full(n_orders, np.iinfo(np.int64).max)
        hi = np.full(n_orders, -1)
        np.minimum.at(lo, order, cust)
        np.maximum.at(hi, order, cust)
        if (lo != hi)[order].any():
            order, uniques = pd.factorize(cust * n_orders + order, sort=False)
            order = order.astype(np.int64, copy=False)
            n_orders = len(uniques)
    segment = segments = None
    if "segment" in tx.columns:
        segment, segments = _codes(tx["segment"], sort=True)
    rank = np.zeros(0, dtype=np.int64)
    if len(day):
        lo_day = int(day.min())
        rank = np.argsort(cust * (int(day.max()) - lo_day + 1) + (day - lo_day))
        pick = lambda a: None if a is None else a[rank]  # noqa: E731
        cust, day, amount, order, segment = map(pick, (cust, day, amount, order, segment))
    return _Tx(customers, cust, day, amount, order, n_orders, segment, segments, rank)


# --------------------------------------------------------------------------------------------
# Windows
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Window:
    """A window in day numbers: ``start`` inclusive (None = from the first row), ``end`` and
    ``as_of`` exclusive (the day after the last day included)."""

    start: int | None
    end: int
    as_of: int
    first: int | None  # the first row's day (None when there are no rows)

    @property
    def begin(self) -> int | None:
        return self.start if self.start is not None else self.first

    def years(self) -> float:
        """Length of the window in years (NaN for an empty window)."""
        if self.begin is None or self.end <= self.begin:
            return math.nan
        return (self.end - self.begin) / DAYS_PER_YEAR


def _day_number(value: DateLike) -> int:
    return int(pd.Timestamp(value).normalize().value // _NS_PER_DAY)


def _resolve_window(t: _Tx, start: DateLike, end: DateLike, as_of: DateLike) -> _Window:
    first = int(t.day.min()) if len(t) else None
    if as_of is not None:
        as_of_day = _day_number(as_of) + 1
    else:  # the data are as of their last day, or of the window's end when that is later
        as_of_day = max(int(t.day.max()) + 1 if len(t) else 0,
                        _day_number(end) + 1 if end is not None else 0)
    end_day = as_of_day if end is None else min(as_of_day, _day_number(end) + 1)
    start_day = None if start is None else _day_number(start)
    if start_day is not None and start_day >= end_day:
        raise ValueError("the window's start is after its end (or after the as-of date)")
    return _Window(start_day, end_day, as_of_day, first)


def _in_window(day: np.ndarray, w: _Window) -> np.ndarray:
    mask = day < w.end
    if w.start is not None:
        mask &= day >= w.start
    return mask


def _iso_day(day: int | None) -> str | None:
    return None if day is None else str(np.datetime64(int(day), "D"))


# --------------------------------------------------------------------------------------------
# Scalar figures
# --------------------------------------------------------------------------------------------


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else math.nan


def _check_margin(margin: float | None) -> float:
    if margin is None:
        return 1.0
    if not 0 < margin <= 1:
        raise ValueError(f"margin is a fraction of revenue in (0, 1]; got {margin!r}")
    return float(margin)


def _scalars(t: _Tx, w: _Window, margin: float) -> dict[str, float]:
    o_cust, o_day = t.orders
    to_date = o_day < w.end
    in_window = _in_window(o_day, w)
    n_customers = len(t.customers)
    per_customer = np.bincount(o_cust[in_window], minlength=n_customers)
    orders = int(in_window.sum())
    customers = int(np.count_nonzero(per_customer))
    repeat = int(np.count_nonzero(per_customer >= 2))
    revenue = float(t.amount[_in_window(t.day, w)].sum())
    revenue_to_date = float(t.amount[t.day < w.end].sum())
    customers_to_date = int(np.count_nonzero(np.bincount(o_cust[to_date],
                                                         minlength=n_customers)))
    frequency = _ratio(orders, customers)
    return {
        "customers": customers,
        "orders": orders,
        "revenue": revenue,
        "aov": _ratio(revenue, orders),
        "purchase_frequency": frequency,
        "repeat_purchase_rate": _ratio(repeat, customers),
        "clv_historical": _ratio(revenue_to_date, customers_to_date) * margin,
        "orders_per_customer_per_year": frequency / w.years() if customers else math.nan,
    }


def summary(tx: pd.DataFrame, by: str | None = None, *, start: DateLike = None,
            end: DateLike = None, as_of: DateLike = None,
            margin: float | None = None) -> pd.Series | pd.DataFrame:
    """Headline figures over a window, overall (a Series) or per value of ``by`` (a DataFrame).

    ``customers`` (with >= 1 order in the window), ``orders``, ``revenue`` (currency, net of
    refunds), ``aov`` (revenue / orders), ``purchase_frequency`` (orders / customers),
    ``repeat_purchase_rate`` (fraction of customers with >= 2 orders), ``clv_historical``
    (revenue to the window's end / customers with an order by then, x margin),
    ``orders_per_customer_per_year`` (purchase frequency / window length in years). ``by`` is a
    low-cardinality column such as ``segment``; a group's figures equal those of its rows
    alone over the same window.
    """
    t = _prepare(tx)
    w = _resolve_window(t, start, end, as_of)
    m = _check_margin(margin)
    if by is None:
        return pd.Series(_scalars(t, w, m), dtype=float)
    codes, values = _group_codes(tx, t, by)
    rows = {value: _scalars(t.take(codes == i), w, m) for i, value in enumerate(values)}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis(by)


def _group_codes(tx: pd.DataFrame | _Tx, t: _Tx, by: str) -> tuple[np.ndarray, pd.Index]:
    """Codes of column ``by`` aligned with the prepared (sorted) rows, and the group values."""
    if isinstance(tx, _Tx):
        if by != "segment" or t.segment is None:
            raise ValueError(f"prepared transactions can be grouped by their segment column only, not {by!r}")
        return t.segment, t.segments
    _require(tx, (by,), "transactions")
    if by == "segment":
        return t.segment, t.segments
    codes, values = _codes(tx[by], sort=True)
    return codes[t.rank], values


# --------------------------------------------------------------------------------------------
# Period series: activity, retention, cohorts, revenue retention
# --------------------------------------------------------------------------------------------


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
    partial = bounds[1:] > w.end
    if w.start is not None:
        partial[0] |= bounds[0] < w.start
    series = (t.day >= bounds[0]) & (t.day < w.end)
    if not series.any():
        return _empty_tables(period)

    # Customers' cohorts come from their first order ever (before the series too).
    first_day = t.first_order_day
    has_order = first_day != _NO_DAY
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


def _window_retention(t: _Tx, w: _Window, months: int) -> dict[str, Any]:
    last_end = pd.Timestamp(np.datetime64(w.end, "D"))
    mid = _day_number(last_end - pd.DateOffset(months=months))
    base_start = _day_number(last_end - pd.DateOffset(months=2 * months))
    n_customers = len(t.customers)
    o_cust, o_day = t.orders
    base = np.bincount(o_cust[(o_day >= base_start) & (o_day < mid)], minlength=n_customers) > 0
    earlier = (t.day >= base_start) & (t.day < mid)
    later = (t.day >= mid) & (t.day < w.end)
    before = np.bincount(t.cust[earlier], t.amount[earlier], n_customers)[base]
    after = np.bincount(t.cust[later], t.amount[later], n_customers)[base]
    base_revenue = float(before.sum())
    ok = base_revenue > 0
    return {
        "nrr": float(after.sum()) / base_revenue if ok else math.nan,
        "grr": float(np.minimum(after, before).sum()) / base_revenue if ok else math.nan,
        "base_customers": int(base.sum()), "base_revenue": base_revenue,
        "revenue": float(after.sum()),
        "base_start": _iso_day(base_start), "start": _iso_day(mid), "end": _iso_day(w.end - 1),
        "full_history": bool(w.first is not None and w.first <= base_start),
    }


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


def _annual_churn(retention: pd.DataFrame, period: Period) -> float:
    """1 - (pooled period retention) ** periods per year, over whole periods only."""
    whole = retention[~retention["partial"]]
    base = whole["active_previous"].sum()
    if base == 0:
        return math.nan
    pooled = whole["retained"].sum() / base
    return 1.0 - pooled ** PERIODS_PER_YEAR[period]


def simple_clv(aov: float, orders_per_customer_per_year: float, annual_churn: float,
               margin: float | None = None) -> float:
    """AOV x orders per customer per year x expected lifetime in years (1 / annual churn) x
    margin (currency per customer). NaN when churn is 0 (an endless lifetime) or unknown."""
    if not annual_churn or math.isnan(annual_churn):
        return math.nan
    return aov * orders_per_customer_per_year / annual_churn * _check_margin(margin)


# --------------------------------------------------------------------------------------------
# Surveys
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Acquisition cost
# --------------------------------------------------------------------------------------------


def _cac_table(t: _Tx, spend_day: np.ndarray, spend_amount: np.ndarray, w: _Window,
               period: Period) -> pd.DataFrame:
    pt = _period_tables(t, w, period)
    n = len(pt.periods)
    if n == 0:
        return pd.DataFrame(columns=["spend", "new_customers", "cac"],
                            index=pt.periods.rename("period"))
    p = _day_periods(spend_day, period) - pt.periods[0].ordinal
    inside = (p >= 0) & (p < n) & ~np.isnan(spend_amount)
    total = np.bincount(p[inside], weights=spend_amount[inside], minlength=n)
    known = np.bincount(p[inside], minlength=n) > 0
    spend = np.where(known, total, np.nan)
    cac_values = np.full(n, np.nan)
    ok = known & (pt.new > 0)
    cac_values[ok] = spend[ok] / pt.new[ok]
    return pd.DataFrame({"spend": spend, "new_customers": pt.new.astype(np.int64),
                         "cac": cac_values}, index=pt.periods.rename("period"))


def cac(tx: pd.DataFrame, spend: pd.DataFrame, period: Period = "month", by: str | None = None,
        *, start: DateLike = None, end: DateLike = None,
        as_of: DateLike = None) -> pd.DataFrame:
    """Customer acquisition cost per period: acquisition spend dated in the period (by its
    ``period_start``) / customers whose first order ever falls in the period (currency per
    customer). NaN when the period has no new customer or no spend row.

    Spend should be at the chosen granularity or finer (monthly spend cannot be split into
    weeks). Without ``by`` every spend row counts. With ``by`` (a column of both frames, e.g.
    ``segment``) the result has a (group, period) index and each group's figures equal those
    of its transactions and spend alone.
    """
    _require(spend, ("period_start", "amount"), "spend")
    t = _prepare(tx)
    w = _resolve_window(t, start, end, as_of)
    spend_day = _as_days(spend["period_start"])
    spend_amount = spend["amount"].to_numpy(dtype=float)
    if by is None:
        return _cac_table(t, spend_day, spend_amount, w, period)
    _require(spend, (by,), "spend")
    codes, tx_values = _group_codes(tx, t, by)
    sp_groups = spend[by].to_numpy()
    values = sorted(set(tx_values) | set(pd.unique(spend[by].dropna())))
    position = {v: i for i, v in enumerate(tx_values)}
    tables = {v: _cac_table(t.take(codes == position.get(v, -2)), spend_day[sp_groups == v],
                            spend_amount[sp_groups == v], w, period) for v in values}
    if not tables:
        return pd.DataFrame(columns=["spend", "new_customers", "cac"])
    return pd.concat(tables, names=[by, "period"])


def ltv_to_cac(clv: float, acquisition_cost: float) -> float:
    """CLV (already x margin) / CAC; 3 or more is usually called healthy. NaN if CAC <= 0."""
    return clv / acquisition_cost if acquisition_cost and acquisition_cost > 0 else math.nan


def cac_payback_months(acquisition_cost: float, monthly_margin_per_customer: float) -> float:
    """Months of gross margin per customer needed to repay CAC. NaN if the margin is <= 0."""
    if not monthly_margin_per_customer or monthly_margin_per_customer <= 0:
        return math.nan
    return acquisition_cost / monthly_margin_per_customer


# --------------------------------------------------------------------------------------------
# Report for the CLI and the dashboard
# --------------------------------------------------------------------------------------------


def _json(value: Any) -> Any:
    """Plain Python value for JSON: NaN and inf become None, numpy scalars become int/float."""
    if value is None or isinstance(value, (bool, np.bool_)):
        return None if value is None else bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value


def _segment_figures(t: _Tx, w: _Window, period: Period, margin: float) -> dict[str, Any]:
    return {k: _json(v) for k, v in _segment_raw(t, w, period, margin).items()}


def metrics_report(tx: pd.DataFrame, *, period: Period = "month", start: DateLike = None,
                   end: DateLike = None, as_of: DateLike = None, margin: float | None = None,
                   surveys: pd.DataFrame | None = None,
                   spend: pd.DataFrame | None = None) -> dict[str, Any]:
    """Every transaction metric of DOMAIN.md as a JSON-ready dict (rates are fractions,
    money is in the data's currency, NaN is None).

    Keys: ``period``, ``window`` {start, end, as_of}, ``margin``; the scalar figures of
    :func:`summary` plus ``annual_churn`` (1 - pooled whole-period retention ** periods per
    year) and ``clv_simple``; ``nrr_12m``/``grr_12m`` (:func:`revenue_retention_window`);
    ``active``, ``retention``, ``revenue_retention`` (lists of per-period dicts with a
    ``period`` label) and ``cohorts`` (list of {cohort, size, retention}); ``segments``
    ({segment: scalar figures}) when ``tx`` has a ``segment`` column. With ``surveys``: ``nps``,
    ``csat`` and their response counts; with ``spend``: ``cac`` per period, ``cac_overall``
    (spend / new customers over periods with spend), ``ltv_cac`` (simple CLV, else historical,
    over overall CAC) and ``cac_payback_months``.
    """
    m = _check_margin(margin)
    t = _prepare(tx)
    w = _resolve_window(t, start, end, as_of)
    figures = _scalars(t, w, m)
    pt = _period_tables(t, w, period)
    retention = _retention_frame(pt)
    churn = _annual_churn(retention, period)
    clv_simple = simple_clv(figures["aov"], figures["orders_per_customer_per_year"], churn, m)
    window_nrr = _window_retention(t, w, 12)

    report: dict[str, Any] = {
        "period": period,
        "window": {"start": _iso_day(w.begin), "end": _iso_day(w.end - 1),
                   "as_of": _iso_day(w.as_of - 1)},
        "margin": margin,
        **{k: _json(v) for k, v in figures.items()},
        "annual_churn": _json(churn),
        "clv_simple": _json(clv_simple),
        "nrr_12m": _json(window_nrr["nrr"]),
        "grr_12m": _json(window_nrr["grr"]),
    }
    labels = _labels(pt.periods)
    report["active"] = [
        {"period": labels[i], "active": int(pt.active[i]), "new": int(pt.new[i]),
         "revenue": _json(pt.revenue[i]), "partial": bool(pt.partial[i])}
        for i in range(len(labels))
    ]
    report["retention"] = [
        {"period": period_label(p), "retention_rate": _json(r.retention_rate),
         "churn_rate": _json(r.churn_rate), "active_previous": int(r.active_previous),
         "retained": int(r.retained), "partial": bool(r.partial)}
        for p, r in zip(retention.index, retention.itertuples())
    ]
    rr = _revenue_retention_frame(pt)
    report["revenue_retention"] = [
        {"period": period_label(p), "nrr": _json(r.nrr), "grr": _json(r.grr),
         "base_customers": int(r.base_customers), "base_revenue": _json(r.base_revenue)}
        for p, r in zip(rr.index, rr.itertuples())
    ]
    cohorts = _cohort_frame(pt, counts=False)
    sizes = _cohort_frame(pt, counts=True).iloc[:, 0] if len(cohorts) else []
    report["cohorts"] = [
        {"cohort": period_label(c), "size": int(size),
         "retention": [_json(v) for v in row[~np.isnan(row)]]}
        for c, size, row in zip(cohorts.index, sizes, cohorts.to_numpy())
    ]
    if surveys is not None:
        report.update(_survey_figures(surveys, w))
    if spend is not None:
        report.update(_spend_figures(t, spend, w, period, figures, clv_simple, m))
    if t.segment is not None:
        # Each segment's figures are those of its own rows (and survey responses and spend
        # rows when these have segments too), over the same window.
        segments = {}
        for i, name in enumerate(t.segments):
            part = t.take(t.segment == i)
            seg = _segment_figures(part, w, period, m)
            if surveys is not None and "segment" in surveys.columns:
                seg.update(_survey_figures(surveys[surveys["segment"] == name], w))
            if spend is not None and "segment" in spend.columns:
                raw = _segment_raw(part, w, period, m)
                seg.update(_spend_figures(part, spend[spend["segment"] == name], w, period,
                                          raw, raw["clv_simple"], m))
            segments[str(name)] = seg
        report["segments"] = segments
    return report


def _segment_raw(t: _Tx, w: _Window, period: Period, margin: float) -> dict[str, float]:
    figures = _scalars(t, w, margin)
    churn = _annual_churn(_retention_frame(_period_tables(t, w, period)), period)
    figures["annual_churn"] = churn
    figures["clv_simple"] = simple_clv(figures["aov"], figures["orders_per_customer_per_year"],
                                       churn, margin)
    return figures


def _survey_figures(surveys: pd.DataFrame, w: _Window) -> dict[str, Any]:
    _require(surveys, ("date",), "survey responses")
    inside = _in_window(_as_days(surveys["date"]), w)
    chosen = surveys[inside]
    out: dict[str, Any] = {}
    if "nps" in chosen.columns:
        out["nps"] = _json(nps(chosen))
        out["nps_responses"] = int(chosen["nps"].notna().sum())
    if "csat" in chosen.columns:
        out["csat"] = _json(csat(chosen))
        out["csat_responses"] = int(chosen["csat"].notna().sum())
    return out


def _spend_figures(t: _Tx, spend: pd.DataFrame, w: _Window, period: Period,
                   figures: dict[str, float], clv_simple: float,
                   margin: float) -> dict[str, Any]:
    _require(spend, ("period_start", "amount"), "spend")
    table = _cac_table(t, _as_days(spend["period_start"]),
                       spend["amount"].to_numpy(dtype=float), w, period)
    known = table["spend"].notna()
    overall = _ratio(float(table.loc[known, "spend"].sum()),
                     float(table.loc[known, "new_customers"].sum()))
    clv = clv_simple if not math.isnan(clv_simple) else figures["clv_historical"]
    monthly_margin = figures["orders_per_customer_per_year"] * figures["aov"] / 12 * margin
    return {
        "cac": [{"period": period_label(p), "spend": _json(r.spend),
                 "new_customers": int(r.new_customers), "cac": _json(r.cac)}
                for p, r in zip(table.index, table.itertuples())],
        "cac_overall": _json(overall),
        "ltv_cac": _json(ltv_to_cac(clv, overall)),
        "ltv_basis": "simple" if not math.isnan(clv_simple) else "historical",
        "cac_payback_months": _json(cac_payback_months(overall, monthly_margin)),
    }


# --------------------------------------------------------------------------------------------
# Plain-text table
# --------------------------------------------------------------------------------------------


def _fmt_money(v: Any) -> str:
    return "n/a" if v is None else f"{v:,.2f}"


def _fmt_pct(v: Any) -> str:
    return "n/a" if v is None else f"{100 * v:.1f} %"


def _fmt_num(v: Any, digits: int = 2) -> str:
    if v is None:
        return "n/a"
    return f"{v:,}" if isinstance(v, int) else f"{v:,.{digits}f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(header)]
    line = lambda cells: "  ".join(  # noqa: E731
        c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return [line(header), line(["-" * w for w in widths])] + [line(r) for r in rows]


def format_metrics_table(report: dict[str, Any], *, max_cohorts: int = 24,
                         max_offsets: int = 12) -> str:
    """The report of :func:`metrics_report` as plain text for a terminal. Rates are shown as
    percentages; long cohort tables are cut to the latest ``max_cohorts`` cohorts and the
    first ``max_offsets`` periods (``--json`` has everything)."""
    win = report["window"]
    out = [f"Customer metrics by {report['period']}, {win['start']} to {win['end']} "
           f"(as of {win['as_of']})"
           + (f", margin {_fmt_pct(report['margin'])}" if report.get("margin") else ""), ""]
    headline = [
        ("Customers", _fmt_num(report["customers"])),
        ("Orders", _fmt_num(report["orders"])),
        ("Revenue", _fmt_money(report["revenue"])),
        ("Average order value", _fmt_money(report["aov"])),
        ("Purchase frequency (orders per customer)", _fmt_num(report["purchase_frequency"])),
        ("Repeat purchase rate", _fmt_pct(report["repeat_purchase_rate"])),
        ("Orders per customer per year", _fmt_num(report["orders_per_customer_per_year"])),
        ("Annual churn", _fmt_pct(report["annual_churn"])),
        ("Historical CLV", _fmt_money(report["clv_historical"])),
        ("Simple CLV", _fmt_money(report["clv_simple"])),
        ("NRR, last 12 months", _fmt_pct(report["nrr_12m"])),
        ("GRR, last 12 months", _fmt_pct(report["grr_12m"])),
    ]
    for key, label, fmt in (("nps", "NPS", lambda v: _fmt_num(v, 1)), ("csat", "CSAT", _fmt_pct),
                            ("cac_overall", "CAC", _fmt_money),
                            ("ltv_cac", "LTV:CAC", lambda v: _fmt_num(v, 1)),
                            ("cac_payback_months", "CAC payback (months)",
                             lambda v: _fmt_num(v, 1))):
        if key in report:
            headline.append((label, fmt(report[key])))
    width = max(len(label) for label, _ in headline)
    out += [f"  {label.ljust(width)}  {value}" for label, value in headline]

    if report["retention"]:
        out += ["", "Period retention ('*' = period cut short by the window)"]
        rows = [[r["period"] + ("*" if r["partial"] else ""), _fmt_num(r["active_previous"]),
                 _fmt_num(r["retained"]), _fmt_pct(r["retention_rate"]),
                 _fmt_pct(r["churn_rate"])] for r in report["retention"]]
        out += ["  " + s for s in _table(["period", "active before", "retained", "retention",
                                          "churn"], rows)]
    if report["revenue_retention"]:
        out += ["", "Revenue retention (customers active in the period before)"]
        rows = [[r["period"], _fmt_num(r["base_customers"]), _fmt_pct(r["nrr"]),
                 _fmt_pct(r["grr"])] for r in report["revenue_retention"]]
        out += ["  " + s for s in _table(["period", "base customers", "NRR", "GRR"], rows)]
    cohorts = report["cohorts"]
    if cohorts:
        shown = cohorts[-max_cohorts:]
        offsets = min(max_offsets, max(len(c["retention"]) for c in shown))
        note = f" (latest {len(shown)} of {len(cohorts)})" if len(shown) < len(cohorts) else ""
        out += ["", f"Cohort retention, share of cohort active k periods after its first{note}"]
        rows = [[c["cohort"], _fmt_num(c["size"])]
                + [f"{100 * v:.0f}%" if v is not None else "" for v in c["retention"][:offsets]]
                + [""] * (offsets - len(c["retention"][:offsets])) for c in shown]
        out += ["  " + s for s in _table(["cohort", "size"] + [str(k) for k in range(offsets)],
                                         rows)]
    if report.get("segments"):
        out += ["", "Segments"]
        rows = [[name, _fmt_num(s["customers"]), _fmt_num(s["orders"]),
                 _fmt_money(s["revenue"]), _fmt_money(s["aov"]),
                 _fmt_num(s["purchase_frequency"]), _fmt_pct(s["repeat_purchase_rate"]),
                 _fmt_money(s["clv_historical"])] for name, s in report["segments"].items()]
        out += ["  " + s for s in _table(["segment", "customers", "orders", "revenue", "AOV",
                                          "frequency", "repeat rate", "hist. CLV"], rows)]
    return "\n".join(out) + "\n"
