"""Every page keeps the canvas on screen: the navigation bar, the links and the library.

With two canvases, the one most recently changed is not the one being looked at, so a page that
fell back to "the most recent canvas" would show the wrong name.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from canvas import storage
from canvas.domain.models import CanvasCreate
from canvas.library.demo import DEMO_CANVAS_ID, ensure_demo
from tools.browser import wait_for_app

pytestmark = pytest.mark.browser

DEMO_NAME = "Kettle & Crema (demo)"
NAV = ["Relationships", "Metrics", "Customer data", "Library", "Canvas board"]
# The heading of each page; the board's is the canvas's name. The pages about one canvas start
# their subtitle with its name.
HEADINGS = {"Relationships": "Customer Relationships", "Metrics": "Metrics", "Customer data": "Customer data",
            "Library": "Library", "Canvas board": None}


@pytest.fixture
def two_canvases(engine) -> tuple[str, str]:
    """The demo canvas, then a newer one: the newer is what a page without a canvas would pick."""
    with Session(engine) as session:
        ensure_demo(session=session)
        other = storage.create_canvas(session=session, data=CanvasCreate(name="Second Venture", description=""))
        return DEMO_CANVAS_ID, other.id


def heading(page):
    return page.locator("h1.bmc-title").first


def expect_on_screen(page, label: str, canvas_name: str) -> None:
    """Wait until the page ``label`` of the navigation bar shows the canvas ``canvas_name``."""
    title = HEADINGS[label]
    expect(heading(page)).to_have_text(title or canvas_name)
    if title and label != "Library":
        description = page.locator("p.bmc-description").first
        expect(description).to_have_text(re.compile(rf"^{re.escape(canvas_name)}(:|$)"))


def expect_canvas_in_url(page, canvas_id: str) -> None:
    expect(page).to_have_url(re.compile(rf"[?&]canvas={re.escape(canvas_id)}(&|$)"))


def click_nav(page, label: str) -> None:
    page.locator("[data-testid='stTopNav'] a").filter(has_text=label).first.click()


def test_the_navigation_bar_keeps_the_canvas(page, app_url, two_canvases):
    demo, newer = two_canvases
    page.goto(f"{app_url}/?canvas={demo}")
    wait_for_app(page)
    expect(heading(page)).to_have_text(DEMO_NAME)
    for label in NAV:
        click_nav(page, label)
        expect_on_screen(page, label, DEMO_NAME)
        expect_canvas_in_url(page, demo)
        wait_for_app(page)

    # The other canvas, picked on the board, is kept the same way.
    page.goto(f"{app_url}/?canvas={newer}")
    wait_for_app(page)
    expect(heading(page)).to_have_text("Second Venture")
    for label in NAV:
        click_nav(page, label)
        expect_on_screen(page, label, "Second Venture")
        expect_canvas_in_url(page, newer)
        wait_for_app(page)


def test_the_in_page_links_keep_the_canvas(page, app_url, two_canvases):
    demo, _ = two_canvases
    page.goto(f"{app_url}/?canvas={demo}")
    wait_for_app(page)
    page.get_by_role("link", name=re.compile("Design relationships")).click()
    expect(page).to_have_url(re.compile("/relationships"))
    expect_canvas_in_url(page, demo)
    expect_on_screen(page, "Relationships", DEMO_NAME)


def test_the_library_opens_and_creates_canvases_on_the_board(page, app_url, two_canvases):
    demo, newer = two_canvases
    # The first request to a fresh server is a deep link: app.py's router must still run.
    page.goto(f"{app_url}/library?canvas={newer}")
    wait_for_app(page)
    expect(heading(page)).to_have_text("Library")
    expect_canvas_in_url(page, newer)
    page.locator(f".st-key-lib_canvas_{demo}").get_by_role("button", name=re.compile("Open")).click()
    expect(heading(page)).to_have_text(DEMO_NAME)
    expect_canvas_in_url(page, demo)
    wait_for_app(page)

    click_nav(page, "Library")
    expect(heading(page)).to_have_text("Library")
    wait_for_app(page)
    page.get_by_text("New canvas", exact=True).click()
    name = page.get_by_label("Name")
    name.fill("Third Try")
    expect(name).to_have_value("Third Try")
    page.get_by_role("button", name="Create canvas").click()
    expect(page.get_by_text("Created “Third Try”")).to_be_visible(timeout=15_000)  # the flash on the board
    expect(heading(page)).to_have_text("Third Try")  # on the board, not left on the library
    wait_for_app(page)
    click_nav(page, "Metrics")
    expect_on_screen(page, "Metrics", "Third Try")
