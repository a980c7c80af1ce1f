"""A segment named with Plotly's HTML (a link, bold) reaches every chart escaped: the figure's JSON,
what the browser gets, holds ``&lt;a href=...`` and never a tag Plotly would draw."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pandas as pd

from canvas.analytics.chart_data import retention_curves, survey_table
from canvas.ui.charts import metrics as mc
from canvas.ui.charts import relationships as rc
from canvas.ui.charts.relationships import plain
from tests.analytics.linked_demo import COLOURS

HOSTILE = '<a href="https://evil.example">x</a><b>B</b><span style="color:red">s</span>'
ESCAPED = '&lt;a href="https://evil.example">x&lt;/a>&lt;b>B&lt;/b>&lt;span style="color:red">s&lt;/span>'


def strings(value) -> list[str]:
    """Every string in a decoded JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [s for item in value for s in strings(item)] if isinstance(value, list) else []


def check(fig) -> None:
    texts = strings(json.loads(fig.to_json()))  # what the browser's Plotly gets
    assert any(ESCAPED in t for t in texts), "the escaped name is missing"
    assert not any("<a href" in t or "<b>B" in t or "<span style" in t for t in texts)


def test_plain_escapes_only_what_plotly_reads_as_markup():
    assert plain(HOSTILE) == ESCAPED
    assert plain("Ben & Jerry's <3") == "Ben &amp; Jerry's &lt;3"


def test_relationship_charts_hold_the_name_escaped():
    segments = [SimpleNamespace(id="a", name=HOSTILE, colour="#1F77B4", estimated_size=900)]
    designs = {"a": SimpleNamespace(types=["automated_services", "self_service"], primary_type="automated_services",
                                    focus_retention=40, cost_per_customer_month=2.0, cost_fixed_month=100.0)}
    for fig in (rc.relationship_spectrum(segments, designs), rc.cost_vs_retention(segments, designs, "EUR"),
                rc.relationship_costs(segments, designs, "EUR")):
        check(fig)


def test_metrics_charts_hold_the_name_escaped(demo):
    tx, surveys, _ = demo
    colours = {**COLOURS, HOSTILE: "#E4572E"}
    table = pd.DataFrame({"historical": [67.0, 5003.0], "predictive": [32.0, 3211.0],
                          "lifetime_cost": [0.7, 2800.0], "clv": [67.0, 5003.0], "customers": [900.0, 40.0],
                          "cac": [25.0, 441.0]}, index=["Gift buyers", HOSTILE])
    values = pd.DataFrame({"segment": ["Gift buyers", HOSTILE], "value": [10.0, 20.0]})
    curves = {HOSTILE if k == "Office teams" else k: v for k, v in retention_curves(tx, "month").items()}
    for fig in (mc.clv_by_segment(table, colours, "EUR", predictive=True), mc.cost_vs_value(table, colours, "EUR"),
                mc.ltv_vs_cac(table, colours, "EUR"), mc.clv_distribution(values, colours, "EUR"),
                mc.nps_csat_by_segment(survey_table(surveys).rename(index={"Office teams": HOSTILE}), colours),
                mc.retention_curves(curves, colours)):
        check(fig)
