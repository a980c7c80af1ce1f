"""A person at the board in a real browser: add a tagged note, reorder it, reload, restart; every
note visible at 1440 and 1024 px, and the 1024 px layout on one line."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from canvas import storage
from canvas.domain.blocks import BLOCKS, Block
from canvas.library.demo import DEMO_CANVAS_ID
from tools.browser import running_app, wait_for_app

pytestmark = pytest.mark.browser


def block(page, key: str):
    return page.locator(f".st-key-board_block_{key}")


def open_popover(page, block_key: str, label: str):
    block(page, block_key).get_by_role("button", name=label).click()
    body = page.locator("[data-testid='stPopoverBody']").last
    expect(body).to_be_visible()
    return body


def add_note(page, block_key: str, text: str, segment: str | None = None) -> None:
    body = open_popover(page, block_key, "Add")
    body.get_by_label("Note").fill(text)
    if segment:
        body.get_by_role("combobox", name="Customer segment").click()  # open the select box, then pick
        page.get_by_role("option", name=segment).click()
    body.get_by_role("button", name="Add note").click()


def test_add_tag_reorder_then_reload_and_restart(page, database_url):
    with running_app(database_url) as url:
        page.goto(url)
        wait_for_app(page)
        expect(block(page, "key_partners").get_by_text("Direct-trade farms")).to_be_visible()

        add_note(page, "key_partners", "Local milk co-op", segment="Office teams")
        notes = block(page, "key_partners").locator(".bmc-note")
        note = notes.filter(has_text="Local milk co-op")
        expect(note).to_contain_text("Office teams")  # tagged: carries the segment's label and colour
        wait_for_app(page)
        added_at = [i for i, text in enumerate(notes.all_inner_texts()) if "Local milk co-op" in text][0]

        # Move it to the top of the block, one place a click.
        body = open_popover(page, "key_partners", "Edit")
        body.get_by_role("combobox", name="Note").click()
        page.get_by_role("option", name="Local milk co-op").click()
        expect(body.get_by_role("combobox", name="Note")).to_have_value("Local milk co-op")
        # The form of the picked note replaces the first note's: wait for it, or the first click
        # would move the first note.
        page.wait_for_function(
            """() => {
              const texts = [...document.querySelectorAll("[data-testid='stPopoverBody'] textarea[aria-label='Text']")];
              return texts.length === 1 && texts[0].value === "Local milk co-op";
            }""", timeout=15_000)
        wait_for_app(page)
        for place in range(added_at - 1, added_at - 4, -1):  # three clicks
            body.get_by_role("button", name="arrow_upward icon").click()  # an icon button: named by its icon
            expect(notes.nth(place)).to_contain_text("Local milk co-op", timeout=15_000)
            wait_for_app(page)
        page.keyboard.press("Escape")
        first = notes.first
        expect(first).to_contain_text("Local milk co-op")

        page.reload()
        wait_for_app(page)
        expect(page).to_have_url(re.compile("canvas="))
        expect(first).to_contain_text("Local milk co-op")
        saved_url = page.url

    with running_app(database_url) as url:  # a restart of the server, same database
        page.goto(saved_url.replace(saved_url.split("/?")[0], url))
        wait_for_app(page)
        expect(first).to_contain_text("Local milk co-op")
        expect(first).to_contain_text("Office teams")


def test_an_empty_note_shows_a_message(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    add_note(page, "channels", "   ")
    expect(page.get_by_text("Note text: The note cannot be empty")).to_be_visible()


def test_a_draft_left_by_closing_the_add_popover_is_there_when_it_opens_again(page, app_url):
    """A popover's content is drawn only while it is open; what was typed survives its closing."""
    page.goto(app_url)
    wait_for_app(page)
    body = open_popover(page, "channels", "Add")
    body.get_by_label("Note").fill("Half a thought")
    body.get_by_label("Note").blur()  # sent, as clicking elsewhere does
    wait_for_app(page)
    page.keyboard.press("Escape")
    expect(page.locator("[data-testid='stPopoverBody']")).to_have_count(0)
    wait_for_app(page)
    body = open_popover(page, "channels", "Add")
    expect(body.get_by_label("Note")).to_have_value("Half a thought")
    body.get_by_role("button", name="Add note").click()
    expect(block(page, "channels").get_by_text("Half a thought")).to_be_visible()
    wait_for_app(page)
    body = open_popover(page, "channels", "Add")  # saved: the next note starts empty
    expect(body.get_by_label("Note")).to_have_value("")


