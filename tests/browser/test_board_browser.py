"""A person at the board in a real browser: add a tagged note, reorder it, reload, restart."""

from __future__ import annotations

import pytest

from tools.browser import running_app, wait_for_app

pytestmark = pytest.mark.browser


def block(page, key: str):
    return page.locator(f".st-key-board_block_{key}")


def open_popover(page, block_key: str, label: str):
    block(page, block_key).get_by_role("button", name=label).click()
    body = page.locator("[data-testid='stPopoverBody']").last
    body.wait_for(state="visible")
    return body


def add_note(page, block_key: str, text: str, segment: str | None = None) -> None:
    body = open_popover(page, block_key, "Add")
    body.get_by_label("Note").fill(text)
    if segment:
        body.get_by_role("combobox", name="Customer segment").click()  # open the select box, then pick
        page.get_by_role("option", name=segment).click()
    body.get_by_role("button", name="Add note").click()
    page.keyboard.press("Escape")
    wait_for_app(page)


def test_add_tag_reorder_then_reload_and_restart(page, database_url):
    with running_app(database_url) as url:
        page.goto(url)
        wait_for_app(page)
        assert block(page, "key_partners").get_by_text("Direct-trade farms").is_visible()

        add_note(page, "key_partners", "Local milk co-op", segment="Office teams")
        note = block(page, "key_partners").locator(".bmc-note", has_text="Local milk co-op")
        note.wait_for()
        assert "Office teams" in note.inner_text()  # tagged: carries the segment's label and colour

        # Move it to the top of the block.
        body = open_popover(page, "key_partners", "Edit")
        body.get_by_role("combobox", name="Note").click()
        page.get_by_role("option", name="Local milk co-op").click()
        for _ in range(3):
            body.get_by_role("button", name="↑").click()
            wait_for_app(page)
        page.keyboard.press("Escape")
        first = block(page, "key_partners").locator(".bmc-note").first
        assert "Local milk co-op" in first.inner_text()

        page.reload()
        wait_for_app(page)
        assert "canvas=" in page.url
        first = block(page, "key_partners").locator(".bmc-note").first
        assert "Local milk co-op" in first.inner_text()
        saved_url = page.url

    with running_app(database_url) as url:  # a restart of the server, same database
        page.goto(saved_url.replace(saved_url.split("/?")[0], url))
        wait_for_app(page)
        first = block(page, "key_partners").locator(".bmc-note").first
        assert "Local milk co-op" in first.inner_text() and "Office teams" in first.inner_text()


def test_an_empty_note_shows_a_message(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    add_note(page, "channels", "   ")
    assert page.get_by_text("Note text: The note cannot be empty").is_visible()
