"""Prepared transactions and windows: the rows every figure is computed from.

Work is vectorised over integer codes: customers are factorised and rows sorted by customer
and day once (:func:`prepare`), periods are integer ordinals, and sets of (customer, period)
pairs are int64 keys that come out of that sort already ordered, so no figure loops over
customers or rows (one million transactions: the whole report in about a second).

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
* **Windows.** ``start``/``end``/``as_of`` are calendar days, inclusive. ``as_of`` (default:
  the last transaction's day, or ``end`` when that is later) is when the data end; rows after
  it are ignored. ``end`` defaults to ``as_of``. Scalar figures (orders, customers,
  revenue, ...) use the exact window; period series (retention, cohorts, NRR/GRR, CAC) are
  widened back to the start of the period that holds ``start``, so that every period is whole
  at its start, and a period cut short by ``end`` is flagged ``partial``. A customer's first
  order (their cohort, whether they are new for CAC) is looked up in all history up to
  ``end``, not only inside the window. Historical CLV counts all revenue up to ``end``.
* **Segments.** A figure for a segment equals the figure computed on that segment's rows
  alone; a customer with rows in two segments counts in both.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeAlias

import numpy as np
import pandas as pd

from canvas.analytics.metrics.periods import _NS_PER_DAY, DAYS_PER_YEAR

_NO_DAY = np.iinfo(np.int64).max  # "no order yet" in per-customer first-order arrays
DateLike: TypeAlias = str | dt.date | dt.datetime | pd.Timestamp | np.datetime64 | None


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
    if t.segment is None or t.segments is None or not len(t):
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
    return _from_codes(cust, customers, day, amount, order, n_orders, segment, segments)


def _from_codes(cust: np.ndarray, customers: pd.Index, day: np.ndarray, amount: np.ndarray,
                order: np.ndarray | None, n_orders: int, segment: np.ndarray | None,
                segments: pd.Index | None) -> _Tx:
    """Rows given as codes (customer and order codes from 0, one customer's orders distinct
    from every other's), sorted by customer then day once."""
    rank = np.zeros(0, dtype=np.int64)
    if len(day):
        lo_day = int(day.min())
        rank = np.argsort(cust * (int(day.max()) - lo_day + 1) + (day - lo_day))
        cust, day, amount = cust[rank], day[rank], amount[rank]
        order = None if order is None else order[rank]
        segment = None if segment is None else segment[rank]
    return _Tx(customers, cust, day, amount, order, n_orders, segment, segments, rank)


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
    first, last = (int(t.day.min()), int(t.day.max())) if len(t) else (None, None)
    return _window_of_days(first, last, start, end, as_of)


def _window_of_days(first: int | None, last: int | None, start: DateLike, end: DateLike,
                    as_of: DateLike) -> _Window:
    """The window of data whose rows run from day ``first`` to day ``last`` (None: no rows),
    so that data read in parts get the window of the whole."""
    if as_of is not None:
        as_of_day = _day_number(as_of) + 1
    else:  # the data are as of their last day, or of the window's end when that is later
        as_of_day = max(last + 1 if last is not None else 0,
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


def _group_codes(tx: pd.DataFrame | _Tx, t: _Tx, by: str) -> tuple[np.ndarray, pd.Index]:
    """Codes of column ``by`` aligned with the prepared (sorted) rows, and the group values."""
    if isinstance(tx, _Tx):
        if by != "segment" or t.segment is None or t.segments is None:
            raise ValueError(f"prepared transactions can be grouped by their segment column only, not {by!r}")
        return t.segment, t.segments
    _require(tx, (by,), "transactions")
    if by == "segment" and t.segment is not None and t.segments is not None:
        return t.segment, t.segments  # the column was factorised (sorted) by prepare already
    codes, values = _codes(tx[by], sort=True)
    return codes[t.rank], values
