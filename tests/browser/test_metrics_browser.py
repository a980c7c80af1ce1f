"""A founder on the metrics page in a real browser: change a filter and a what-if slider."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from canvas.library.demo import DEMO_CANVAS_ID
from tools.browser import wait_for_app

pytestmark = pytest.mark.browser
FIRST_LOAD_MS = 120_000  # a fresh database: the demo data are made and every figure computed on the first visit


def tile(page, label: str):
    """The value of the metric tile labelled ``label``."""
    box = page.locator("[data-testid='stMetric']", has=page.get_by_text(label, exact=True)).first
    return box.locator("[data-testid='stMetricValue']")


def tile_value(page, label: str) -> str:
    return tile(page, label).inner_text()


def open_section(page, label: str) -> None:
    """Open one of the chart sections' tabs (only the open one is drawn)."""
    page.get_by_role("tab", name=label).click()
    expect(page).to_have_url(re.compile(f"section={re.escape(label)}"))
    wait_for_app(page)


def number(text: str) -> float:
    return float(text.replace(",", ""))


def test_filter_and_whatif_move_the_figures(page, app_url):
    page.goto(f"{app_url}/metrics?canvas={DEMO_CANVAS_ID}")
    wait_for_app(page, FIRST_LOAD_MS)
    everyone = tile_value(page, "AOV (EUR)")
    page.get_by_role("combobox", name="Segments").click()
    page.get_by_role("option", name="Office teams").click()
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"segments=Office(\+|%20)teams"))
    expect(tile(page, "AOV (EUR)")).not_to_have_text(everyone, timeout=FIRST_LOAD_MS)  # figures of a new selection
    wait_for_app(page)
    offices = tile_value(page, "AOV (EUR)")
    assert offices != everyone and number(offices) > number(everyone)
    page.reload()  # the view is in the URL: a shared link shows the same figures
    wait_for_app(page)
    expect(tile(page, "AOV (EUR)")).to_have_text(offices)

    open_section(page, "What-if")
    before = tile_value(page, "Customers, month 24")
    slider = page.get_by_role("slider", name="Change in retention (points a month)")
    slider.focus()
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    expect(tile(page, "Customers, month 24")).not_to_have_text(before, timeout=60_000)
    wait_for_app(page)
    after = tile_value(page, "Customers, month 24")
    assert number(after) > number(before)  # a few hundred: no k suffix


def test_targets_table_shows_whole_rows_and_the_whatif_shows_resulting_values(page, app_url):
    page.set_viewport_size({"width": 1024, "height": 1000})
    page.goto(f"{app_url}/metrics?canvas={DEMO_CANVAS_ID}")
    wait_for_app(page, FIRST_LOAD_MS)
    table = page.locator("[data-testid='stDataFrame']").first  # the targets table, the page's only one
    height = table.bounding_box()["height"]
    assert round(height - 3) % 35 == 0, height  # 35 px rows under a 35 px header: none cut in half
    cac = tile_value(page, "CAC (EUR)")
    open_section(page, "What-if")
    slider = page.get_by_role("slider", name="Change in CAC (EUR)")
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")  # steps of 1 EUR
    after = f"{number(cac) + 5:,.2f}"
    expect(page.get_by_text(f"CAC {cac} → {after} EUR")).to_be_visible(timeout=60_000)
    wait_for_app(page)
    assert float(slider.input_value()) == pytest.approx(5)  # whole euros: the bounds sit on the steps
