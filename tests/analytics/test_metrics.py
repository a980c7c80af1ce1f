"""Tests of canvas.analytics.metrics: hand-computed examples for every DOMAIN.md figure, a slow
reference implementation compared on random data, per-segment = per-subset, windows and labels."""

from __future__ import annotations

import json
import math
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canvas.analytics import metrics
from tools import simulation


def frame(rows, columns=("customer_id", "date", "amount")) -> pd.DataFrame:
    tx = pd.DataFrame(rows, columns=list(columns))
    tx["date"] = pd.to_datetime(tx["date"])
    tx["amount"] = tx["amount"].astype(float)
    return tx


# a: orders in Jan, Feb, Mar. b: order in Jan, refund only in Mar. c: order in Feb, a refund of
# all of it in Mar. d: first order in Mar.
SMALL = frame([
    ("a", "2024-01-05", 10), ("a", "2024-02-10", 20), ("b", "2024-01-20", 30),
    ("b", "2024-03-01", -5), ("c", "2024-02-02", 40), ("a", "2024-03-03", 15),
    ("c", "2024-03-15", -40), ("d", "2024-03-20", 50),
])


# --------------------------------------------------------------------------------------------
# Hand-computed examples
# --------------------------------------------------------------------------------------------


def test_headline_figures_by_hand():
    s = metrics.summary(SMALL)
    assert s["orders"] == 6  # the two refunds are not orders
    assert s["customers"] == 4
    assert s["revenue"] == pytest.approx(120.0)  # 165 of orders - 45 of refunds
    assert s["aov"] == pytest.approx(20.0)  # revenue / orders
    assert s["purchase_frequency"] == pytest.approx(1.5)
    assert s["repeat_purchase_rate"] == pytest.approx(0.25)  # only a has 2+ orders
    assert s["clv_historical"] == pytest.approx(30.0)
    assert metrics.summary(SMALL, margin=0.4)["clv_historical"] == pytest.approx(12.0)


def test_refund_only_period_is_not_active_but_counts_in_revenue():
    active = metrics.active_customers(SMALL)
    assert list(active["active"]) == [2, 2, 2]  # March: a and d; not b or c (refunds only)
    assert list(active["new"]) == [2, 1, 1]
    assert list(active["returning"]) == [0, 1, 1]
    assert list(active["revenue"]) == pytest.approx([40.0, 60.0, 20.0])  # March: 15+50-5-40
    assert [str(p) for p in active.index] == ["2024-01", "2024-02", "2024-03"]


def test_period_retention_and_churn_by_hand():
    r = metrics.period_retention(SMALL)
    assert [str(p) for p in r.index] == ["2024-02", "2024-03"]  # from the second period on
    # Feb: A(Jan) = {a, b}, A(Feb) = {a, c} -> 1/2. Mar: A(Feb) = {a, c}, A(Mar) = {a, d} -> 1/2
    assert list(r["active_previous"]) == [2, 2]
    assert list(r["retained"]) == [1, 1]
    assert list(r["retention_rate"]) == [0.5, 0.5]
    assert list(r["churn_rate"]) == [0.5, 0.5]
    assert list(r["partial"]) == [False, True]  # March ends after the last day of data


def test_retention_with_nobody_active_before_is_nan_not_inf():
    tx = frame([("a", "2024-01-10", 10), ("a", "2024-03-10", 10), ("b", "2024-03-11", 5)])
    r = metrics.period_retention(tx)
    assert r.loc[pd.Period("2024-02", "M"), "retention_rate"] == 0.0  # a did not come back
    assert math.isnan(r.loc[pd.Period("2024-03", "M"), "retention_rate"])  # A(Feb) is empty
    report = metrics.metrics_report(tx)
    assert report["retention"][1]["retention_rate"] is None
    assert report["revenue_retention"][1]["nrr"] is None
    json.dumps(report, allow_nan=False)


def test_cohort_matrix_by_hand():
    m = metrics.cohort_retention(SMALL)
    assert [str(c) for c in m.index] == ["2024-01", "2024-02", "2024-03"]
    np.testing.assert_array_equal(m.to_numpy(), [[1, 0.5, 0.5], [1, 0, np.nan],
                                                 [1, np.nan, np.nan]])
    counts = metrics.cohort_retention(SMALL, counts=True)
    assert list(counts[0]) == [2, 1, 1]  # cohort sizes
    report = metrics.metrics_report(SMALL)
    assert report["cohorts"] == [
        {"cohort": "2024-01", "size": 2, "retention": [1.0, 0.5, 0.5]},
        {"cohort": "2024-02", "size": 1, "retention": [1.0, 0.0]},
        {"cohort": "2024-03", "size": 1, "retention": [1.0]},
    ]