# Per block: its own notes (not the computed summaries), and what of its content lies outside its box.
BLOCK_LAYOUT = """() => [...document.querySelectorAll('[class*="st-key-board_block_"]')].map(block => {
  const box = block.getBoundingClientRect();
  const items = [...block.querySelectorAll('.bmc-note, .bmc-segment, [data-testid="stPageLink"]')];
  const outside = items.filter(item => {
    const r = item.getBoundingClientRect();
    return r.height === 0 || r.top < box.top || r.left < box.left || r.bottom > box.bottom || r.right > box.right;
  });
  return {
    block: block.className.match(/st-key-board_block_([a-z_]+)/)[1],
    notes: [...block.querySelectorAll('.bmc-note:not(.bmc-summary):not(.bmc-computed), .bmc-segment')]
      .map(note => note.innerText.trim()),
    outside: outside.map(item => item.innerText.trim().slice(0, 40)),
    scrolls: block.scrollHeight > block.clientHeight,
  };
})"""


ONE_LINE = "e => e.getBoundingClientRect().height < 2 * parseFloat(getComputedStyle(e).fontSize)"


def assert_every_note_visible(page, engine) -> None:
    with Session(engine) as session:
        board = storage.load_board(session=session, canvas_id=DEMO_CANVAS_ID)
    layout = {entry["block"]: entry for entry in page.evaluate(BLOCK_LAYOUT)}
    assert set(layout) == {block.value for block in Block}
    for block in Block:
        entry = layout[block.value]
        saved = board.segments if block == Block.CUSTOMER_SEGMENTS else board.notes[block]
        assert len(entry["notes"]) == len(saved), block
        assert entry["outside"] == [] and not entry["scrolls"], f"{block.value}: hidden {entry['outside']}"


def test_every_note_is_visible_at_1440_and_1024_px_and_1024_px_reads_on_one_line(page, app_url, engine):
    page.goto(app_url)
    for width in (1440, 1024):  # one server for both widths: starting one takes seconds
        page.set_viewport_size({"width": width, "height": 900})
        wait_for_app(page)
        assert_every_note_visible(page, engine)
        link = block(page, "customer_relationships").get_by_role("link", name="Design relationships")
        expect(link).to_be_visible()

    for key, info in BLOCKS.items():
        title = block(page, key.value).locator("p").first
        assert info.title in title.inner_text()
        assert title.evaluate(f"p => p.scrollWidth <= p.clientWidth && ({ONE_LINE})(p)"), \
            f"the title of {info.title} wraps or is cut"
        add = block(page, key.value).get_by_role("button", name="Add").bounding_box()
        edit = block(page, key.value).get_by_role("button", name="Edit").bounding_box()
        assert abs(add["y"] - edit["y"]) < 2, f"Add and Edit of {info.title} are stacked"
    undo = page.get_by_role("button", name="Undo")
    assert undo.locator("p").evaluate("p => p.textContent === 'Undo' && p.scrollWidth <= p.clientWidth")  # not "U..."
    assert page.get_by_text("Saved · v1").evaluate(ONE_LINE)


def test_notes_added_to_cost_structure_stay_visible(page, app_url, engine):
    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto(app_url)
    wait_for_app(page)
    for count, text in enumerate(("Roaster maintenance", "Cupping lab rent", "Payment fees")):
        body = open_popover(page, "cost_structure", "Add")
        colour = body.get_by_role("combobox", name="Colour")
        if count == 0:  # the next notes keep the segment chosen for the first
            expect(colour).to_be_visible()  # a note of no segment has a colour of its own
        body.get_by_role("combobox", name="Customer segment").click()
        page.get_by_role("option", name="Office teams").click()
        expect(colour).to_have_count(0)  # the segment gives the colour
        wait_for_app(page)
        body.get_by_label("Note").fill(text)
        body.get_by_role("button", name="Add note").click()
        # The close is a rerun of its own: wait for it (up to 10 s) rather than look once.
        expect(body).to_be_hidden(timeout=10_000)  # closed: it does not hide the new note
        expect(block(page, "cost_structure").locator(".bmc-note", has_text=text)).to_be_visible(timeout=10_000)
        wait_for_app(page)
    assert_every_note_visible(page, engine)
