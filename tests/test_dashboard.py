"""The metrics page's view model on the demo data: tiles, filters, measures, what-if."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from canvas.analytics import dashboard
from canvas.customer_data import linking
from canvas.customer_data import ingest
from canvas.analytics import metrics
from canvas.ui.charts import metrics as mc
from canvas.library.demo import DEMO_DATA_DIR

NAMES = {"seg-home": "Home brewers", "seg-office": "Office teams", "seg-gift": "Gift buyers"}
COLOURS = {"Home brewers": "#1F77B4", "Office teams": "#E4572E", "Gift buyers": "#2CA58D"}


@pytest.fixture(scope="module")
def demo():
    links = {name: sid for sid, name in NAMES.items()}
    tx = linking.apply_links(ingest.load(DEMO_DATA_DIR / "transactions.csv").frame, links, NAMES)
    spend = linking.apply_links(ingest.load(DEMO_DATA_DIR / "spend.csv", kind="spend").frame, links, NAMES)
    surveys = ingest.load(DEMO_DATA_DIR / "surveys.csv", kind="surveys").frame
    segments = tx.drop_duplicates("customer_id").set_index("customer_id")
    surveys = surveys.assign(segment_id=surveys["customer_id"].map(segments["segment_id"]),
                             segment=surveys["customer_id"].map(segments["segment"]))
    return tx, surveys, spend


def test_tiles_equal_the_metric_functions(demo):
    tx, surveys, spend = demo
    figures = dashboard.compute_figures(tx, surveys, spend)
    tiles = {t.key: t for t in dashboard.kpi_tiles(figures, targets={"retention_rate": 0.99, "cac": 1000.0})}
    retention = metrics.period_retention(tx)
    complete = retention[~retention["partial"]]
    assert tiles["retention_rate"].value == pytest.approx(complete["retention_rate"].iloc[-1])
    assert tiles["retention_rate"].previous == pytest.approx(complete["retention_rate"].iloc[-2])
    assert tiles["churn_rate"].value == pytest.approx(1 - complete["retention_rate"].iloc[-1])
    assert tiles["aov"].value == pytest.approx(metrics.summary(tx)["aov"])
    assert tiles["nps"].value == pytest.approx(metrics.nps(surveys))
    assert tiles["retention_rate"].met is False  # 99 % is not reached
    assert tiles["cac"].met is True  # lower is better: well under 1,000


def test_met_is_direction_aware():
    assert dashboard.Tile("churn_rate", "Churn", 0.05, "rate", target=0.07).met is True
    assert dashboard.Tile("churn_rate", "Churn", 0.09, "rate", target=0.07).met is False
    assert dashboard.Tile("nps", "NPS", 30, "score", target=40).met is False
    assert dashboard.Tile("nps", "NPS", None, "score", target=40).met is None


def test_filters_round_trip_through_the_url_and_bad_values_warn():
    filters = dashboard.Filters(date(2025, 1, 1), date(2025, 12, 31), ("Office teams",), "quarter")
    query = dashboard.filters_to_query(filters)
    assert query == {"from": "2025-01-01", "to": "2025-12-31", "segments": "Office teams", "period": "quarter"}
    assert dashboard.filters_from_query(query, segment_names=list(COLOURS)) == (filters, [])
    bad, warnings = dashboard.filters_from_query({"from": "yesterday", "period": "decade", "segments": "Aliens"},
                                                 segment_names=list(COLOURS))
    assert bad == dashboard.Filters()
    assert len(warnings) == 3 and "“from” date 'yesterday'" in warnings[0]


def test_apply_filters(demo):
    tx, _, _ = demo
    chosen = dashboard.apply_filters(tx, dashboard.Filters(date(2025, 3, 1), date(2025, 3, 31), ("Office teams",)))
    assert set(chosen["segment"]) == {"Office teams"}
    assert chosen["date"].min() >= pd.Timestamp("2025-03-01") and chosen["date"].max() < pd.Timestamp("2025-04-01")


def test_segment_measures_equal_the_segment_alone(demo):
    tx, surveys, spend = demo
    measures = dashboard.segment_measures(tx, surveys, spend)
    office = tx[tx["segment_id"] == "seg-office"]
    alone = dashboard.segment_measures(office, surveys[surveys["segment_id"] == "seg-office"],
                                       spend[spend["segment_id"] == "seg-office"])
    assert measures["seg-office"] == pytest.approx(alone["seg-office"])
    assert measures["seg-office"]["clv"] == pytest.approx(metrics.summary(office)["clv_historical"])
    assert set(measures) == set(NAMES)


def test_whatif_without_changes_is_the_baseline_and_starts_at_the_measured_figures(demo):
    tx, _, _ = demo
    baseline = dashboard.whatif_baseline(tx, cost_per_customer=3.0, cac=40.0, margin=0.5)
    active = metrics.active_customers(tx)
    assert baseline.active_customers == active[~active["partial"]]["active"].iloc[-1]
    projection = dashboard.project(baseline, months=12)
    base = projection[projection["scenario"] == "baseline"].reset_index(drop=True)
    same = projection[projection["scenario"] == "scenario"].reset_index(drop=True)
    pd.testing.assert_frame_equal(base.drop(columns="scenario"), same.drop(columns="scenario"))
    assert base["customers"].iloc[0] == baseline.active_customers
    better = dashboard.project(baseline, months=12, retention_points=2)
    scenario = better[better["scenario"] == "scenario"]
    assert scenario["customers"].iloc[-1] > base["customers"].iloc[-1]
    assert scenario["profit"].sum() > base["profit"].sum()


def test_the_projection_recursion(demo):
    b = dashboard.Baseline(active_customers=100, retention=0.9, new_per_month=10, revenue_per_active=5,
                           cost_per_customer=1, cac=20, margin=0.5)
    run = dashboard.project(b, months=3)
    customers = run[run["scenario"] == "baseline"]["customers"].tolist()
    assert customers == pytest.approx([100, 100, 100])  # 100 x 0.9 + 10 = 100: a steady state
    profit = run[run["scenario"] == "baseline"]["profit"].iloc[0]
    assert profit == pytest.approx(100 * 5 * 0.5 - 100 * 1 - 10 * 20)


def test_retention_claim_check(demo):
    tx, _, _ = demo
    claim = dashboard.retention_claim_check(dashboard.whatif_baseline(tx, cost_per_customer=3, cac=40))
    assert claim["relative"] > 0 and "5 % more retention" in claim["sentence"]
    assert ("inside" in claim["sentence"]) == (0.25 <= claim["relative"] <= 0.95)


def test_charts_use_segment_colours_and_cope_with_empty_data(demo):
    tx, surveys, spend = demo
    curves = dashboard.retention_curves(tx, "month")
    fig = mc.retention_curves(curves, COLOURS)
    assert {t.name: t.line.color for t in fig.data} == COLOURS
    figures = dashboard.compute_figures(tx, surveys, spend)
    for chart in (mc.cohort_heatmap(figures.cohorts), mc.layer_cake(figures.layer_cake, "EUR"),
                  mc.active_and_churn(figures.active, figures.retention),
                  mc.nps_csat_by_segment(dashboard.survey_table(surveys), COLOURS)):
        assert len(chart.data) >= 1
    for chart in (mc.cohort_heatmap(pd.DataFrame()), mc.retention_curves({}, COLOURS),
                  mc.ltv_vs_cac(None, COLOURS, "EUR"), mc.p_alive_heatmap(None)):
        assert not chart.data and chart.layout.annotations


def test_targets_table_marks_met_missed_and_missing():
    measures = {"seg-home": {"retention_rate": 0.95, "churn_rate": 0.05, "nps": float("nan")}}
    targets = {"seg-home": {"retention_rate": 0.9, "churn_rate": 0.03, "nps": 30.0}}
    table = dashboard.targets_table(measures, targets, NAMES).set_index("metric")
    assert table["status"].tolist() == ["met", "missed", "no data"]
    assert table["segment"].unique().tolist() == ["Home brewers"]
    assert pd.isna(table["measured"].iloc[2])


def test_clv_distribution_is_binned_and_counts_every_customer():
    rng = np.random.default_rng(1)
    values = pd.DataFrame({"segment": rng.choice(["Home brewers", "Office teams"], 50_000),
                           "value": rng.gamma(2.0, 100.0, 50_000)})
    fig = mc.clv_distribution(values, COLOURS, "EUR")
    counts = {trace.name: int(np.sum(trace.y)) for trace in fig.data}
    assert counts == values["segment"].value_counts().to_dict()  # the top 2 % sit in the last bin
    assert all(len(trace.y) == 40 for trace in fig.data)
    assert {trace.marker.color for trace in fig.data} == {COLOURS["Home brewers"], COLOURS["Office teams"]}


def test_date_bounds_that_do_not_cut_the_data_are_dropped():
    first, last = date(2024, 11, 1), date(2026, 10, 31)
    whole = dashboard.Filters(start=first, end=last, segments=("Office teams",), period="quarter")
    assert dashboard.within_data(whole, first, last) == dashboard.Filters(segments=("Office teams",),
                                                                          period="quarter")
    wider = dashboard.Filters(start=date(2020, 1, 1), end=date(2030, 1, 1))
    assert dashboard.within_data(wider, first, last) == dashboard.Filters()
    inner = dashboard.Filters(start=date(2025, 1, 1), end=date(2026, 1, 31))
    assert dashboard.within_data(inner, first, last) == inner


def test_selecting_prepared_rows_gives_the_figures_of_the_filtered_frame(demo):
    tx, surveys, spend = demo
    filters = dashboard.Filters(start=date(2025, 3, 1), end=date(2026, 6, 30), segments=("Home brewers", "Office teams"))
    frame = dashboard.apply_filters(tx, filters)
    rows = dashboard.select(metrics.prepare(tx), filters)
    groups = dashboard.segment_groups(rows, dashboard.segment_ids(tx))
    assert set(groups) == {"seg-home", "seg-office"}
    assert dashboard.segment_measures(rows, surveys, spend, groups=groups) == \
        dashboard.segment_measures(frame, surveys, spend)
    assert dashboard.compute_figures(rows, surveys, spend).summary.equals(
        dashboard.compute_figures(frame, surveys, spend).summary)
    curves = dashboard.retention_curves(rows, "month", groups=groups)
    for name, curve in dashboard.retention_curves(frame, "month").items():
        pd.testing.assert_series_equal(curves[name], curve)


def test_predictive_clv_per_customer_and_the_empty_fallback(demo):
    tx, _, _ = demo
    result = dashboard.predictive_clv(tx)
    assert not result["fallback"], result["reasons"]
    customers = result["customers"]
    assert len(customers) == tx["customer_id"].nunique()
    assert set(customers["segment"]) <= set(NAMES.values()) | {dashboard.UNASSIGNED}
    empty = dashboard.predictive_clv(tx.iloc[:0])
    assert empty["fallback"] and empty["customers"].empty and "no orders" in empty["reasons"][0]


def test_figures_per_primary_relationship_type_are_pooled_over_its_segments(demo):
    tx, surveys, spend = demo
    types = (("automated_services", ("Home brewers",)), ("self_service", ("Gift buyers", "Office teams")))
    by_type = dashboard.type_measures(tx, surveys, spend, types)
    home = dashboard.segment_measures(tx, surveys, spend)["seg-home"]
    assert by_type["automated_services"] == home  # one segment: its own figures
    pooled = tx[tx["segment"].isin(["Gift buyers", "Office teams"])]
    assert by_type["self_service"]["customers"] == pooled["customer_id"].nunique()
    assert by_type["self_service"]["clv"] == pytest.approx(metrics.summary(pooled)["clv_historical"])
    table = dashboard.by_primary_type(by_type)
    assert list(table.index) == ["Automated services", "Self-service"]
    assert table.loc["Self-service", "clv"] == pytest.approx(by_type["self_service"]["clv"])


def test_primary_types_group_segment_names_by_their_primary_type():
    from types import SimpleNamespace as NS

    segments = [NS(id="a", name="Home brewers"), NS(id="b", name="Office teams"), NS(id="c", name="Gift buyers")]
    relationships = {"a": NS(primary_type="self_service"), "b": NS(primary_type="dedicated_personal_assistance"),
                     "c": NS(primary_type="self_service")}
    assert dashboard.primary_types(segments, relationships) == (
        ("dedicated_personal_assistance", ("Office teams",)), ("self_service", ("Home brewers", "Gift buyers")))


def test_a_type_primary_for_one_segment_reuses_its_measures(demo):
    tx, surveys, spend = demo
    types = (("automated_services", ("Home brewers",)), ("self_service", ("Gift buyers", "Office teams")))
    known = {"seg-home": {"customers": -1.0}}  # a marker: reused, not recomputed
    by_type = dashboard.type_measures(tx, surveys, spend, types, by_segment=known,
                                      ids={name: sid for sid, name in NAMES.items()})
    assert by_type["automated_services"] == {"customers": -1.0}
    assert by_type["self_service"] == dashboard.type_measures(tx, surveys, spend, types)["self_service"]


def test_period_charts_keep_their_labels_even_for_a_single_period(demo):
    tx, surveys, spend = demo
    one_month = dashboard.apply_filters(tx, dashboard.Filters(start=date(2026, 10, 1), end=date(2026, 10, 31)))
    figures = dashboard.compute_figures(one_month, None, None)
    for fig, axis in ((mc.layer_cake(figures.layer_cake, "EUR"), "xaxis"),
                      (mc.active_and_churn(figures.active, figures.retention), "xaxis"),
                      (mc.cohort_heatmap(figures.cohorts), "yaxis")):
        layout = fig.layout[axis]
        assert layout.type == "category" and list(layout.categoryarray) == ["2026-10"]


def test_monthly_targets_apply_to_monthly_tiles_only():
    targets = {"retention_rate": 0.9, "churn_rate": 0.1, "nps": 40.0}
    assert dashboard.tile_targets(targets, "month") == targets
    assert dashboard.tile_targets(targets, "week") == {"nps": 40.0}


def test_segment_measures_are_monthly_whatever_the_charts_show(demo):
    tx, surveys, spend = demo
    monthly = metrics.period_retention(tx[tx["segment_id"] == "seg-office"], "month")
    complete = monthly[~monthly["partial"]]["retention_rate"].dropna()
    office = dashboard.segment_measures(tx, surveys, spend)["seg-office"]
    assert office["retention_rate"] == pytest.approx(complete.tail(3).mean())


def test_weekly_cohort_heatmap_shows_the_latest_cohorts(demo):
    tx, _, _ = demo
    cohorts = dashboard.compute_figures(tx, None, None, period="week").cohorts
    fig = mc.cohort_heatmap(cohorts)
    assert len(cohorts) > 60 and len(fig.data[0].y) == 60 and fig.data[0].y[-1] == "2026-W44"
    assert "latest 60" in fig.layout.title.text


@pytest.mark.parametrize(("delta", "unit", "shown"), [
    (77.0, "count", "+77"), (-1234.0, "count", "-1,234"),
    (0.003, "rate", "+0.3 pts"), (-0.0125, "rate", "-1.2 pts"),
    (0.29, "score", "+0.3 pts"), (-2.0, "score", "-2 pts"), (12.4, "score", "+12 pts"),
    (0.09, "money", "+0.09"), (-17.333, "money", "-17.33"), (41_700.0, "money", "+41.7k"),
    (2.46, "ratio", "+2.5"),
    (0.4, "count", "0"), (0.0004, "rate", "0"), (-0.04, "score", "0"), (-0.001, "money", "0"),
])
def test_deltas_are_written_by_the_kind_of_figure(delta, unit, shown):
    assert dashboard.format_delta(delta, unit) == shown


def test_values_are_written_by_the_kind_of_figure():
    assert [dashboard.format_value(v, u) for v, u in ((1766, "count"), (0.921, "rate"), (68.614, "money"),
                                                        (24.2, "score"), (8.74, "ratio"))] \
        == ["1,766", "92.1 %", "68.61", "24", "8.7"]
    assert dashboard.format_value(5002.86, "money", "EUR") == "5,002.86 EUR"
    assert dashboard.format_value(0.5, "rate", "EUR") == "50.0 %"  # the currency is for money only
    assert dashboard.format_value(None, "count") == dashboard.format_value(float("nan"), "money") == "—"


def test_demo_tile_deltas_have_no_stray_decimals(demo):
    tx, surveys, spend = demo
    tiles = {t.key: t for t in dashboard.kpi_tiles(dashboard.compute_figures(tx, surveys, spend))}
    customers = dashboard.format_delta(tiles["customers"].delta, "count")
    assert customers.lstrip("+-").replace(",", "").isdigit()
    assert dashboard.format_delta(tiles["nps"].delta, "score").endswith(" pts")


def test_whatif_changes_lead_to_the_values_the_sliders_show():
    b = dashboard.Baseline(active_customers=100, retention=0.921, new_per_month=10, revenue_per_active=5,
                           cost_per_customer=5.31, cac=49.95, margin=0.5)
    scenario = dashboard.whatif_scenario(b, retention_points=3, cost_delta=-10, cac_delta=5)
    assert scenario.retention == pytest.approx(0.951) and scenario.cac == pytest.approx(54.95)
    assert scenario.cost_per_customer == 0  # a cost cannot go below nothing
    assert dashboard.change_caption(b.cac, scenario.cac, "money", "EUR") == "49.95 → 54.95 EUR"
    assert dashboard.change_caption(b.retention, scenario.retention, "rate") == "92.1 % → 95.1 %"
    assert dashboard.change_caption(b.cac, b.cac, "money", "EUR") == "49.95 EUR, unchanged"
    projected = dashboard.project(b, months=2, retention_points=3, cost_delta=-10, cac_delta=5)
    first = projected[projected["scenario"] == "scenario"].iloc[0]
    assert first["acquisition_cost"] == pytest.approx(10 * 54.95)  # the projection uses the same values


def test_churn_axis_has_round_percentage_ticks(demo):
    tx, _, _ = demo
    figures = dashboard.compute_figures(tx, None, None)
    churn_axis = mc.active_and_churn(figures.active, figures.retention).layout.yaxis2
    assert churn_axis.ticksuffix == " %" and churn_axis.tick0 == 0
    assert churn_axis.dtick in (1, 2, 5, 10, 20, 50)
    assert churn_axis.range[1] >= figures.retention["churn_rate"].max() * 100
    assert [mc._round_step(top) for top in (72, 8, 11, 100, 0.3)] == [20, 2, 5, 20, 0.1]


def test_layer_cake_has_a_cohort_colour_bar(demo):
    tx, _, _ = demo
    cake = dashboard.compute_figures(tx, None, None).layer_cake
    fig = mc.layer_cake(cake, "EUR")
    layers = [t for t in fig.data if t.stackgroup]
    assert len({t.fillcolor for t in layers}) == len(cake.columns)  # each cohort its own shade
    bar = [t for t in fig.data if t.marker.showscale]
    assert len(bar) == 1 and "cohort" in bar[0].marker.colorbar.title.text
    labels = list(bar[0].marker.colorbar.ticktext)
    assert labels[0] == "2024-11" and 2 <= len(labels) <= 8


def test_predictive_and_historical_clv_look_different_and_the_legend_says_which():
    table = pd.DataFrame({"historical": [67.0, 5003.0], "predictive": [32.0, 3211.0]},
                         index=["Gift buyers", "Office teams"])
    fig = mc.clv_by_segment(table, COLOURS, "EUR", predictive=True)
    legend = {t.name: t.marker for t in fig.data if t.showlegend is not False}
    assert set(legend) == {"historical (to date)", "predictive (next 12 months)"}
    historical, predictive = legend["historical (to date)"], legend["predictive (next 12 months)"]
    assert (historical.opacity, historical.pattern.shape) != (predictive.opacity, predictive.pattern.shape)
    assert historical.color == predictive.color  # legend swatches: the kind, not a segment's colour
    assert fig.layout.yaxis.range[1] > 5003  # room for the value on the tallest bar


def test_segment_labels_point_into_the_chart():
    table = pd.DataFrame({"lifetime_cost": [0.7, 2800.0], "clv": [67.0, 5003.0], "customers": [900.0, 40.0],
                          "cac": [25.0, 441.0]}, index=["Gift buyers", "Office teams"])
    fig = mc.cost_vs_value(table, COLOURS, "EUR")
    positions = {t.name: t.textposition for t in fig.data if t.mode == "markers+text"}
    assert positions == {"Gift buyers": "middle right", "Office teams": "middle left"}
    x_range = fig.layout.xaxis.range
    assert x_range[1] - np.log10(5003) >= 0.5 and np.log10(0.7) - x_range[0] >= 0.5  # room for the markers
    assert len(fig.layout.xaxis.title.text) <= 50  # fits under a half-width chart at 1024 px


def test_p_alive_axis_title_is_short_enough_to_stay_below_the_chart_title():
    customers = pd.DataFrame({"frequency": [0, 3, 10, 25], "recency": [0.0, 10.0, 40.0, 90.0],
                              "p_alive": [1.0, 0.6, 0.8, 0.9]})
    fig = mc.p_alive_heatmap(customers)
    assert "weeks" in fig.layout.yaxis.title.text and len(fig.layout.yaxis.title.text) <= 40


def test_p_alive_shows_when_only_the_spend_model_fell_back():
    customers = pd.DataFrame({"frequency": [0, 3, 10], "recency": [0.0, 10.0, 40.0], "p_alive": [1.0, 0.6, 0.8]})
    assert len(mc.p_alive_heatmap(customers).data) == 1  # the purchase model was fitted: draw it
    unfitted = customers.assign(p_alive=np.nan)  # the purchase model fell back too
    fig = mc.p_alive_heatmap(unfitted)
    assert not fig.data and "could not be fitted" in fig.layout.annotations[0].text


def test_segment_names_reach_the_charts_as_inert_text(demo):
    tx, surveys, _ = demo
    odd = "<b>Bold</b> & %{y} co"
    rename = {"Office teams": odd}
    table = pd.DataFrame({"historical": [67.0, 5003.0], "predictive": [32.0, 3211.0],
                          "lifetime_cost": [0.7, 2800.0], "clv": [67.0, 5003.0], "customers": [900.0, 40.0],
                          "cac": [25.0, 441.0]}, index=["Gift buyers", odd])
    values = pd.DataFrame({"segment": ["Gift buyers", odd], "value": [10.0, 20.0]})
    surveys_table = dashboard.survey_table(surveys).rename(index=rename)
    curves = {rename.get(k, k): v for k, v in dashboard.retention_curves(tx, "month").items()}
    figures = (mc.clv_by_segment(table, COLOURS, "EUR", predictive=True), mc.cost_vs_value(table, COLOURS, "EUR"),
               mc.ltv_vs_cac(table, COLOURS, "EUR"), mc.clv_distribution(values, COLOURS, "EUR"),
               mc.nps_csat_by_segment(surveys_table, COLOURS), mc.retention_curves(curves, COLOURS))
    for fig in figures:
        for trace in fig.data:
            assert "Bold" not in str(trace.hovertemplate)  # names reach hover as data only
            data = [*(() if trace.x is None else trace.x), *(getattr(trace, "text", None) or ())]
            shown = [str(trace.name)] + [v for v in data if isinstance(v, str)]
            assert not any("<b>" in t or "& " in t for t in shown), shown
        assert any("&lt;b>Bold&lt;/b> &amp; %{y} co" in str(t.name) or "&lt;b>" in str(t.x) for t in fig.data)
