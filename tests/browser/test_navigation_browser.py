"""Every page keeps the canvas on screen: the navigation bar, the links and the library.

With two canvases, the one most recently changed is not the one being looked at, so a page that
fell back to "the most recent canvas" would show the wrong name.
"""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session

from canvas import storage
from canvas.library.demo import DEMO_CANVAS_ID, ensure_demo
from canvas.domain.models import CanvasCreate
from tools.browser import wait_for_app

pytestmark = pytest.mark.browser

DEMO_NAME = "Kettle & Crema (demo)"
NAV = ["Relationships", "Metrics", "Customer data", "Library", "Canvas board"]


@pytest.fixture
def two_canvases(engine) -> tuple[str, str]:
    """The demo canvas, then a newer one: the newer is what a page without a canvas would pick."""
    with Session(engine) as session:
        ensure_demo(session=session)
        other = storage.create_canvas(session=session, data=CanvasCreate(name="Second Venture", description=""))
        return DEMO_CANVAS_ID, other.id


def heading(page) -> str:
    return page.locator("h1.bmc-title").first.inner_text()


def canvas_on_screen(page) -> str:
    """The board's heading is the canvas name; the other pages start their subtitle with it."""
    if page.locator("p.bmc-description").count() and heading(page) in ("Customer Relationships", "Metrics",
                                                                       "Customer data"):
        return page.locator("p.bmc-description").first.inner_text().split(":")[0]
    return heading(page)


def click_nav(page, label: str) -> None:
    page.locator("[data-testid='stTopNav'] a").filter(has_text=label).first.click()
    wait_for_app(page)


def test_the_navigation_bar_keeps_the_canvas(page, app_url, two_canvases):
    demo, newer = two_canvases
    page.goto(f"{app_url}/?canvas={demo}")
    wait_for_app(page)
    assert heading(page) == DEMO_NAME
    for label in NAV:
        click_nav(page, label)
        assert f"canvas={demo}" in page.url, (label, page.url)
        assert canvas_on_screen(page) == ("Library" if label == "Library" else DEMO_NAME), label

    # The other canvas, picked on the board, is kept the same way.
    page.goto(f"{app_url}/?canvas={newer}")
    wait_for_app(page)
    assert heading(page) == "Second Venture"
    for label in NAV:
        click_nav(page, label)
        assert f"canvas={newer}" in page.url, (label, page.url)
        assert canvas_on_screen(page) == ("Library" if label == "Library" else "Second Venture"), label


def test_the_in_page_links_keep_the_canvas(page, app_url, two_canvases):
    demo, _ = two_canvases
    page.goto(f"{app_url}/?canvas={demo}")
    wait_for_app(page)
    page.get_by_role("link", name=re.compile("Design relationships")).click()
    wait_for_app(page)
    assert "/relationships" in page.url and f"canvas={demo}" in page.url
    assert canvas_on_screen(page) == DEMO_NAME


def test_the_library_opens_and_creates_canvases_on_the_board(page, app_url, two_canvases):
    demo, newer = two_canvases
    page.goto(f"{app_url}/library?canvas={newer}")
    wait_for_app(page)
    page.locator(f".st-key-lib_canvas_{demo}").get_by_role("button", name=re.compile("Open")).click()
    wait_for_app(page)
    assert heading(page) == DEMO_NAME
    assert f"canvas={demo}" in page.url

    click_nav(page, "Library")
    page.get_by_text("New canvas", exact=True).click()
    page.get_by_label("Name").fill("Third Try")
    page.get_by_role("button", name="Create canvas").click()
    wait_for_app(page)
    assert heading(page) == "Third Try"  # on the board, not left on the library
    click_nav(page, "Metrics")
    assert canvas_on_screen(page) == "Third Try"
