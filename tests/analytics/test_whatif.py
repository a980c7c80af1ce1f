"""The what-if: the baseline is the measured month, the projection's recursion, the totals."""

from __future__ import annotations

from types import SimpleNamespace as NS

import pandas as pd
import pytest

from canvas.analytics import metrics
from canvas.analytics.filters import Filters
from canvas.analytics.tiles import Tile
from canvas.analytics.whatif import (
    Baseline,
    average_relationship_cost,
    project,
    retention_claim_check,
    totals,
    whatif_baseline,
    whatif_scenario,
    whatif_start,
)
from canvas.domain.formatting import change_caption


def test_whatif_without_changes_is_the_baseline_and_starts_at_the_measured_figures(demo):
    tx, _, _ = demo
    baseline = whatif_baseline(tx, cost_per_customer=3.0, cac=40.0, margin=0.5)
    active = metrics.active_customers(tx)
    assert baseline.active_customers == active[~active["partial"]]["active"].iloc[-1]
    projection = project(baseline, months=12)
    base = projection[projection["scenario"] == "baseline"].reset_index(drop=True)
    same = projection[projection["scenario"] == "scenario"].reset_index(drop=True)
    pd.testing.assert_frame_equal(base.drop(columns="scenario"), same.drop(columns="scenario"))
    assert base["customers"].iloc[0] == baseline.active_customers
    better = project(baseline, months=12, retention_points=2)
    scenario = better[better["scenario"] == "scenario"]
    assert scenario["customers"].iloc[-1] > base["customers"].iloc[-1]
    assert scenario["profit"].sum() > base["profit"].sum()


def test_the_projection_recursion():
    b = Baseline(active_customers=100, retention=0.9, new_per_month=10, revenue_per_active=5,
                 cost_per_customer=1, cac=20, margin=0.5)
    run = project(b, months=3)
    customers = run[run["scenario"] == "baseline"]["customers"].tolist()
    assert customers == pytest.approx([100, 100, 100])  # 100 x 0.9 + 10 = 100: a steady state
    profit = run[run["scenario"] == "baseline"]["profit"].iloc[0]
    assert profit == pytest.approx(100 * 5 * 0.5 - 100 * 1 - 10 * 20)


def test_retention_claim_check(demo):
    tx, _, _ = demo
    claim = retention_claim_check(whatif_baseline(tx, cost_per_customer=3, cac=40))
    assert claim["relative"] > 0 and "5 % more retention" in claim["sentence"]
    assert ("inside" in claim["sentence"]) == (0.25 <= claim["relative"] <= 0.95)


def test_whatif_changes_lead_to_the_values_the_sliders_show():
    b = Baseline(active_customers=100, retention=0.921, new_per_month=10, revenue_per_active=5,
                 cost_per_customer=5.31, cac=49.95, margin=0.5)
    scenario = whatif_scenario(b, retention_points=3, cost_delta=-10, cac_delta=5)
    assert scenario.retention == pytest.approx(0.951) and scenario.cac == pytest.approx(54.95)
    assert scenario.cost_per_customer == 0  # a cost cannot go below nothing
    assert change_caption(b.cac, scenario.cac, "money", "EUR") == "49.95 → 54.95 EUR"
    assert change_caption(b.retention, scenario.retention, "rate") == "92.1 % → 95.1 %"
    assert change_caption(b.cac, b.cac, "money", "EUR") == "49.95 EUR, unchanged"
    projected = project(b, months=2, retention_points=3, cost_delta=-10, cac_delta=5)
    first = projected[projected["scenario"] == "scenario"].iloc[0]
    assert first["acquisition_cost"] == pytest.approx(10 * 54.95)  # the projection uses the same values


def test_totals_are_the_last_month_of_customers_and_the_sums_of_money():
    b = Baseline(active_customers=100, retention=0.9, new_per_month=10, revenue_per_active=5,
                 cost_per_customer=1, cac=20, margin=0.5)
    projection = project(b, months=12, retention_points=2)
    customers, revenue, profit = totals(projection)
    assert (customers.label, revenue.label, profit.label) == ("Customers, month 12", "Revenue, 12 months",
                                                               "Profit, 12 months")
    scenario = projection[projection["scenario"] == "scenario"]
    assert customers.scenario == pytest.approx(scenario["customers"].iloc[-1])
    assert customers.baseline == pytest.approx(100)
    assert revenue.scenario == pytest.approx(scenario["revenue"].sum()) and revenue.money and not customers.money
    assert profit.change == pytest.approx(profit.scenario - profit.baseline) and profit.change > 0


def test_the_whatif_starts_from_the_selected_designs_and_the_cac_tile(demo):
    tx, _, _ = demo
    segments = [NS(id="a", name="Home brewers", estimated_size=300),
                NS(id="b", name="Office teams", estimated_size=100)]
    designs = {"a": NS(cost_per_customer_month=1.0, cost_fixed_month=300.0),
               "b": NS(cost_per_customer_month=10.0, cost_fixed_month=0.0)}
    assert average_relationship_cost(segments, designs) == pytest.approx((300 * 2.0 + 100 * 10.0) / 400)
    tiles = [Tile("cac", "CAC", 45.0, "money")]
    start = whatif_start(metrics.prepare(tx), segments, designs, Filters(segments=("Office teams",)), tiles)
    assert start.cost_per_customer == 10.0 and start.cac == 45.0 and start.baseline.cac == 45.0
    one_day = tx[tx["date"] < tx["date"].min() + pd.Timedelta(days=1)]
    assert whatif_start(metrics.prepare(one_day), segments, designs, Filters(), []).baseline is None