def test_nrr_and_grr_by_hand():
    rr = metrics.revenue_retention(SMALL)
    # Feb: base {a: 10, b: 30} = 40; in Feb a 20, b 0 -> NRR 20/40; GRR min(20,10)+0 = 10/40
    feb = rr.loc[pd.Period("2024-02", "M")]
    assert (feb["base_customers"], feb["base_revenue"]) == (2, 40.0)
    assert feb["nrr"] == pytest.approx(0.5)
    assert feb["grr"] == pytest.approx(0.25)
    # Mar: base {a: 20, c: 40} = 60; in Mar a 15, c -40 (a refund) -> -25 / 60 both ways
    mar = rr.loc[pd.Period("2024-03", "M")]
    assert mar["nrr"] == pytest.approx(-25 / 60)
    assert mar["grr"] == pytest.approx(-25 / 60)


def test_grr_caps_expansion_at_last_period_revenue():
    tx = frame([("a", "2024-01-03", 100), ("b", "2024-01-04", 100), ("a", "2024-02-03", 300),
                ("b", "2024-02-04", 50), ("c", "2024-02-05", 1000)])
    feb = metrics.revenue_retention(tx).iloc[0]
    assert feb["nrr"] == pytest.approx(350 / 200)  # c is new in Feb: not in the base
    assert feb["grr"] == pytest.approx(150 / 200)  # a capped at 100, b 50


def test_revenue_by_cohort_layer_cake():
    cake = metrics.revenue_by_cohort(SMALL)
    assert [str(c) for c in cake.columns] == ["2024-01", "2024-02", "2024-03"]
    np.testing.assert_allclose(cake.to_numpy(), [[40, 0, 0], [20, 40, 0], [10, -40, 50]])


def test_order_id_grouping():
    tx = frame([
        ("a", "2024-01-05", 10, "o1"), ("a", "2024-01-05", 5, "o1"),  # one order, two lines
        ("a", "2024-02-01", 7, "o1"),  # a late line of the January order: no new order
        ("a", "2024-02-02", -3, "o2"),  # a refund: not an order
        ("b", "2024-01-06", 20, "o3"), ("c", "2024-01-07", 20, "o3"),  # id reused by c
        ("b", "2024-01-08", 4, None), ("b", "2024-01-08", 6, None),  # no id: a row each
        ("c", "2024-01-09", 0, "o4"),  # zero amount: not an order
    ], columns=("customer_id", "date", "amount", "order_id"))
    s = metrics.summary(tx)
    assert s["orders"] == 5  # o1 (a), o3 (b), o3 (c), two rows of b without id
    assert s["customers"] == 3
    assert s["revenue"] == pytest.approx(69.0)
    assert s["aov"] == pytest.approx(69.0 / 5)
    assert s["repeat_purchase_rate"] == pytest.approx(1 / 3)  # b
    # The February line of o1 does not make a active in February.
    assert list(metrics.active_customers(tx)["active"]) == [3, 0]


def test_nps_by_hand():
    surveys = pd.DataFrame({"nps": [10, 9, 8, 7, 6, 0, np.nan],
                            "segment": ["x", "x", "x", "y", "y", "y", "y"]})
    assert metrics.nps(surveys) == pytest.approx(0.0)  # 2 promoters, 2 detractors of 6
    assert metrics.nps(surveys.iloc[[0, 1, 2, 4]]) == pytest.approx(25.0)
    assert metrics.nps(pd.DataFrame({"nps": [10.0, 10, 9, 5]})) == pytest.approx(50.0)
    assert metrics.nps(pd.DataFrame({"nps": [0.0, 6]})) == -100
    assert math.isnan(metrics.nps(pd.DataFrame({"nps": [np.nan]})))
    by = metrics.nps(surveys, by="segment")
    assert by.loc["x", "nps"] == pytest.approx(200 / 3)
    assert by.loc["y", "nps"] == pytest.approx(-200 / 3)
    assert list(by["responses"]) == [3, 3]


def test_csat_by_hand():
    surveys = pd.DataFrame({"csat": [5, 4, 3, 2, 1, np.nan], "segment": list("xxxyyy")})
    assert metrics.csat(surveys) == pytest.approx(0.4)  # a fraction, not a percentage
    by = metrics.csat(surveys, by="segment")
    assert by.loc["x", "csat"] == pytest.approx(2 / 3)
    assert by.loc["y", "csat"] == 0.0
    assert list(by["responses"]) == [3, 2]


