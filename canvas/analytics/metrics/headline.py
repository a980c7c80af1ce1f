"""Headline figures over a window: customers, orders, revenue, AOV, frequency, repeat rate,
historical CLV and orders per customer per year.

**Undefined ratios are NaN, never inf** (here and in every figure of the package): a ratio
over zero customers or orders is NaN, and report dicts turn NaN into ``None``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from canvas.analytics.metrics.prepare import DateLike, _group_codes, _in_window, _prepare, _resolve_window, _Tx, _Window


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else math.nan


def _check_margin(margin: float | None) -> float:
    if margin is None:
        return 1.0
    if not 0 < margin <= 1:
        raise ValueError(f"margin is a fraction of revenue in (0, 1]; got {margin!r}")
    return float(margin)


@dataclass(frozen=True)
class _Counts:
    """What the headline figures are computed from, each a sum over customers, so that the
    counts of disjoint sets of customers add up to those of their union."""

    customers: int  # with >= 1 order in the window
    orders: int  # in the window
    repeat: int  # customers with >= 2 orders in the window
    revenue: float  # amounts dated in the window
    revenue_to_date: float  # amounts to the window's end
    customers_to_date: int  # with >= 1 order by the window's end

    def __add__(self, other: _Counts) -> _Counts:
        return _Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def _counts(t: _Tx, w: _Window) -> _Counts:
    o_cust, o_day = t.orders
    to_date = o_day < w.end
    in_window = _in_window(o_day, w)
    n_customers = len(t.customers)
    per_customer = np.bincount(o_cust[in_window], minlength=n_customers)
    return _Counts(
        customers=int(np.count_nonzero(per_customer)),
        orders=int(in_window.sum()),
        repeat=int(np.count_nonzero(per_customer >= 2)),
        revenue=float(t.amount[_in_window(t.day, w)].sum()),
        revenue_to_date=float(t.amount[t.day < w.end].sum()),
        customers_to_date=int(np.count_nonzero(np.bincount(o_cust[to_date],
                                                           minlength=n_customers))),
    )


def _headline(c: _Counts, w: _Window, margin: float) -> dict[str, float]:
    frequency = _ratio(c.orders, c.customers)
    return {
        "customers": c.customers,
        "orders": c.orders,
        "revenue": c.revenue,
        "aov": _ratio(c.revenue, c.orders),
        "purchase_frequency": frequency,
        "repeat_purchase_rate": _ratio(c.repeat, c.customers),
        "clv_historical": _ratio(c.revenue_to_date, c.customers_to_date) * margin,
        "orders_per_customer_per_year": frequency / w.years() if c.customers else math.nan,
    }


def _scalars(t: _Tx, w: _Window, margin: float) -> dict[str, float]:
    return _headline(_counts(t, w), w, margin)


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
