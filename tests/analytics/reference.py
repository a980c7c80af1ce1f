"""A deliberately plain reference for every figure of ``metrics_report``, to test engines against.

Written from ``DOMAIN.md`` and the docstrings of ``canvas/analytics/metrics`` (``prepare.py``
decides the edge cases DOMAIN.md leaves open), not from the engine's code: sets of customers,
Python loops over orders and periods, one pandas filter at a time. It is slow and meant to be
read; only small frames (tens of rows) go through it. The rules it follows:

* **Days.** Dates count by calendar day (the time of day is dropped).
* **Order.** A customer's distinct order id among the rows with a positive amount, or one such
  row when there is no ``order_id`` (or its ``order_id`` is missing); two customers sharing an
  id have two orders. Its day is that of its earliest positive row. Rows <= 0 are never orders.
* **Revenue** is the sum of every amount (refunds included) by the row's own day.
* **Window.** ``as_of`` defaults to the last row's day, or ``end`` when later; ``end`` defaults to
  ``as_of`` and never passes it; ``start`` after ``end`` is an error. Scalar figures count what
  is dated in [start, end] (no lower bound without ``start``, which is the same as "from the
  first row"); ``begin`` is ``start`` or the first row's day.
* **Periods** run from the period holding ``begin`` to the one holding ``end``, each whole at
  its start (the first one is widened back to its own first day), the last one cut at ``end``
  and then flagged ``partial``. A window with no rows in that span has no periods.
* **Active in P**: at least one order dated in P (up to ``end``). **New in P**: the customer's
  first order in all history up to ``end`` is dated in P; that period is their cohort.
* **Twelve-month NRR/GRR**: the twelve months ending with ``end`` against the twelve before,
  for the customers with an order in the earlier twelve.
* **Segments**: each segment's figures are those of its rows alone over the same window (and
  of its survey responses and spend rows when these have a ``segment`` column).
* Undefined ratios are NaN, reported as ``None``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pandas as pd

from canvas.analytics.metrics import DAYS_PER_YEAR, PERIODS_PER_YEAR

ONE_DAY = pd.Timedelta(days=1)


def reference_report(tx: pd.DataFrame, *, period: str = "month", start: Any = None,
                     end: Any = None, as_of: Any = None, margin: float | None = None,
                     surveys: pd.DataFrame | None = None,
                     spend: pd.DataFrame | None = None) -> dict[str, Any]:
    """The dict ``metrics_report`` should return for the same arguments (NaN as None)."""
    if margin is not None and not 0 < margin <= 1:
        raise ValueError("margin is a fraction in (0, 1]")
    rows = plain_rows(tx)
    w = resolve_window(rows, start, end, as_of)
    m = 1.0 if margin is None else margin

    report: dict[str, Any] = {
        "period": period,
        "window": {"start": _iso(w.begin), "end": _iso(w.end), "as_of": _iso(w.as_of)},
        "margin": margin,
    }
    figures, periods = _figures(rows, w, period, m)
    report.update({k: _json(v) for k, v in figures.items()})
    report.update({k: _json(v) for k, v in _twelve_month_retention(rows, orders_of(rows), w).items()})
    report["active"] = [
        {"period": p.label, "active": len(p.active), "new": len(p.new), "revenue": _json(p.revenue),
         "partial": p.partial}
        for p in periods
    ]
    report["retention"] = [
        {"period": r["period"], "retention_rate": _json(r["rate"]), "churn_rate": _json(1 - r["rate"]),
         "active_previous": r["active_previous"], "retained": r["retained"], "partial": r["partial"]}
        for r in _retention(periods)
    ]
    report["revenue_retention"] = _revenue_retention(periods)
    report["cohorts"] = _cohorts(periods)
    if surveys is not None:
        report.update(_survey_figures(surveys, w))
    if spend is not None:
        report.update(_spend_figures(spend, periods, period, figures, m))
    if "segment" in rows.columns:
        segments = {}
        for name in sorted(rows["segment"].dropna().unique()):
            mine, periods_of_segment = _figures(rows[rows["segment"] == name], w, period, m)
            seg = {k: _json(v) for k, v in mine.items()}
            if surveys is not None and "segment" in surveys.columns:
                seg.update(_survey_figures(surveys[surveys["segment"] == name], w))
            if spend is not None and "segment" in spend.columns:
                seg.update(_spend_figures(spend[spend["segment"] == name], periods_of_segment, period,
                                              mine, m))
            segments[str(name)] = seg
        report["segments"] = segments
    return report


# --------------------------------------------------------------------------------------------
# Rows, orders, window
# --------------------------------------------------------------------------------------------


def plain_rows(tx: pd.DataFrame) -> pd.DataFrame:
    """customer_id, day, amount, order_id (None when absent) and segment (when present)."""
    rows = pd.DataFrame({
        "customer_id": tx["customer_id"].to_list(),
        "day": pd.to_datetime(tx["date"]).dt.normalize().to_list(),
        "amount": tx["amount"].astype(float).to_list(),
        "order_id": tx["order_id"].to_list() if "order_id" in tx.columns else [None] * len(tx),
    })
    if "segment" in tx.columns:
        rows["segment"] = tx["segment"].to_list()
    return rows


def orders_of(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per order: its customer and its day (that of its earliest positive row)."""
    day_of: dict[tuple, pd.Timestamp] = {}
    for i, (customer, day, amount, order_id) in enumerate(
            zip(rows["customer_id"], rows["day"], rows["amount"], rows["order_id"])):
        if not amount > 0:
            continue  # refunds and zero rows are never orders
        key = (customer, "row", i) if order_id is None or pd.isna(order_id) else (customer, "id", order_id)
        day_of[key] = min(day_of.get(key, day), day)
    return pd.DataFrame({"customer_id": pd.Series([key[0] for key in day_of], dtype=object),
                         "day": pd.to_datetime(list(day_of.values()))})


