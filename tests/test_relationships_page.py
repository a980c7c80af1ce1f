"""The relationships page under AppTest: the demo's designs, editing a segment, the coach."""

from __future__ import annotations

from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from canvas import store
from canvas.demo import DEMO_CANVAS_ID
from tests.conftest import ROOT

TIMEOUT = 30


def relationships_page(database_url: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    app.query_params["canvas"] = DEMO_CANVAS_ID
    app.run()
    app.switch_page("pages/relationships.py")
    return app.run()


def save_button(app: AppTest, segment_id: str):
    return next(b for b in app.button if str(b.form_id) == f"rel_{segment_id}")


def test_demo_opens_with_three_designed_segments_and_findings(database_url):
    app = relationships_page(database_url)
    assert not app.exception
    assert [t.label for t in app.tabs] == ["Home brewers", "Office teams", "Gift buyers"]
    table = app.dataframe[0].value
    assert list(table["Primary type"]) == ["Automated services", "Dedicated personal assistance", "Self-service"]
    titles = [e.label for e in app.expander]
    assert any("Gift buyers" in t for t in titles)  # the coach has something to say about them
    assert len(app.get("plotly_chart")) == 3


def test_redesigning_a_segment_saves_and_fixes_the_focus(database_url, engine):
    app = relationships_page(database_url)
    prefix = "rel_seg-gift"
    app.multiselect(key=f"{prefix}_types").set_value(["self_service", "communities"])
    app.selectbox(key=f"{prefix}_primary").set_value("communities")
    app.number_input(key=f"{prefix}_focus_acquisition").set_value(50)
    app.number_input(key=f"{prefix}_focus_retention").set_value(50)
    app.number_input(key=f"{prefix}_focus_upselling").set_value(50)
    app.number_input(key=f"{prefix}_target_nps").set_value(30.0)
    app.text_area(key=f"{prefix}_stage_renewal").input("A reminder before next year's holidays")
    app = save_button(app, "seg-gift").click().run()
    assert not app.exception and not app.error
    assert any("scaled to 34 % acquisition, 33 % retention, 33 % upselling" in i.value for i in app.info)
    assert app.number_input(key=f"{prefix}_focus_acquisition").value == 34
    with Session(engine) as session:
        design = store.load_board(session=session, canvas_id=DEMO_CANVAS_ID).relationships["seg-gift"]
    assert design.primary_type == "communities" and set(design.types) == {"self_service", "communities"}
    assert (design.focus_acquisition, design.focus_retention, design.focus_upselling) == (34, 33, 33)
    assert design.targets["nps"] == 30.0 and design.lifecycle["renewal"].startswith("A reminder")
    table = app.dataframe[0].value
    assert table.loc[table["Segment"] == "Gift buyers", "Primary type"].item() == "Communities"


def test_rate_targets_are_entered_in_percent_and_stored_as_fractions(database_url, engine):
    app = relationships_page(database_url)
    app.number_input(key="rel_seg-home_target_retention_rate").set_value(95.0)
    app = save_button(app, "seg-home").click().run()
    assert not app.error
    with Session(engine) as session:
        design = store.load_board(session=session, canvas_id=DEMO_CANVAS_ID).relationships["seg-home"]
    assert design.targets["retention_rate"] == 0.95


def test_dismissing_a_finding_needs_a_reason_and_keeps_it(database_url, engine):
    app = relationships_page(database_url)
    form = next(b for b in app.button if b.label == "Dismiss")
    app = form.click().run()
    assert "Say why you dismiss" in app.error[0].value
    before = sum(1 for e in app.expander if e.label != "The six relationship types")
    key = str(next(b for b in app.button if b.label == "Dismiss").form_id)
    app.text_input(key=f"{key}_reason").input("Intentional for now")
    app = next(b for b in app.button if b.label == "Dismiss" and str(b.form_id) == key).click().run()
    assert not app.error
    with Session(engine) as session:
        [dismissed] = store.load_board(session=session, canvas_id=DEMO_CANVAS_ID).dismissed
    assert dismissed.reason == "Intentional for now"
    assert any(e.label.startswith("Dismissed (1)") for e in app.expander)
    after = sum(1 for e in app.expander if e.label != "The six relationship types")
    assert after == before  # one finding fewer, one "Dismissed" expander more


def test_board_shows_the_relationship_summary_and_costs(database_url):
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    app.run()
    text = "\n".join(m.value for m in app.markdown)
    assert "Dedicated personal assistance" in text
    assert "Relationships with Office teams" in text
    # 45 € x 240 offices + 4,000 € fixed = 14,800 € a month
    assert "14,800 EUR" in text
