"""The relationships page under AppTest: the demo's designs, editing a segment, the coach."""

from __future__ import annotations

from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from canvas import storage
from canvas.domain.models import SegmentCreate, SegmentUpdate
from canvas.library.demo import DEMO_CANVAS_ID, ensure_demo
from canvas.ui.markup import literal
from tests.support import ROOT, shown

TIMEOUT = 30


def relationships_page(database_url: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    app.query_params["canvas"] = DEMO_CANVAS_ID
    app.run()
    app.switch_page("pages/relationships.py")
    return app.run()


def save_button(app: AppTest, segment_id: str):
    return next(b for b in app.button if str(b.form_id) == f"rel_{segment_id}")


def comparison(app: AppTest):
    """The side-by-side table as shown: segments as columns, rows by label, Markdown escapes undone."""
    table = app.table[0].value
    return table.rename(columns=shown).map(shown)


def coach_labels(app: AppTest) -> list[str]:
    return [e.label for e in app.expander if e.label not in ("The six relationship types", "Key questions")
            and not e.label.startswith("Dismissed")]


def change_demo(engine, change) -> None:
    """Change the demo canvas behind the page's back (as another tab would), with its current version."""
    with Session(engine) as session:
        ensure_demo(session=session)
        version = storage.get_canvas(session=session, canvas_id=DEMO_CANVAS_ID).version
        change(session, version)


def test_demo_opens_with_three_designed_segments_and_findings(database_url):
    app = relationships_page(database_url)
    assert not app.exception
    assert [t.label for t in app.tabs] == ["Home brewers", "Office teams", "Gift buyers"]
    table = comparison(app)
    assert list(table.columns) == ["Home brewers", "Office teams", "Gift buyers"]
    assert list(table.loc["Primary type"]) == ["Automated services", "Dedicated personal assistance",
                                               "Self-service"]
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
    assert any("scaled to 34 % acquisition, 33 % retention, 33 % upselling" in shown(i.value) for i in app.info)
    assert app.number_input(key=f"{prefix}_focus_acquisition").value == 34
    with Session(engine) as session:
        design = storage.load_board(session=session, canvas_id=DEMO_CANVAS_ID).relationships["seg-gift"]
    assert design.primary_type == "communities" and set(design.types) == {"self_service", "communities"}
    assert (design.focus_acquisition, design.focus_retention, design.focus_upselling) == (34, 33, 33)
    assert design.targets["nps"] == 30.0 and design.lifecycle["renewal"].startswith("A reminder")
    assert comparison(app).loc["Primary type", "Gift buyers"] == "Communities"


def test_rate_targets_are_entered_in_percent_and_stored_as_fractions(database_url, engine):
    app = relationships_page(database_url)
    app.number_input(key="rel_seg-home_target_retention_rate").set_value(95.0)
    app = save_button(app, "seg-home").click().run()
    assert not app.error
    with Session(engine) as session:
        design = storage.load_board(session=session, canvas_id=DEMO_CANVAS_ID).relationships["seg-home"]
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
        [dismissed] = storage.load_board(session=session, canvas_id=DEMO_CANVAS_ID).dismissed
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


def test_the_form_shows_the_saved_types_on_the_very_next_run(database_url, engine):
    app = relationships_page(database_url)
    prefix = "rel_seg-gift"
    # The primary type joins the types when it is not among them: the saved types differ from
    # what was typed, and the field must show what was saved.
    app.selectbox(key=f"{prefix}_primary").set_value("communities")
    app = save_button(app, "seg-gift").click().run()
    assert not app.exception and not app.error
    with Session(engine) as session:
        saved = storage.load_board(session=session, canvas_id=DEMO_CANVAS_ID).relationships["seg-gift"].types
    assert saved == ["communities", "self_service"]
    assert app.multiselect(key=f"{prefix}_types").value == saved
    assert app.selectbox(key=f"{prefix}_primary").value == "communities"
    # Types cleared, primary kept: saved as the primary alone, and shown so.
    app.multiselect(key=f"{prefix}_types").set_value([])
    app = save_button(app, "seg-gift").click().run()
    assert app.multiselect(key=f"{prefix}_types").value == ["communities"]
    # Types picked, no primary: the first becomes the primary, in the field too.
    app.multiselect(key=f"{prefix}_types").set_value(["personal_assistance", "self_service"])
    app.selectbox(key=f"{prefix}_primary").set_value(None)
    app = save_button(app, "seg-gift").click().run()
    assert app.selectbox(key=f"{prefix}_primary").value == "personal_assistance"
    assert app.multiselect(key=f"{prefix}_types").value == ["personal_assistance", "self_service"]


def test_comparison_shows_numbers_as_the_board_does(database_url):
    table = comparison(relationships_page(database_url))
    home = table["Home brewers"]
    # 1.80 EUR x 2,600 customers + 2,500 EUR fixed
    assert (home["Total cost a month"], home["Cost per customer a month"], home["Fixed cost a month"]) == (
        "7,180 EUR", "1.80 EUR", "2,500 EUR")
    assert home["Focus: acquisition / retention / upselling"] == "30 / 50 / 20 %"
    assert home["Target: Monthly retention rate"] == "93 %" and home["Target: NPS"] == "40"
    assert table.loc["Target: Customer lifetime value", "Office teams"] == "6,000 EUR"
    assert table.loc["Target: NPS", "Gift buyers"] == "—"  # no target set
    assert table.loc["Key questions answered", "Gift buyers"] == "2 of 6"


def test_coach_rows_show_severity_most_severe_first(database_url, engine):
    change_demo(engine, lambda session, version: storage.add_segment(
        session=session, canvas_id=DEMO_CANVAS_ID,
        data=SegmentCreate(name="Cafés", estimated_size=40)))
    labels = coach_labels(relationships_page(database_url))
    assert labels[0].startswith(":red[:material/error: **High**] ")
    assert shown(labels[0]).endswith("No relationship designed for Cafés")
    severities = [label.split("**")[1] for label in labels]
    order = {"High": 0, "Medium": 1, "Low": 2}
    assert severities == sorted(severities, key=order.__getitem__) and set(severities) == {"High", "Medium", "Low"}
    assert any(label.startswith(":orange[:material/warning: **Medium**]") for label in labels)
    assert any(label.startswith(":blue[:material/info: **Low**]") for label in labels)


def test_segment_names_are_shown_as_text_not_markdown(database_url, engine):
    name = "*Gift* [buyers](https://example.com) :red[x]"
    change_demo(engine, lambda session, version: storage.update_segment(
        session=session, canvas_id=DEMO_CANVAS_ID, expected_version=1, segment_id="seg-gift",
        data=SegmentUpdate(name=name)))
    app = relationships_page(database_url)
    assert not app.exception
    user_parts = [label.split("] ", 1)[1] for label in coach_labels(app)]  # after the severity
    for text in [*user_parts, *(t.label for t in app.tabs), *app.table[0].value.columns]:
        assert name not in text, text  # every Markdown character is escaped (markup.literal)
    assert any(literal(name) in label and shown(label).endswith(name) for label in coach_labels(app))
    assert name in comparison(app).columns
    assert app.tabs[2].label == literal(name) and shown(app.tabs[2].label) == name
