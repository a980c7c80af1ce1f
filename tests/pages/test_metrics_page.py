"""The metrics page under AppTest: tiles, targets, filters in the URL, what-if, empty state."""

from __future__ import annotations

import json

from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from canvas import storage
from canvas.cli import main
from canvas.domain.formatting import format_value
from canvas.domain.models import CanvasCreate
from canvas.library.demo import DEMO_CANVAS_ID
from tests.support import ROOT, shown

SECTIONS = ("Retention", "Customer value", "Cost vs value", "What-if")  # the chart sections' tabs


def metrics_page(query: dict[str, str]) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    app.switch_page("pages/metrics.py")
    return app.run()


def test_demo_dashboard_shows_every_tile_and_chart(database_url):
    app = metrics_page({"canvas": DEMO_CANVAS_ID})
    assert not app.exception and not app.error
    labels = [m.label for m in app.metric]
    for label in ("Active customers", "Retention", "Churn", "Repeat purchase rate", "AOV (EUR)",
                  "CLV (EUR)", "NRR", "NPS", "CSAT", "CAC (EUR)", "LTV : CAC"):
        assert label in labels
    charts = {}
    for section in SECTIONS:  # only the open section's charts are drawn: each one in turn
        app.session_state["section"] = section
        app = app.run()
        assert not app.exception and not app.error
        charts[section] = [chart.key for chart in app.get("plotly_chart")]
    assert all(charts.values()) and sum(len(keys) for keys in charts.values()) == 12
    assert set(charts["What-if"]) == {"met_whatif"}
    targets = app.dataframe[0].value
    assert set(targets["status"]) <= {"met", "missed", "no data"} and "missed" in set(targets["status"])


def test_a_single_segment_shows_its_targets_on_the_tiles(database_url):
    app = metrics_page({"canvas": DEMO_CANVAS_ID, "segments": "Office teams"})
    badges = "\n".join(m.value for m in app.markdown if "badge" in m.value)
    assert "target" in badges
    assert app.multiselect(key="met_segments").value == ["Office teams"]


def test_bad_filter_values_in_the_link_are_explained(database_url):
    app = metrics_page({"canvas": DEMO_CANVAS_ID, "period": "decade"})
    assert any("'decade'" in shown(w.value) for w in app.warning)
    assert not app.exception


def test_whatif_baseline_equals_measured_and_moves_with_retention(database_url):
    app = metrics_page({"canvas": DEMO_CANVAS_ID, "section": "What-if"})  # a link to the section opens it
    customers = next(m for m in app.metric if m.label == "Customers, month 24")
    assert not customers.delta  # nothing changed: the scenario is the baseline
    app.slider(key="met_wi_retention").set_value(3.0)
    app = app.run()
    customers = next(m for m in app.metric if m.label == "Customers, month 24")
    assert customers.delta.startswith("+") and customers.delta.endswith("vs baseline")


def test_empty_state_offers_the_demo_data(database_url, engine):
    with Session(engine) as session:
        other = storage.create_canvas(session=session, data=storage.parse(CanvasCreate, name="Fresh idea"))
    app = metrics_page({"canvas": other.id})
    assert any("No customer data linked yet" in m.value for m in app.markdown)
    app = app.button(key="met_use_demo").click().run()
    assert not app.exception
    assert any(m.label == "Active customers" for m in app.metric)


def test_targets_are_judged_on_monthly_figures_at_any_granularity(database_url):
    by_month = metrics_page({"canvas": DEMO_CANVAS_ID}).dataframe[0].value  # the targets table
    by_week = metrics_page({"canvas": DEMO_CANVAS_ID, "period": "week"}).dataframe[0].value
    assert by_week["status"].tolist() == by_month["status"].tolist()
    assert by_week["measured"].tolist() == by_month["measured"].tolist()


def test_tile_changes_are_written_by_kind_and_whatif_sliders_say_what_they_lead_to(database_url):
    app = metrics_page({"canvas": DEMO_CANVAS_ID, "section": "What-if"})
    tiles = {m.label: m for m in app.metric}
    assert "." not in tiles["Active customers"].delta  # a count changes by whole customers
    assert tiles["NPS"].delta.endswith(" pts") and tiles["Retention"].delta.endswith(" pts")
    cac = tiles["CAC (EUR)"].value
    slider = app.slider(key="met_wi_cac")
    assert slider.label == "Change in CAC (EUR)" and slider.value == 0
    assert any(c.value == f"CAC {cac} EUR, unchanged" for c in app.caption)
    app = slider.set_value(5.0).run()
    after = f"{float(cac.replace(',', '')) + 5:,.2f}"
    assert any(c.value == f"CAC {cac} → {after} EUR" for c in app.caption)
    assert app.slider(key="met_wi_cost").label.startswith("Change in relationship cost")


def test_the_cli_and_the_page_show_the_same_figures_under_the_same_labels(database_url, capsys):
    assert main(["demo"]) == 0
    capsys.readouterr()
    assert main(["metrics", "--canvas", DEMO_CANVAS_ID, "--json"]) == 0
    tiles = json.loads(capsys.readouterr().out)["tiles"]
    app = metrics_page({"canvas": DEMO_CANVAS_ID})
    shown = {m.label: m for m in app.metric}
    assert len(tiles) == 11 and {t["label"] for t in tiles} <= set(shown)
    for tile in tiles:
        metric = shown[tile["label"]]
        assert metric.value == format_value(tile["value"], tile["unit"]), tile["label"]
        assert metric.help.startswith(tile["window"].capitalize() + "."), tile["label"]  # the same window
    windows = {t["label"]: t["window"] for t in tiles}
    assert windows["Active customers"] == windows["NRR"] == "last month" and windows["AOV (EUR)"] == "whole selection"


def test_a_filter_change_keeps_the_open_section_and_the_coach_opens_its_chart(database_url):
    app = metrics_page({"canvas": DEMO_CANVAS_ID, "section": "Cost vs value"})
    app = app.multiselect(key="met_segments").set_value(["Office teams"]).run()
    assert app.query_params["segments"] == "Office teams" and app.query_params["section"] == "Cost vs value"
    assert app.query_params["canvas"] == DEMO_CANVAS_ID
    assert {chart.key for chart in app.get("plotly_chart")} == {"met_cost_value", "met_ltv_cac", "met_by_type"}
    see = next(b for b in app.button if b.label == "See the chart: Customer value")  # a missed target
    app = see.click().run()
    assert "met_clv_seg" in {chart.key for chart in app.get("plotly_chart")}
