"""Versions and undo: a stale save is refused, undo reverts the last change, history is bounded."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from canvas import storage
from canvas.domain.blocks import Block
from canvas.domain.errors import NothingToUndo, StaleCanvas
from canvas.domain.models import NoteCreate
from tests.support import add_note, new_canvas, texts


def test_a_save_based_on_a_stale_version_is_refused(engine):
    """Two people open version 1; the first saves; the second is refused, nothing overwritten."""
    with Session(engine) as setup:
        canvas = new_canvas(setup)
    with Session(engine) as alice, Session(engine) as bob:
        storage.add_note(session=alice, canvas_id=canvas.id, expected_version=1,
                       data=storage.parse(NoteCreate, block=Block.CHANNELS, text="Alice's note"))
        with pytest.raises(StaleCanvas, match="changed elsewhere") as refused:
            storage.add_note(session=bob, canvas_id=canvas.id, expected_version=1,
                           data=storage.parse(NoteCreate, block=Block.CHANNELS, text="Bob's note"))
        assert (refused.value.expected, refused.value.current) == (1, 2)
    with Session(engine) as check:
        assert texts(check, canvas) == ["Alice's note"]
        assert storage.get_canvas(session=check, canvas_id=canvas.id).version == 2


def test_undo_reverts_the_last_change_and_can_repeat(session):
    canvas = new_canvas(session)
    add_note(session, canvas, "One")
    add_note(session, canvas, "Two")
    assert storage.load_board(session=session, canvas_id=canvas.id).last_change == "Add note “Two”"
    assert storage.undo(session=session, canvas_id=canvas.id, expected_version=3) == "Add note “Two”"
    assert texts(session, canvas) == ["One"]
    assert storage.undo(session=session, canvas_id=canvas.id, expected_version=4) == "Add note “One”"
    assert texts(session, canvas) == []
    with pytest.raises(NothingToUndo):
        storage.undo(session=session, canvas_id=canvas.id, expected_version=5)


def test_undo_on_a_stale_version_is_refused(session):
    canvas = new_canvas(session)
    add_note(session, canvas, "One")
    with pytest.raises(StaleCanvas):
        storage.undo(session=session, canvas_id=canvas.id, expected_version=1)
    assert texts(session, canvas) == ["One"]


def test_undo_history_is_bounded(session, monkeypatch):
    from canvas.storage import history
    monkeypatch.setattr(history, "UNDO_DEPTH", 3)
    canvas = new_canvas(session)
    for i in range(6):
        add_note(session, canvas, f"Note {i}")
    for _ in range(3):
        storage.undo(session=session, canvas_id=canvas.id, expected_version=canvas.version)
        session.refresh(canvas)
    assert texts(session, canvas) == ["Note 0", "Note 1", "Note 2"]
    with pytest.raises(NothingToUndo):
        storage.undo(session=session, canvas_id=canvas.id, expected_version=canvas.version)
