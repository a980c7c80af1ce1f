"""A founder on the metrics page in a real browser: change a filter and a what-if slider."""

from __future__ import annotations

import pytest

from canvas.library.demo import DEMO_CANVAS_ID
from tools.browser import wait_for_app

pytestmark = pytest.mark.browser
FIRST_LOAD_MS = 120_000  # a fresh database: the demo data are made and every figure computed on the first visit


def tile_value(page, label: str) -> str:
    tile = page.locator("[data-testid='stMetric']", has=page.get_by_text(label, exact=True)).first
    return tile.locator("[data-testid='stMetricValue']").inner_text()


def test_filter_and_whatif_move_the_figures(page, app_url):
    page.goto(f"{app_url}/metrics?canvas={DEMO_CANVAS_ID}")
    wait_for_app(page, FIRST_LOAD_MS)
    everyone = tile_value(page, "AOV (EUR)")
    page.get_by_role("combobox", name="Segments").click()
    page.get_by_role("option", name="Office teams").click()
    page.keyboard.press("Escape")
    wait_for_app(page)
    assert "segments=Office+teams" in page.url or "segments=Office%20teams" in page.url
    offices = tile_value(page, "AOV (EUR)")
    assert offices != everyone and float(offices.replace(",", "")) > float(everyone.replace(",", ""))
    page.reload()  # the view is in the URL: a shared link shows the same figures
    wait_for_app(page)
    assert tile_value(page, "AOV (EUR)") == offices

    before = tile_value(page, "Customers, month 24")
    slider = page.get_by_role("slider", name="Change in retention (points a month)")
    slider.focus()
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    wait_for_app(page)
    page.wait_for_timeout(500)
    wait_for_app(page)
    after = tile_value(page, "Customers, month 24")
    assert float(after.replace(",", "")) > float(before.replace(",", ""))  # a few hundred: no k suffix


def test_targets_table_shows_whole_rows_and_the_whatif_shows_resulting_values(page, app_url):
    page.set_viewport_size({"width": 1024, "height": 1000})
    page.goto(f"{app_url}/metrics?canvas={DEMO_CANVAS_ID}")
    wait_for_app(page, FIRST_LOAD_MS)
    table = page.locator("[data-testid='stDataFrame']").first  # the targets table, the page's only one
    height = table.bounding_box()["height"]
    assert round(height - 3) % 35 == 0, height  # 35 px rows under a 35 px header: none cut in half
    cac = tile_value(page, "CAC (EUR)")
    slider = page.get_by_role("slider", name="Change in CAC (EUR)")
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")  # steps of 1 EUR
    wait_for_app(page)
    assert float(slider.input_value()) == pytest.approx(5)  # whole euros: the bounds sit on the steps
    after = f"{float(cac.replace(',', '')) + 5:,.2f}"
    page.get_by_text(f"CAC {cac} → {after} EUR").wait_for(timeout=60_000)
