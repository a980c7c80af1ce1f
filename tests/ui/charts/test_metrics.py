"""The metrics page's Plotly figures: segment colours, empty data, axes, legends, inert names."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from canvas.analytics.chart_data import retention_curves, survey_table
from canvas.analytics.filters import Filters, apply_filters
from canvas.analytics.tiles import compute_figures
from canvas.ui.charts import metrics as mc
from tests.analytics.linked_demo import COLOURS


def test_charts_use_segment_colours_and_cope_with_empty_data(demo):
    tx, surveys, spend = demo
    curves = retention_curves(tx, "month")
    fig = mc.retention_curves(curves, COLOURS)
    assert {t.name: t.line.color for t in fig.data} == COLOURS
    figures = compute_figures(tx, surveys, spend)
    for chart in (mc.cohort_heatmap(figures.cohorts), mc.layer_cake(figures.layer_cake, "EUR"),
                  mc.active_and_churn(figures.active, figures.retention),
                  mc.nps_csat_by_segment(survey_table(surveys), COLOURS)):
        assert len(chart.data) >= 1
    for chart in (mc.cohort_heatmap(pd.DataFrame()), mc.retention_curves({}, COLOURS),
                  mc.ltv_vs_cac(None, COLOURS, "EUR"), mc.p_alive_heatmap(None)):
        assert not chart.data and chart.layout.annotations


def test_clv_distribution_is_binned_and_counts_every_customer():
    rng = np.random.default_rng(1)
    values = pd.DataFrame({"segment": rng.choice(["Home brewers", "Office teams"], 50_000),
                           "value": rng.gamma(2.0, 100.0, 50_000)})
    fig = mc.clv_distribution(values, COLOURS, "EUR")
    counts = {trace.name: int(np.sum(trace.y)) for trace in fig.data}
    assert counts == values["segment"].value_counts().to_dict()  # the top 2 % sit in the last bin
    assert all(len(trace.y) == 40 for trace in fig.data)
    assert {trace.marker.color for trace in fig.data} == {COLOURS["Home brewers"], COLOURS["Office teams"]}


def test_period_charts_keep_their_labels_even_for_a_single_period(demo):
    tx, surveys, spend = demo
    one_month = apply_filters(tx, Filters(start=date(2026, 10, 1), end=date(2026, 10, 31)))
    figures = compute_figures(one_month, None, None)
    for fig, axis in ((mc.layer_cake(figures.layer_cake, "EUR"), "xaxis"),
                      (mc.active_and_churn(figures.active, figures.retention), "xaxis"),
                      (mc.cohort_heatmap(figures.cohorts), "yaxis")):
        layout = fig.layout[axis]
        assert layout.type == "category" and list(layout.categoryarray) == ["2026-10"]


def test_weekly_cohort_heatmap_shows_the_latest_cohorts(demo):
    tx, _, _ = demo
    cohorts = compute_figures(tx, None, None, period="week").cohorts
    fig = mc.cohort_heatmap(cohorts)
    assert len(cohorts) > 60 and len(fig.data[0].y) == 60 and fig.data[0].y[-1] == "2026-W44"
    assert "latest 60" in fig.layout.title.text


def test_churn_axis_has_round_percentage_ticks(demo):
    tx, _, _ = demo
    figures = compute_figures(tx, None, None)
    churn_axis = mc.active_and_churn(figures.active, figures.retention).layout.yaxis2
    assert churn_axis.ticksuffix == " %" and churn_axis.tick0 == 0
    assert churn_axis.dtick in (1, 2, 5, 10, 20, 50)
    assert churn_axis.range[1] >= figures.retention["churn_rate"].max() * 100
    assert [mc._round_step(top) for top in (72, 8, 11, 100, 0.3)] == [20, 2, 5, 20, 0.1]


def test_layer_cake_has_a_cohort_colour_bar(demo):
    tx, _, _ = demo
    cake = compute_figures(tx, None, None).layer_cake
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
    surveys_table = survey_table(surveys).rename(index=rename)
    curves = {rename.get(k, k): v for k, v in retention_curves(tx, "month").items()}
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


def test_the_cohort_heatmap_writes_shares_in_its_cells_only_while_they_are_few(demo):
    """Each cell label is SVG text for the browser to draw: two years of months are coloured cells
    with their share on hover, a few quarters carry the numbers."""
    tx, _, _ = demo
    monthly = compute_figures(tx, None, None, period="month").cohorts
    quarterly = compute_figures(tx, None, None, period="quarter").cohorts
    assert monthly.notna().to_numpy().sum() > mc.CELL_LABELS_MAX >= quarterly.notna().to_numpy().sum()
    many, few = mc.cohort_heatmap(monthly), mc.cohort_heatmap(quarterly)
    assert many.data[0].text is None and "Hover a cell" in many.layout.title.subtitle.text
    assert few.data[0].texttemplate == "%{text}" and not few.layout.title.subtitle.text
    filled = [label for row in few.data[0].text for label in row if label]
    assert len(filled) == quarterly.notna().to_numpy().sum() and all(label.isdigit() for label in filled)
