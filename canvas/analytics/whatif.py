"""The what-if: a founder's measured month projected forward, with retention, relationship cost
and CAC changed, and the articles' retention claim checked on the founder's own numbers.

Pure, no Streamlit. Monthly throughout: retention is a monthly fraction, costs are in the
canvas currency per customer a month (CAC per new customer), margin is a fraction of revenue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from canvas.analytics import metrics
from canvas.analytics.filters import Filters
from canvas.analytics.tiles import Tile, complete
from canvas.domain.relationships import monthly_cost_per_customer


@dataclass(frozen=True)
class Baseline:
    """Monthly figures measured on the founder's data; the projection starts from them."""

    active_customers: float
    retention: float  # monthly, fraction
    new_per_month: float
    revenue_per_active: float  # per active customer per month
    cost_per_customer: float  # relationship cost per active customer per month
    cac: float  # per new customer
    margin: float  # gross margin, fraction of revenue


def whatif_baseline(tx: pd.DataFrame | metrics.Prepared, *, cost_per_customer: float, cac: float | None,
                    margin: float = 0.5) -> Baseline:
    """Measured on complete months: active customers (last), retention (mean of the last 3),
    new customers (mean of the last 6), revenue per active customer (last 3)."""
    tx = metrics.prepare(tx)
    active = complete(metrics.active_customers(tx, "month"))
    retention = complete(metrics.period_retention(tx, "month"))["retention_rate"].dropna()
    if active.empty:
        raise ValueError("no complete month of data to project from")
    last3 = active.tail(3)
    return Baseline(
        active_customers=float(active["active"].iloc[-1]),
        retention=float(retention.tail(3).mean()) if len(retention) else 0.0,
        new_per_month=float(active["new"].tail(6).mean()),
        revenue_per_active=float(last3["revenue"].sum() / max(last3["active"].sum(), 1)),
        cost_per_customer=float(cost_per_customer),
        cac=float(cac or 0.0),
        margin=float(margin),
    )


def whatif_scenario(baseline: Baseline, *, retention_points: float = 0.0, cost_delta: float = 0.0,
                    cac_delta: float = 0.0) -> Baseline:
    """The baseline with the what-if's changes applied: retention in points (kept within 0-99.9 %),
    relationship cost and CAC in currency (never below zero)."""
    return replace(
        baseline,
        retention=min(max(baseline.retention + retention_points / 100, 0.0), 0.999),
        cost_per_customer=max(baseline.cost_per_customer + cost_delta, 0.0),
        cac=max(baseline.cac + cac_delta, 0.0),
    )


def project(baseline: Baseline, *, months: int = 24, retention_points: float = 0.0, cost_delta: float = 0.0,
            cac_delta: float = 0.0) -> pd.DataFrame:
    """Month-by-month customers, revenue, costs and profit for the baseline and the scenario.

    customers(m+1) = customers(m) × retention + new; revenue = customers × revenue per active
    customer; profit = revenue × margin − customers × relationship cost − new × CAC.
    """
    scenario = whatif_scenario(baseline, retention_points=retention_points, cost_delta=cost_delta,
                               cac_delta=cac_delta)
    frames = [_run(baseline, months).assign(scenario="baseline"), _run(scenario, months).assign(scenario="scenario")]
    return pd.concat(frames, ignore_index=True)


def _run(b: Baseline, months: int) -> pd.DataFrame:
    steps = np.arange(months)
    # Closed form of c(m+1) = c(m) r + n: no loop, exact.
    r = b.retention
    growth = r ** steps
    customers = b.active_customers * growth + b.new_per_month * (
        (1 - growth) / (1 - r) if r != 1 else steps)
    revenue = customers * b.revenue_per_active
    relationship = customers * b.cost_per_customer
    acquisition = np.full(months, b.new_per_month * b.cac)
    profit = revenue * b.margin - relationship - acquisition
    return pd.DataFrame({"month": steps + 1, "customers": customers, "revenue": revenue,
                         "relationship_cost": relationship, "acquisition_cost": acquisition, "profit": profit})


