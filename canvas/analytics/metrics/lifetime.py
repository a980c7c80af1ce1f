"""Simple CLV: average order value x orders per customer per year x expected lifetime.

**Annual churn** is 1 - r ** (periods per year), r being the retention pooled over the
window's whole periods (sum of retained / sum of A(P-1)); simple CLV's orders per customer
per year are the window's purchase frequency / its length in years.
"""

from __future__ import annotations

import math

import pandas as pd

from canvas.analytics.metrics.headline import _check_margin
from canvas.analytics.metrics.periods import PERIODS_PER_YEAR, Period


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
