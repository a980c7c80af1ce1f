"""The data page in a real browser: a segment link's select box opens on the first click, its
suggestion is set with the reason beside it, and what the founder confirms is saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from canvas import storage
from canvas.library.demo import DEMO_CANVAS_ID
from tools.browser import wait_for_app, wait_until_still

pytestmark = pytest.mark.browser

ORDERS = (
    "customer,date,amount,segment\n"
    "c1,2024-01-05,10.00,Home Brewer\n"
    "c2,2024-01-06,20.00,office\n"
    "c3,2024-02-07,30.00,Gift\n"
    "c4,2024-02-08,40.00,Enterprise\n"
)


def options_shown(page) -> list[str]:
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible(timeout=2_000)  # no second click: the first one must have opened it
    return [o.strip() for o in listbox.get_by_role("option").all_inner_texts()]


def hold_the_table_code(page) -> list:
    """Hold back the preview table's code, as on a slow first visit, until the test releases it:
    meanwhile the table is a placeholder above the link select boxes."""
    held: list = []
    page.route("**/static/js/DataFrame.*.js", lambda route: held.append(route))
    return held


def test_a_link_select_box_opens_on_the_first_click(page, app_url, engine, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS)
    held = hold_the_table_code(page)
    page.goto(f"{app_url}/data?canvas={DEMO_CANVAS_ID}")
    wait_for_app(page)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    office = page.get_by_role("combobox", name="office", exact=True)
    expect(office).to_be_visible(timeout=30_000)
    skeleton = page.locator("[data-testid='stSkeleton']")
    expect(skeleton.first).to_be_attached()  # the table is still loading
    # As a person would: scroll to it, then click. (An open list closes on any scroll of the page,
    # so the click does not race Playwright's own scrolling into view.)
    office.scroll_into_view_if_needed()
    wait_until_still(office)
    aimed_at = office.bounding_box()
    office.click()
    assert options_shown(page) == ["Unassigned", "Home brewers", "Office teams", "Gift buyers"]
    for route in held:
        route.continue_()
    expect(page.locator("[data-testid='stDataFrame']")).to_be_visible(timeout=30_000)
    expect(skeleton).to_have_count(0)
    wait_until_still(office)
    # The table arriving above moved nothing: a click aimed at the box lands on it (it used to
    # jump 200 px down under the pointer), and the list opened stays open.
    assert office.bounding_box()["y"] == aimed_at["y"]
    expect(page.get_by_role("listbox")).to_be_visible()
    page.keyboard.press("Escape")
    wait_for_app(page)
    expect(office).to_have_value("Office teams")  # the suggestion is set, its reason beside it
    expect(page.get_by_text("Suggested: shares the word “office”.")).to_be_visible()

    # Right after a choice in another box: nothing reruns, so nothing swallows the click.
    page.get_by_role("combobox", name="Enterprise", exact=True).click()
    page.get_by_role("option", name="Office teams").click()
    gift = page.get_by_role("combobox", name="Gift", exact=True)
    gift.scroll_into_view_if_needed()
    gift.click()
    assert "Gift buyers" in options_shown(page)
    page.get_by_role("option", name="Unassigned").click()

    page.get_by_role("button", name="Confirm and save 4 rows").click()
    expect(page.get_by_role("link", name="See the metrics")).to_be_visible(timeout=30_000)  # the way onward
    wait_for_app(page)
    with Session(engine) as session:
        dataset = storage.list_datasets(session=session, canvas_id=DEMO_CANVAS_ID)["transactions"]
    assert dataset.segment_links == {"Home Brewer": "seg-home", "office": "seg-office", "Gift": "",
                                     "Enterprise": "seg-office"}
