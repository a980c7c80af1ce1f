"""The board's notes and segments: add, edit, reorder, delete, and what is refused."""

from __future__ import annotations

import pytest

from canvas import storage
from canvas.domain.blocks import Block
from canvas.domain.errors import InvalidInput, NameTaken
from canvas.domain.models import NOTE_MAX_CHARS, NoteUpdate, SegmentCreate, SegmentUpdate
from tests.support import add_note, new_canvas, texts

# --- notes ------------------------------------------------------------------------------------

def test_add_edit_reorder_delete_notes(session):
    canvas = new_canvas(session)
    first = add_note(session, canvas, "One")
    add_note(session, canvas, "Two")
    third = add_note(session, canvas, "Three")
    assert texts(session, canvas) == ["One", "Two", "Three"]
    storage.move_note(session=session, canvas_id=canvas.id, note_id=third.id,
                      offset=-1)
    session.refresh(canvas)
    assert texts(session, canvas) == ["One", "Three", "Two"]
    storage.move_note(session=session, canvas_id=canvas.id, note_id=first.id,
                      offset=-1)
    session.refresh(canvas)
    assert texts(session, canvas) == ["One", "Three", "Two"]  # already first: stays
    storage.update_note(session=session, canvas_id=canvas.id, expected_version=1, note_id=first.id,
                      data=storage.parse(NoteUpdate, text="Uno", colour="#bfe3ff"))
    session.refresh(canvas)
    board = storage.load_board(session=session, canvas_id=canvas.id)
    assert (board.notes[Block.CHANNELS][0].text, board.notes[Block.CHANNELS][0].colour) == ("Uno", "#BFE3FF")
    storage.delete_note(session=session, canvas_id=canvas.id, expected_version=2, note_id=first.id)
    session.refresh(canvas)
    assert texts(session, canvas) == ["Three", "Two"]
    assert canvas.version == 7


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "Note text: The note cannot be empty"),
        ("x" * (NOTE_MAX_CHARS + 1), f"is {NOTE_MAX_CHARS + 1} characters long; the limit is {NOTE_MAX_CHARS}"),
    ],
)
def test_bad_note_text_is_refused_with_a_reason(session, text, message):
    canvas = new_canvas(session)
    with pytest.raises(InvalidInput, match=message):
        add_note(session, canvas, text)
    assert texts(session, canvas) == []
    assert storage.get_canvas(session=session, canvas_id=canvas.id).version == 1


def test_segments_block_takes_segments_not_notes(session):
    canvas = new_canvas(session)
    with pytest.raises(InvalidInput, match="add a segment instead"):
        add_note(session, canvas, "Offices", block=Block.CUSTOMER_SEGMENTS)


def test_tagging_a_note_with_another_canvas_segment_is_refused(session):
    mine, theirs = new_canvas(session, "Mine"), new_canvas(session, "Theirs")
    foreign = storage.add_segment(session=session, canvas_id=theirs.id,
        data=storage.parse(SegmentCreate, name="Theirs"))
    with pytest.raises(InvalidInput, match="segment no longer exists"):
        add_note(session, mine, "Sneaky", segment_id=foreign.id)


# --- segments ---------------------------------------------------------------------------------

def test_segments_crud_and_untagging_on_delete(session):
    canvas = new_canvas(session)
    offices = storage.add_segment(session=session, canvas_id=canvas.id,
        data=storage.parse(SegmentCreate, name="Offices", colour="#e4572e", estimated_size=240))
    session.refresh(canvas)
    with pytest.raises(NameTaken):
        storage.add_segment(session=session, canvas_id=canvas.id,
        data=storage.parse(SegmentCreate, name="offices"))
    note = add_note(session, canvas, "Account manager", segment_id=offices.id)
    storage.update_segment(session=session, canvas_id=canvas.id, expected_version=1,
                         segment_id=offices.id, data=storage.parse(SegmentUpdate, estimated_size=300))
    session.refresh(canvas)
    assert storage.list_segments(session=session, canvas_id=canvas.id)[0].estimated_size == 300
    storage.delete_segment(session=session, canvas_id=canvas.id, expected_version=2, segment_id=offices.id)
    session.refresh(canvas)
    board = storage.load_board(session=session, canvas_id=canvas.id)
    assert board.segments == []
    assert board.notes[Block.CHANNELS][0].id == note.id and board.notes[Block.CHANNELS][0].segment_id is None
    # Undo brings back the segment and the tag.
    storage.undo(session=session, canvas_id=canvas.id)
    board = storage.load_board(session=session, canvas_id=canvas.id)
    assert board.notes[Block.CHANNELS][0].segment_id == offices.id


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "segment name cannot be empty"),
        ({"name": "A", "estimated_size": -5}, "between 0 and"),
        ({"name": "A", "colour": "blue"}, "not a colour"),
    ],
)
def test_bad_segment_fields(fields, message):
    with pytest.raises(InvalidInput, match=message):
        storage.parse(SegmentCreate, **fields)
