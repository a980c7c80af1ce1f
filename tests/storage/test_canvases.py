"""Canvases as a whole: create, list, rename, duplicate, trash, restore and purge."""

from __future__ import annotations

import pytest

from canvas import storage
from canvas.domain.blocks import Block
from canvas.domain.errors import CanvasNotFound, InvalidInput, NameTaken
from canvas.domain.models import CanvasCreate, CanvasUpdate, SegmentCreate
from tests.support import add_note, new_canvas, texts


def test_create_and_list(session):
    first = new_canvas(session, "First")
    second = new_canvas(session, "Second")
    assert first.version == 1
    assert {c.id for c in storage.list_canvases(session=session)} == {first.id, second.id}


def test_canvas_name_taken_case_insensitively(session):
    new_canvas(session, "Acme")
    with pytest.raises(NameTaken, match="already exists"):
        new_canvas(session, "  acme ")


def test_empty_canvas_name_names_the_field():
    with pytest.raises(InvalidInput) as error:
        storage.parse(CanvasCreate, name="   ")
    assert error.value.field == "name"
    assert "Name: The canvas name cannot be empty" == str(error.value)


def test_unknown_canvas_id(session):
    with pytest.raises(CanvasNotFound, match="no canvas with id “nope”"):
        storage.get_canvas(session=session, canvas_id="nope")


def test_rename_checks_name_and_version(session):
    new_canvas(session, "Taken")
    canvas = new_canvas(session, "Mine")
    with pytest.raises(NameTaken):
        storage.update_canvas(session=session, canvas_id=canvas.id, expected_version=1,
                            data=storage.parse(CanvasUpdate, name="taken"))
    renamed = storage.update_canvas(session=session, canvas_id=canvas.id, expected_version=1,
                                  data=storage.parse(CanvasUpdate, name="Still mine"))
    assert (renamed.name, renamed.version) == ("Still mine", 2)


def test_duplicate_copies_contents_with_fresh_ids(session):
    canvas = new_canvas(session)
    segment = storage.add_segment(session=session, canvas_id=canvas.id,
        data=storage.parse(SegmentCreate, name="Offices"))
    session.refresh(canvas)
    note = add_note(session, canvas, "Key accounts", segment_id=segment.id)
    copy = storage.duplicate_canvas(session=session, canvas_id=canvas.id)
    assert copy.name == "Acme (copy)"
    board = storage.load_board(session=session, canvas_id=copy.id)
    [copied] = board.notes[Block.CHANNELS]
    assert copied.text == "Key accounts" and copied.id != note.id
    assert board.segments_by_id[copied.segment_id].name == "Offices"
    assert copied.segment_id != segment.id
    assert storage.duplicate_canvas(session=session, canvas_id=canvas.id).name == "Acme (copy) (2)"


def test_trash_and_restore(session):
    canvas = new_canvas(session)
    add_note(session, canvas, "Kept while in the trash")
    storage.trash_canvas(session=session, canvas_id=canvas.id)
    assert storage.list_canvases(session=session) == []
    assert [c.id for c in storage.list_canvases(session=session, trashed=True)] == [canvas.id]
    with pytest.raises(CanvasNotFound, match="in the trash"):
        storage.get_canvas(session=session, canvas_id=canvas.id)
    new_canvas(session, "Acme")  # the name is free while the original is in the trash
    restored = storage.restore_canvas(session=session, canvas_id=canvas.id)
    assert restored.name == "Acme (2)"
    assert texts(session, restored) == ["Kept while in the trash"]


def test_purge_only_from_trash(session):
    canvas = new_canvas(session)
    with pytest.raises(InvalidInput, match="trash first"):
        storage.purge_canvas(session=session, canvas_id=canvas.id)
    storage.trash_canvas(session=session, canvas_id=canvas.id)
    storage.purge_canvas(session=session, canvas_id=canvas.id)
    assert storage.count_canvases(session=session) == 0