CAC_TX = frame([
    ("a", "2024-01-05", 10, "web"), ("b", "2024-01-20", 30, "shop"),
    ("a", "2024-02-10", 20, "web"), ("c", "2024-02-02", 40, "web"),
    ("d", "2024-03-20", 50, "shop"), ("e", "2024-03-21", 50, "shop"),
], columns=("customer_id", "date", "amount", "segment"))
SPEND = pd.DataFrame({
    "period_start": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-02-01", "2024-03-01"]),
    "amount": [100.0, 60.0, 80.0, 90.0], "segment": ["web", "shop", "web", "shop"],
})


def test_cac_by_hand():
    table = metrics.cac(CAC_TX, SPEND)
    assert list(table["spend"]) == [160.0, 80.0, 90.0]
    assert list(table["new_customers"]) == [2, 1, 2]  # a returning in Feb is not new
    assert list(table["cac"]) == [80.0, 80.0, 45.0]


def test_cac_by_segment_and_missing_spend():
    table = metrics.cac(CAC_TX, SPEND, by="segment")
    web = table.loc["web"]
    assert list(web["cac"][:2]) == [100.0, 80.0]
    assert math.isnan(web["spend"].iloc[2])  # no spend row for web in March
    assert math.isnan(web["cac"].iloc[2])
    shop = table.loc["shop"]
    assert list(shop["new_customers"]) == [1, 0, 2]
    assert shop["cac"].iloc[0] == 60.0
    assert math.isnan(shop["cac"].iloc[1])  # spend 0 rows and no new customer: NaN
    assert shop["cac"].iloc[2] == 45.0
    report = metrics.metrics_report(CAC_TX, spend=SPEND)
    assert report["cac_overall"] == pytest.approx(330 / 5)
    assert report["segments"]["web"]["cac_overall"] == pytest.approx(180 / 2)


def test_contract_retention():
    assert metrics.contract_retention(100, 90, 20) == pytest.approx(0.7)
    assert math.isnan(metrics.contract_retention(0, 5, 5))
    np.testing.assert_allclose(metrics.contract_retention([10, 20], [10, 25], [2, 10]),
                               [0.8, 0.75])


def test_twelve_month_window_nrr_grr():
    rows = []
    for month in range(1, 13):
        rows += [("a", f"2023-{month:02d}-10", 10), ("b", f"2023-{month:02d}-11", 10),
                 ("a", f"2024-{month:02d}-10", 15), ("c", f"2024-{month:02d}-12", 99)]
    tx = frame(rows)
    w = metrics.revenue_retention_window(tx, end="2024-12-31")
    assert (w["start"], w["base_start"], w["end"]) == ("2024-01-01", "2023-01-01", "2024-12-31")
    assert w["base_customers"] == 2
    assert w["nrr"] == pytest.approx(180 / 240)
    assert w["grr"] == pytest.approx(120 / 240)
    assert not w["full_history"]  # the data start on 2023-01-10, after the base window opens
    earlier = pd.concat([frame([("z", "2022-12-20", 1)]), tx])
    assert metrics.revenue_retention_window(earlier, end="2024-12-31")["full_history"]
    report = metrics.metrics_report(tx, end="2024-12-31")
    assert report["nrr_12m"] == pytest.approx(0.75)
    assert report["grr_12m"] == pytest.approx(0.5)


def test_annual_churn_and_simple_clv():
    # 10 customers each month; each month 5 of the previous month's come back (retention 0.5).
    rows, customer = [], 0
    previous = []
    for month in range(1, 13):
        stay = previous[:5]
        new = [f"c{customer + i}" for i in range(10 - len(stay))]
        customer += len(new)
        for c in stay + new:
            rows.append((c, f"2023-{month:02d}-15", 20.0))
        previous = stay + new
    tx = frame(rows)
    report = metrics.metrics_report(tx, end="2023-12-31", margin=0.5)
    assert all(r["retention_rate"] == 0.5 for r in report["retention"])
    churn = 1 - 0.5**12
    assert report["annual_churn"] == pytest.approx(churn)
    years = (pd.Timestamp("2024-01-01") - pd.Timestamp("2023-01-15")).days / 365.2425
    per_year = report["purchase_frequency"] / years
    assert report["orders_per_customer_per_year"] == pytest.approx(per_year)
    assert report["clv_simple"] == pytest.approx(20.0 * per_year / churn * 0.5)
    assert metrics.simple_clv(20.0, 3.0, 0.5, margin=0.5) == pytest.approx(60.0)
    assert math.isnan(metrics.simple_clv(20.0, 3.0, 0.0))  # no churn: no finite lifetime


