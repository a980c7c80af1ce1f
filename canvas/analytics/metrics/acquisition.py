"""Acquisition: customer acquisition cost (CAC) per period, LTV:CAC and CAC payback."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from canvas.analytics.metrics.periods import Period, _day_periods
from canvas.analytics.metrics.prepare import (
    DateLike,
    _as_days,
    _group_codes,
    _prepare,
    _require,
    _resolve_window,
    _Tx,
    _Window,
)
from canvas.analytics.metrics.tables import _period_tables, _PeriodTables


def _cac_table(t: _Tx, spend_day: np.ndarray, spend_amount: np.ndarray, w: _Window,
               period: Period) -> pd.DataFrame:
    return _cac_frame(_period_tables(t, w, period), spend_day, spend_amount, period)


def _cac_frame(pt: _PeriodTables, spend_day: np.ndarray, spend_amount: np.ndarray,
               period: Period) -> pd.DataFrame:
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