def assumptions(baseline: Baseline, *, months: int, retention_points: float, cost_delta: float,
                cac_delta: float, currency: str) -> list[str]:
    b = baseline
    return [
        f"Starts from {b.active_customers:,.0f} active customers (the last complete month).",
        f"Monthly retention {b.retention:.1%} (mean of the last 3 complete months)"
        + (f", {retention_points:+.1f} points in the scenario." if retention_points else "."),
        f"{b.new_per_month:,.0f} new customers a month (mean of the last 6 complete months), in both.",
        f"{b.revenue_per_active:,.2f} {currency} revenue per active customer a month (last 3 months).",
        f"Gross margin {b.margin:.0%} of revenue.",
        f"Relationship cost {b.cost_per_customer:,.2f} {currency} per customer a month"
        + (f", {cost_delta:+,.2f} in the scenario." if cost_delta else "."),
        f"CAC {b.cac:,.2f} {currency} per new customer"
        + (f", {cac_delta:+,.2f} in the scenario." if cac_delta else "."),
        f"Projected over {months} months; no discounting, prices and behaviour otherwise unchanged.",
    ]


def retention_claim_check(baseline: Baseline, *, months: int = 36) -> dict[str, Any]:
    """The articles' claim: 5 % more retention raises profit by 25-95 % (Bain). Checked on the
    founder's numbers, both as +5 % of the retention rate and as +5 points."""
    base = _run(baseline, months)["profit"].sum()
    results = {}
    for label, retention in (("relative", baseline.retention * 1.05), ("points", baseline.retention + 0.05)):
        scenario = _run(replace(baseline, retention=min(retention, 0.999)), months)["profit"].sum()
        results[label] = (scenario - base) / abs(base) if base else None
    change = results["relative"]
    if change is None:
        sentence = "Profit is zero in the baseline, so a percentage change cannot be given."
    else:
        inside = 0.25 <= change <= 0.95
        sentence = (f"On your numbers, 5 % more retention ({baseline.retention:.1%} → "
                    f"{min(baseline.retention * 1.05, 0.999):.1%} a month) changes {months}-month profit by "
                    f"{change:+.0%}: {'inside' if inside else 'outside'} the 25-95 % the articles quote.")
    return {"base_profit": base, "relative": results["relative"], "points": results["points"], "months": months,
            "sentence": sentence}


@dataclass(frozen=True)
class Total:
    """One projected total: ``label`` (e.g. "Revenue, 24 months"), its value in the baseline and
    in the scenario, and whether it is money (in the canvas currency) or customers."""

    label: str
    baseline: float
    scenario: float
    money: bool

    @property
    def change(self) -> float:
        return self.scenario - self.baseline


def totals(projection: pd.DataFrame) -> tuple[Total, ...]:
    """The headline of a ``project`` run: customers in its last month, revenue and profit summed
    over its months, for the baseline and the scenario."""
    months = int(projection["month"].max())
    by = projection.groupby("scenario")[["customers", "revenue", "profit"]].agg(
        {"customers": "last", "revenue": "sum", "profit": "sum"})
    return tuple(
        Total(label, float(by.loc["baseline", column]), float(by.loc["scenario", column]), money=column != "customers")
        for label, column in ((f"Customers, month {months}", "customers"), (f"Revenue, {months} months", "revenue"),
                              (f"Profit, {months} months", "profit"))
    )


def average_relationship_cost(segments: list[Any], relationships: Mapping[str, Any]) -> float:
    """Relationship cost per customer a month across segments, weighted by their sizes
    (``relationships.monthly_cost_per_customer`` of each designed segment)."""
    sized = [(s.estimated_size or 0, monthly_cost_per_customer(relationships[s.id], s.estimated_size))
             for s in segments if s.id in relationships]
    weight = sum(size for size, _ in sized)
    return sum(size * cost for size, cost in sized) / weight if weight else 0.0


@dataclass(frozen=True)
class WhatIfStart:
    """Where the what-if starts for a selection: the relationship cost per customer a month of
    the selected segments' designs, the last period's CAC (None without spend data), and the
    measured ``baseline`` (None when the selection has no complete month to project from)."""

    cost_per_customer: float
    cac: float | None
    baseline: Baseline | None


def whatif_start(prepared: metrics.Prepared, segments: list[Any], relationships: Mapping[str, Any],
                 filters: Filters, tiles: list[Tile]) -> WhatIfStart:
    """The what-if's starting point for the selected segments (all when none is picked)."""
    selected = [s for s in segments if not filters.segments or s.name in filters.segments]
    cost = average_relationship_cost(selected, relationships)
    cac = next((t.value for t in tiles if t.key == "cac"), None)
    try:
        baseline: Baseline | None = whatif_baseline(prepared, cost_per_customer=cost, cac=cac)
    except ValueError:  # no complete month
        baseline = None
    return WhatIfStart(cost_per_customer=cost, cac=cac, baseline=baseline)