def test_ltv_cac_and_payback():
    assert metrics.ltv_to_cac(300.0, 100.0) == 3.0
    assert math.isnan(metrics.ltv_to_cac(300.0, 0.0))
    assert metrics.cac_payback_months(120.0, 10.0) == 12.0
    assert math.isnan(metrics.cac_payback_months(120.0, 0.0))


# --------------------------------------------------------------------------------------------
# Periods and windows
# --------------------------------------------------------------------------------------------


def test_period_labels_quarter_and_iso_week():
    assert metrics.period_label(pd.Period("2024-05-15", "Q")) == "2024-Q2"
    assert metrics.period_label(pd.Period("2024-01-31", "W-SUN")) == "2024-W05"
    assert metrics.period_label(pd.Period("2023-01-01", "W-SUN")) == "2022-W52"  # a Sunday
    assert metrics.period_label(pd.Period("2021-01-03", "W-SUN")) == "2020-W53"
    assert metrics.period_label(pd.Period("2024-12-30", "W-SUN")) == "2025-W01"
    tx = frame([("a", "2023-12-30", 5), ("a", "2024-01-02", 5), ("b", "2024-04-01", 5)])
    quarter = metrics.metrics_report(tx, period="quarter")
    assert [a["period"] for a in quarter["active"]] == ["2023-Q4", "2024-Q1", "2024-Q2"]
    assert quarter["retention"][0] == {"period": "2024-Q1", "retention_rate": 1.0,
                                       "churn_rate": 0.0, "active_previous": 1,
                                       "retained": 1, "partial": False}
    week = metrics.metrics_report(tx.iloc[:2], period="week")
    assert [a["period"] for a in week["active"]] == ["2023-W52", "2024-W01"]
    assert week["retention"][0]["retention_rate"] == 1.0


def test_period_ordinals_match_pandas():
    dates = pd.to_datetime("1999-12-25") + pd.to_timedelta(np.arange(0, 12000, 7) + 3, "D")
    for period, freq in (("month", "M"), ("quarter", "Q"), ("week", "W-SUN")):
        expected = pd.PeriodIndex(dates, freq=freq).asi8
        np.testing.assert_array_equal(metrics.period_ordinals(dates.to_numpy(), period),
                                      expected)


def test_window_start_end_and_as_of():
    s = metrics.summary(SMALL, start="2024-02-01", end="2024-02-29")
    assert (s["orders"], s["customers"], s["revenue"]) == (2, 2, 60.0)
    assert s["clv_historical"] == pytest.approx(100 / 3)  # to the window end: a, b, c
    early = metrics.summary(SMALL, as_of="2024-02-10")
    assert early["orders"] == 4  # includes the whole as-of day
    report = metrics.metrics_report(SMALL, start="2024-02-01")
    assert [c["cohort"] for c in report["cohorts"]] == ["2024-02", "2024-03"]  # a is Jan's
    assert [a["new"] for a in report["active"]] == [1, 1]
    assert report["window"] == {"start": "2024-02-01", "end": "2024-03-20",
                                "as_of": "2024-03-20"}
    with pytest.raises(ValueError):
        metrics.summary(SMALL, start="2024-05-01", end="2024-04-01")


def test_microsecond_dates_and_empty_input():
    tx = SMALL.copy()
    tx["date"] = tx["date"].astype("datetime64[us]")
    assert metrics.summary(tx)["orders"] == 6
    empty = SMALL.iloc[:0]
    report = metrics.metrics_report(empty)
    assert report["orders"] == 0 and report["customers"] == 0
    assert report["aov"] is None and report["retention"] == [] and report["cohorts"] == []
    json.dumps(report, allow_nan=False)
    metrics.format_metrics_table(report)


def test_report_is_json_ready_and_table_reads():
    report = metrics.metrics_report(SMALL.assign(segment=list("xxyyxxxy")),
                                    surveys=pd.DataFrame({"date": pd.to_datetime(["2024-01-09"]),
                                                          "nps": [10.0], "csat": [4.0]}))
    text = json.dumps(report, allow_nan=False)
    assert '"segments"' in text
    assert report["nps"] == 100.0 and report["csat"] == 1.0
    table = metrics.format_metrics_table(report)
    assert "Repeat purchase rate" in table and "25.0 %" in table
    assert "2024-03*" in table  # the partial period is marked
    assert "Segments" in table


