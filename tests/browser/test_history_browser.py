"""A person in a real browser restores an old point of the demo canvas, then undoes the restore."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from canvas import storage
from canvas.domain.blocks import Block
from canvas.domain.models import NoteCreate, NoteUpdate
from canvas.library.demo import DEMO_CANVAS_ID
from tools.browser import wait_for_app

pytestmark = pytest.mark.browser


def _contents(engine) -> dict[str, list[str]]:
    with Session(engine) as session:
        board = storage.load_board(session=session, canvas_id=DEMO_CANVAS_ID)
    return {block.value: [n.text for n in notes] for block, notes in board.notes.items()}


def test_restore_an_old_point_and_undo_it(page, app_url, engine):
    page.goto(f"{app_url}/history?canvas={DEMO_CANVAS_ID}")  # the first visit creates the demo (v1)
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible(timeout=30_000)
    wait_for_app(page)
    at_start = _contents(engine)
    with Session(engine) as session:  # a session of work after it: add, edit, delete
        note = storage.add_note(session=session, canvas_id=DEMO_CANVAS_ID,
                                data=storage.parse(NoteCreate, block=Block.CHANNELS, text="Pop-up stand"))
        storage.update_note(session=session, canvas_id=DEMO_CANVAS_ID, note_id=note.id, expected_version=1,
                            data=storage.parse(NoteUpdate, text="Pop-up stand at the station"))
        partner = storage.load_board(session=session, canvas_id=DEMO_CANVAS_ID).notes[Block.KEY_PARTNERS][0]
        storage.delete_note(session=session, canvas_id=DEMO_CANVAS_ID, note_id=partner.id,
                            expected_version=partner.version)
    after_work = _contents(engine)
    assert after_work != at_start

    page.reload()
    wait_for_app(page)
    expect(page.get_by_text("Pop-up stand at the station").first).to_be_visible()  # on the timeline
    page.get_by_role("combobox", name="Point").click()
    page.get_by_role("option", name="v1 · the start").click()
    expect(page.get_by_role("combobox", name="Point")).to_have_value("v1 · the start")
    wait_for_app(page)
    page.get_by_role("button", name="Restore this point").click()
    expect(page.get_by_text("Restored v1 as a new version, v5")).to_be_visible(timeout=30_000)
    wait_for_app(page)
    assert _contents(engine) == at_start
    expect(page.get_by_text("Restore v1").first).to_be_visible()  # the restore is on the timeline

    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("Undone: Restore v1")).to_be_visible(timeout=30_000)
    wait_for_app(page)
    assert _contents(engine) == after_work  # nothing was lost
    with Session(engine) as session:
        assert storage.get_canvas(session=session, canvas_id=DEMO_CANVAS_ID).version == 6
