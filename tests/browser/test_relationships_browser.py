"""The relationships page in a real browser: the form after a save, and the layout at 1024 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from canvas import storage
from canvas.library.demo import DEMO_CANVAS_ID
from tools.browser import wait_for_app

pytestmark = pytest.mark.browser
FIRST_VISIT_MS = 90_000  # a fresh server's first run creates the demo canvas and its data


def chips(panel, count: int) -> list[str]:
    """The selected values of the panel's first multiselect (Relationship types), once ``count``
    of them are shown (the widget may still be repainting right after a run)."""
    tags = panel.locator("[data-testid='stMultiSelect']").first.locator("[data-tag]")
    expect(tags).to_have_count(count, timeout=15_000)
    return [tags.nth(i).get_attribute("aria-label") for i in range(count)]


def test_saved_types_show_at_once_without_a_reload(page, app_url, engine):
    page.goto(f"{app_url}/relationships?canvas={DEMO_CANVAS_ID}")
    wait_for_app(page, FIRST_VISIT_MS)
    page.get_by_role("tab", name="Gift buyers").click()
    panel = page.locator("[data-testid='stTabPanel']:visible")
    assert chips(panel, 1) == ["Self-service"]
    # A primary type that is not among the types joins them when saved.
    panel.locator("[data-testid='stSelectbox']").filter(has_text="Primary type").click()
    page.get_by_role("option", name="Communities", exact=True).click()
    panel.get_by_role("button", name="Save relationship with Gift buyers").click()
    panel = page.locator("[data-testid='stTabPanel']:visible")
    assert chips(panel, 2) == ["Communities", "Self-service"]  # shown by the save's run
    wait_for_app(page)
    with Session(engine) as session:
        saved = storage.load_board(session=session, canvas_id=DEMO_CANVAS_ID).relationships["seg-gift"]
    assert saved.types == ["communities", "self_service"]


def test_layout_reads_at_1024(page, app_url):
    page.set_viewport_size({"width": 1024, "height": 1000})
    page.goto(f"{app_url}/relationships?canvas={DEMO_CANVAS_ID}")
    wait_for_app(page, FIRST_VISIT_MS)
    table = page.locator("[data-testid='stTable']").first  # the comparison; the types' table is below
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth + 1"), "the comparison scrolls sideways"
    expect(table).to_contain_text("7,180 EUR")
    panel = page.locator("[data-testid='stTabPanel']:visible")
    for widget in panel.locator("[data-testid='stMultiSelect']").all():
        box = widget.bounding_box()
        for tag in widget.locator("[data-tag]").all():
            chip = tag.bounding_box()
            assert chip["x"] + chip["width"] <= box["x"] + box["width"], tag.get_attribute("aria-label")

    def input_tops(labels: list[str]) -> set[float]:
        return {round(panel.get_by_label(label, exact=True).bounding_box()["y"]) for label in labels}

    assert len(input_tops(["Cost per customer a month (EUR)", "Fixed cost a month (EUR)"])) == 1
    assert len(input_tops(["Monthly retention rate (%)", "Monthly churn rate (%)", "Repeat purchase rate (%)",
                           "NPS"])) == 1
    assert len(input_tops(["CSAT (%)", "Customer lifetime value (EUR)", "Customer acquisition cost (EUR)"])) == 1