# --------------------------------------------------------------------------------------------
# Per segment = per subset
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def segmented() -> pd.DataFrame:
    tx = simulation.simulate_transactions(3000, r=0.8, alpha=4.0, a=0.6, b=3.5, p=6.0, q=3.7,
                                          v=15.0, start="2022-01-01", end="2023-12-31", seed=3,
                                          segments=("north", "south", "east"))
    rng = np.random.default_rng(4)
    tx["order_id"] = np.char.add("o", np.arange(len(tx)).astype(str))
    lines = tx.sample(frac=0.2, random_state=5).assign(amount=lambda d: d["amount"] / 2)
    refunds = tx.sample(frac=0.05, random_state=6)
    refunds = refunds.assign(amount=-refunds["amount"], order_id=None,
                             date=refunds["date"] + pd.Timedelta(days=3))
    moved = tx.sample(frac=0.03, random_state=7).assign(  # some customers in two segments
        segment=lambda d: rng.choice(["north", "south", "east"], len(d)),
        order_id=lambda d: d["order_id"] + "x")
    return pd.concat([tx, lines, refunds, moved], ignore_index=True).sample(
        frac=1.0, random_state=8).reset_index(drop=True)


def test_segment_figures_equal_subset_figures(segmented):
    window = dict(start="2022-01-01", end="2023-12-31", as_of="2023-12-31")
    report = metrics.metrics_report(segmented, margin=0.3, **window)
    for name, figures in report["segments"].items():
        alone = metrics.metrics_report(segmented[segmented["segment"] == name].drop(
            columns="segment"), margin=0.3, **window)
        for key, value in figures.items():
            assert alone[key] == pytest.approx(value, nan_ok=True), (name, key)
    by = metrics.summary(segmented, by="segment", **window)
    for name in by.index:
        alone = metrics.summary(segmented[segmented["segment"] == name], **window)
        pd.testing.assert_series_equal(by.loc[name], alone, check_names=False)


def test_segment_cac_equals_subset_cac(segmented):
    spend = pd.DataFrame({"period_start": pd.date_range("2022-01-01", "2023-12-01", freq="MS")
                          .repeat(3), "segment": ["north", "south", "east"] * 24,
                          "amount": np.arange(72, dtype=float) * 10})
    window = dict(start="2022-01-01", as_of="2023-12-31")
    by = metrics.cac(segmented, spend, by="segment", **window)
    for name in ("north", "south", "east"):
        alone = metrics.cac(segmented[segmented["segment"] == name],
                            spend[spend["segment"] == name], **window)
        pd.testing.assert_frame_equal(by.loc[name], alone, check_names=False)


# --------------------------------------------------------------------------------------------
# Against a slow, obviously correct implementation on random data
# --------------------------------------------------------------------------------------------


def slow_reference(tx: pd.DataFrame, freq: str) -> dict:
    """Retention, cohorts, NRR/GRR straight from the definitions, row by row."""
    order_day = {}
    for row in tx.itertuples():
        if row.amount > 0:
            key = (row.customer_id, row.order_id if isinstance(row.order_id, str)
                   else ("row", row.Index))
            order_day[key] = min(order_day.get(key, row.date), row.date)
    active = defaultdict(set)
    orders_of = defaultdict(int)
    for (customer, _), day in order_day.items():
        active[pd.Period(day, freq)].add(customer)
        orders_of[customer] += 1
    revenue = defaultdict(float)
    for row in tx.itertuples():
        revenue[(row.customer_id, pd.Period(row.date, freq))] += row.amount
    first = pd.Period(tx["date"].min(), freq)
    last = pd.Period(tx["date"].max(), freq)
    periods = list(pd.period_range(first, last, freq=freq))
    out = {"retention": {}, "nrr": {}, "grr": {}, "cohorts": {}}
    for prev, cur in zip(periods, periods[1:]):
        base = active[prev]
        out["retention"][cur] = len(base & active[cur]) / len(base) if base else math.nan
        before = sum(revenue[(c, prev)] for c in base)
        after = sum(revenue[(c, cur)] for c in base)
        capped = sum(min(revenue[(c, cur)], revenue[(c, prev)]) for c in base)
        out["nrr"][cur] = after / before if before > 0 else math.nan
        out["grr"][cur] = capped / before if before > 0 else math.nan
    cohort_of = {}
    for p in periods:
        for c in active[p]:
            cohort_of.setdefault(c, p)
    for i, p in enumerate(periods):
        members = {c for c, q in cohort_of.items() if q == p}
        if members:
            out["cohorts"][p] = [len(members & active[q]) / len(members) for q in periods[i:]]
    out["orders"] = len(order_day)
    out["repeat"] = sum(n >= 2 for n in orders_of.values()) / len(orders_of) if orders_of \
        else math.nan
    return out