@dataclass(frozen=True)
class Window:
    """Calendar days, all inclusive; ``start`` None means no lower bound."""

    start: pd.Timestamp | None
    begin: pd.Timestamp | None  # start, else the first row's day
    end: pd.Timestamp
    as_of: pd.Timestamp

    def holds(self, days: pd.Series) -> pd.Series:
        inside = days <= self.end
        if self.start is not None:
            inside &= days >= self.start
        return inside

    def years(self) -> float:
        if self.begin is None or self.begin > self.end:
            return math.nan
        return ((self.end - self.begin).days + 1) / DAYS_PER_YEAR


def _day(value: Any) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def resolve_window(rows: pd.DataFrame, start: Any, end: Any, as_of: Any) -> Window:
    if as_of is not None:
        as_of_day = _day(as_of)
    else:
        candidates = list(rows["day"]) + ([_day(end)] if end is not None else [])
        as_of_day = max(candidates)
    end_day = as_of_day if end is None else min(_day(end), as_of_day)
    start_day = None if start is None else _day(start)
    if start_day is not None and start_day > end_day:
        raise ValueError("start after end")
    begin = start_day if start_day is not None else (min(rows["day"]) if len(rows) else None)
    return Window(start_day, begin, end_day, as_of_day)


# --------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------


def period_start(day: pd.Timestamp, period: str) -> pd.Timestamp:
    if period == "month":
        return pd.Timestamp(day.year, day.month, 1)
    if period == "quarter":
        return pd.Timestamp(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day - pd.Timedelta(days=day.weekday())  # ISO weeks start on Monday


def _next_period(first_day: pd.Timestamp, period: str) -> pd.Timestamp:
    if period == "month":
        return first_day + pd.DateOffset(months=1)
    if period == "quarter":
        return first_day + pd.DateOffset(months=3)
    return first_day + pd.Timedelta(days=7)


def _label(first_day: pd.Timestamp, period: str) -> str:
    if period == "month":
        return f"{first_day.year:04d}-{first_day.month:02d}"
    if period == "quarter":
        return f"{first_day.year}-Q{(first_day.month - 1) // 3 + 1}"
    iso = first_day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


@dataclass
class PeriodFacts:
    first_day: pd.Timestamp
    label: str
    active: set  # customers with an order dated in the period
    new: set  # customers whose first order up to the window's end is dated in the period
    revenue_of: dict  # customer -> their revenue in the period (refunds included)
    revenue: float
    partial: bool


def _periods(rows: pd.DataFrame, orders: pd.DataFrame, w: Window, period: str) -> list[PeriodFacts]:
    if w.begin is None or w.begin > w.end:
        return []
    first = period_start(w.begin, period)
    rows = rows[(rows["day"] >= first) & (rows["day"] <= w.end)]
    if rows.empty:
        return []
    orders = orders[orders["day"] <= w.end]
    active_in: dict[pd.Timestamp, set] = defaultdict(set)
    for customer, day in zip(orders["customer_id"], orders["day"]):
        active_in[period_start(day, period)].add(customer)
    new_in: dict[pd.Timestamp, set] = defaultdict(set)
    for customer, day in orders.groupby("customer_id")["day"].min().items():
        new_in[period_start(day, period)].add(customer)
    revenue_in: dict[pd.Timestamp, dict] = defaultdict(lambda: defaultdict(float))
    for customer, day, amount in zip(rows["customer_id"], rows["day"], rows["amount"]):
        revenue_in[period_start(day, period)][customer] += amount
    out = []
    p = first
    while p <= w.end:
        following = _next_period(p, period)
        revenue_of = dict(revenue_in[p])
        out.append(PeriodFacts(first_day=p, label=_label(p, period), active=active_in[p],
                               new=new_in[p], revenue_of=revenue_of,
                               revenue=float(sum(revenue_of.values())),
                               partial=following - ONE_DAY > w.end))
        p = following
    return out


def _retention(periods: list[PeriodFacts]) -> list[dict[str, Any]]:
    out = []
    for before, now in zip(periods, periods[1:]):
        retained = len(before.active & now.active)
        out.append({"period": now.label, "active_previous": len(before.active), "retained": retained,
                    "rate": _ratio(retained, len(before.active)),
                    "partial": before.partial or now.partial})
    return out


def _revenue_retention(periods: list[PeriodFacts]) -> list[dict[str, Any]]:
    out = []
    for before, now in zip(periods, periods[1:]):
        base = before.active
        base_revenue = sum(before.revenue_of.get(c, 0.0) for c in base)
        kept = sum(now.revenue_of.get(c, 0.0) for c in base)
        capped = sum(min(now.revenue_of.get(c, 0.0), before.revenue_of.get(c, 0.0)) for c in base)
        out.append({"period": now.label,
                    "nrr": _json(kept / base_revenue if base_revenue > 0 else math.nan),
                    "grr": _json(capped / base_revenue if base_revenue > 0 else math.nan),
                    "base_customers": len(base), "base_revenue": _json(float(base_revenue))})
    return out


def _cohorts(periods: list[PeriodFacts]) -> list[dict[str, Any]]:
    out = []
    for i, p in enumerate(periods):
        members = p.new
        if members:
            out.append({"cohort": p.label, "size": len(members),
                        "retention": [len(members & later.active) / len(members) for later in periods[i:]]})
    return out


def _annual_churn(periods: list[PeriodFacts], period: str) -> float:
    whole = [r for r in _retention(periods) if not r["partial"]]
    base = sum(r["active_previous"] for r in whole)
    if base == 0:
        return math.nan
    return 1 - (sum(r["retained"] for r in whole) / base) ** PERIODS_PER_YEAR[period]


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------


def _figures(rows: pd.DataFrame, w: Window, period: str,
             margin: float) -> tuple[dict[str, Any], list[PeriodFacts]]:
    """The scalar figures of these rows (with annual churn and simple CLV), and their periods."""
    orders = orders_of(rows)
    inside = orders[w.holds(orders["day"])]
    orders_per_customer = inside.groupby("customer_id").size()
    n_orders, n_customers = len(inside), len(orders_per_customer)
    revenue = float(rows.loc[w.holds(rows["day"]), "amount"].sum())
    revenue_to_date = float(rows.loc[rows["day"] <= w.end, "amount"].sum())
    customers_to_date = orders.loc[orders["day"] <= w.end, "customer_id"].nunique()
    aov = _ratio(revenue, n_orders)
    frequency = _ratio(n_orders, n_customers)
    per_year = frequency / w.years() if n_customers else math.nan
    periods = _periods(rows, orders, w, period)
    churn = _annual_churn(periods, period)
    clv_simple = math.nan if math.isnan(churn) or churn == 0 else aov * per_year / churn * margin
    return {
        "customers": n_customers,
        "orders": n_orders,
        "revenue": revenue,
        "aov": aov,
        "purchase_frequency": frequency,
        "repeat_purchase_rate": _ratio(int((orders_per_customer >= 2).sum()), n_customers),
        "clv_historical": _ratio(revenue_to_date, customers_to_date) * margin,
        "orders_per_customer_per_year": per_year,
        "annual_churn": churn,
        "clv_simple": clv_simple,
    }, periods


def _twelve_month_retention(rows: pd.DataFrame, orders: pd.DataFrame, w: Window) -> dict[str, float]:
    after_end = w.end + ONE_DAY
    middle = after_end - pd.DateOffset(months=12)
    base_start = after_end - pd.DateOffset(months=24)
    base = {c for c, day in zip(orders["customer_id"], orders["day"]) if base_start <= day < middle}
    before, after = dict.fromkeys(base, 0.0), dict.fromkeys(base, 0.0)
    for customer, day, amount in zip(rows["customer_id"], rows["day"], rows["amount"]):
        if customer in base and base_start <= day < middle:
            before[customer] += amount
        elif customer in base and middle <= day < after_end:
            after[customer] += amount
    base_revenue = sum(before.values())
    if not base_revenue > 0:
        return {"nrr_12m": math.nan, "grr_12m": math.nan}
    return {"nrr_12m": sum(after.values()) / base_revenue,
            "grr_12m": sum(min(after[c], before[c]) for c in base) / base_revenue}


def _survey_figures(surveys: pd.DataFrame, w: Window) -> dict[str, Any]:
    chosen = surveys[w.holds(pd.to_datetime(surveys["date"]).dt.normalize())]
    out: dict[str, Any] = {}
    if "nps" in chosen.columns:
        scores = chosen["nps"].dropna()
        promoters, detractors = int((scores >= 9).sum()), int((scores <= 6).sum())
        out["nps"] = _json(100 * (promoters - detractors) / len(scores) if len(scores) else math.nan)
        out["nps_responses"] = len(scores)
    if "csat" in chosen.columns:
        scores = chosen["csat"].dropna()
        out["csat"] = _json(int((scores >= 4).sum()) / len(scores) if len(scores) else math.nan)
        out["csat_responses"] = len(scores)
    return out


def _spend_figures(spend: pd.DataFrame, periods: list[PeriodFacts], period: str,
                   figures: dict[str, Any], margin: float) -> dict[str, Any]:
    spend = spend[spend["amount"].notna()]
    spend_periods = [period_start(_day(day), period) for day in spend["period_start"]]
    table: list[dict[str, Any]] = []
    for p in periods:
        amounts = [a for a, first_day in zip(spend["amount"], spend_periods) if first_day == p.first_day]
        spent = float(sum(amounts)) if amounts else math.nan
        new = len(p.new)
        table.append({"period": p.label, "spend": spent, "new_customers": new,
                      "cac": spent / new if amounts and new else math.nan})
    known = [r for r in table if not math.isnan(r["spend"])]
    overall = _ratio(sum(r["spend"] for r in known), sum(r["new_customers"] for r in known))
    simple = figures["clv_simple"]
    clv = simple if not math.isnan(simple) else figures["clv_historical"]
    monthly_margin = figures["orders_per_customer_per_year"] * figures["aov"] / 12 * margin
    return {
        "cac": [{k: _json(v) for k, v in r.items()} for r in table],
        "cac_overall": _json(overall),
        "ltv_cac": _json(clv / overall if overall > 0 else math.nan),
        "ltv_basis": "simple" if not math.isnan(simple) else "historical",
        "cac_payback_months": _json(overall / monthly_margin if monthly_margin > 0 else math.nan),
    }


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else math.nan


def _iso(day: pd.Timestamp | None) -> str | None:
    return None if day is None else day.strftime("%Y-%m-%d")


def _json(value: Any) -> Any:
    """NaN and infinities as None, NumPy numbers as Python ones."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int) or (hasattr(value, "dtype") and value.dtype.kind in "iu"):
        return int(value)
    value = float(value)
    return value if math.isfinite(value) else None