rows = st.lists(st.tuples(st.sampled_from("abcdef"), st.integers(0, 200),
                          st.sampled_from([-30.0, -5.0, 0.0, 5.0, 12.5, 40.0]),
                          st.sampled_from(["o1", "o2", "o3", None])), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=rows, period=st.sampled_from(["month", "week", "quarter"]))
def test_matches_slow_reference(rows, period):
    tx = pd.DataFrame(rows, columns=["customer_id", "day", "amount", "order_id"])
    tx["date"] = pd.Timestamp("2023-11-20") + pd.to_timedelta(tx.pop("day"), "D")
    freq = {"month": "M", "week": "W-SUN", "quarter": "Q"}[period]
    expected = slow_reference(tx, freq)
    s = metrics.summary(tx)
    assert s["orders"] == expected["orders"]
    assert s["repeat_purchase_rate"] == pytest.approx(expected["repeat"], nan_ok=True)
    if expected["orders"] == 0:
        return
    retention = metrics.period_retention(tx, period)
    rr = metrics.revenue_retention(tx, period)
    for p, value in expected["retention"].items():
        assert retention.loc[p, "retention_rate"] == pytest.approx(value, nan_ok=True)
        assert rr.loc[p, "nrr"] == pytest.approx(expected["nrr"][p], nan_ok=True)
        assert rr.loc[p, "grr"] == pytest.approx(expected["grr"][p], nan_ok=True)
    cohorts = metrics.cohort_retention(tx, period)
    assert list(cohorts.index) == list(expected["cohorts"])
    for p, shares in expected["cohorts"].items():
        got = cohorts.loc[p].to_numpy()
        np.testing.assert_allclose(got[: len(shares)], shares)
        assert got[0] == 1.0
        assert np.isnan(got[len(shares):]).all()


def test_prepared_rows_give_the_same_figures_as_the_frame(segmented):
    prepared = metrics.prepare(segmented)
    spend = pd.DataFrame({"period_start": pd.date_range("2022-01-01", periods=24, freq="MS"),
                          "amount": 1000.0})
    for period in ("month", "quarter", "week"):
        for function in (metrics.active_customers, metrics.period_retention, metrics.cohort_retention,
                         metrics.revenue_by_cohort, metrics.revenue_retention):
            pd.testing.assert_frame_equal(function(prepared, period), function(segmented, period))
        pd.testing.assert_frame_equal(metrics.cac(prepared, spend, period), metrics.cac(segmented, spend, period))
    pd.testing.assert_series_equal(metrics.summary(prepared, end="2023-06-30"),
                                   metrics.summary(segmented, end="2023-06-30"))
    pd.testing.assert_frame_equal(metrics.summary(prepared, by="segment"), metrics.summary(segmented, by="segment"))
    assert metrics.metrics_report(prepared) == metrics.metrics_report(segmented)
    with pytest.raises(ValueError, match="segment column only"):
        metrics.summary(prepared, by="order_id")


def test_a_subset_of_prepared_rows_equals_the_filtered_frame(segmented):
    prepared = metrics.prepare(segmented)
    start, end = pd.Timestamp("2022-05-01"), pd.Timestamp("2023-08-31")
    frame = segmented[(segmented["date"] >= start) & (segmented["date"] < end + pd.Timedelta(days=1))
                      & segmented["segment"].isin(["north", "east"])]
    rows = metrics.subset(prepared, start=start.date(), end=end.date(), segments=["north", "east", "nowhere"])
    assert len(rows) == len(frame)
    assert metrics.segment_values(rows) == ["east", "north"]
    pd.testing.assert_series_equal(metrics.summary(rows), metrics.summary(frame))
    for function in (metrics.period_retention, metrics.cohort_retention, metrics.revenue_by_cohort):
        pd.testing.assert_frame_equal(function(rows, "month"), function(frame, "month"))
    assert metrics.subset(prepared) is prepared
    assert len(metrics.subset(prepared, segments=[])) == 0
