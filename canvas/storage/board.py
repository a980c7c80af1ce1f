"""What the board shows and edits: segments and sticky notes, and the ``Board`` read in one go.

Every change here goes through ``history.changing``: it is checked against the version the user
saw and can be undone. Positions within a block (notes) or on the canvas (segments) run 0..n-1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, delete, select

from canvas.domain.blocks import Block
from canvas.domain.errors import InvalidInput, NameTaken
from canvas.domain.models import (
    Canvas,
    CanvasSnapshot,
    DismissedFinding,
    Note,
    NoteCreate,
    NoteUpdate,
    Relationship,
    Segment,
    SegmentCreate,
    SegmentUpdate,
)
from canvas.storage.history import changing
from canvas.storage.records import get_canvas, note_on_canvas, segment_on_canvas


@dataclass
class Board:
    """Everything the board page draws, read in one unit of work."""

    canvas: Canvas
    segments: list[Segment]
    notes: dict[Block, list[Note]] = field(default_factory=dict)
    relationships: dict[str, Relationship] = field(default_factory=dict)  # by segment id
    dismissed: list[DismissedFinding] = field(default_factory=list)
    last_change: str | None = None  # label of the change that undo would revert

    @property
    def segments_by_id(self) -> dict[str, Segment]:
        return {segment.id: segment for segment in self.segments}


def list_segments(*, session: Session, canvas_id: str) -> list[Segment]:
    """The canvas's segments in board order."""
    return list(
        session.exec(
            select(Segment).where(Segment.canvas_id == canvas_id).order_by(col(Segment.position), col(Segment.id))
        ).all()
    )


def load_board(*, session: Session, canvas_id: str) -> Board:
    """The canvas with its segments, notes by block, relationships and dismissed findings."""
    canvas = get_canvas(session=session, canvas_id=canvas_id)
    notes: dict[Block, list[Note]] = {block: [] for block in Block}
    for note in session.exec(
        select(Note).where(Note.canvas_id == canvas_id).order_by(col(Note.position), col(Note.id))
    ).all():
        notes[Block(note.block)].append(note)
    last = session.exec(
        select(CanvasSnapshot.label)
        .where(CanvasSnapshot.canvas_id == canvas_id)
        .order_by(col(CanvasSnapshot.id).desc())
        .limit(1)
    ).first()
    relationships = {
        r.segment_id: r for r in session.exec(select(Relationship).where(Relationship.canvas_id == canvas_id)).all()
    }
    dismissed = list(session.exec(
        select(DismissedFinding).where(DismissedFinding.canvas_id == canvas_id).order_by(col(DismissedFinding.id))
    ).all())
    return Board(
        canvas=canvas, segments=list_segments(session=session, canvas_id=canvas_id), notes=notes,
        relationships=relationships, dismissed=dismissed, last_change=last,
    )


# --- Segments ---------------------------------------------------------------------------------

def _check_segment_name_free(session: Session, canvas_id: str, name: str, except_id: str | None = None) -> None:
    query = select(Segment.id).where(Segment.canvas_id == canvas_id, func.lower(Segment.name) == name.lower())
    if except_id:
        query = query.where(col(Segment.id) != except_id)
    if session.exec(query).first() is not None:
        raise NameTaken(f"This canvas already has a segment called “{name}”.", field="name")


def add_segment(*, session: Session, canvas_id: str, expected_version: int, data: SegmentCreate) -> Segment:
    """A new segment at the end of the canvas's segments; ``NameTaken`` if the canvas has the name."""
    _check_segment_name_free(session, canvas_id, data.name)
    with changing(session, canvas_id=canvas_id, expected_version=expected_version,
                 label=f"Add segment “{data.name}”"):
        position = session.exec(
            select(func.coalesce(func.max(Segment.position) + 1, 0)).where(Segment.canvas_id == canvas_id)
        ).one()
        segment = Segment.model_validate(data, update={"canvas_id": canvas_id, "position": position})
        session.add(segment)
        session.flush()
        segment_id = segment.id
    return session.get_one(Segment, segment_id)


def update_segment(*, session: Session, canvas_id: str, expected_version: int, segment_id: str,
                   data: SegmentUpdate) -> Segment:
    """Change the fields set in ``data``."""
    segment = segment_on_canvas(session, canvas_id, segment_id)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("name"):
        _check_segment_name_free(session, canvas_id, changes["name"], except_id=segment_id)
    with changing(session, canvas_id=canvas_id, expected_version=expected_version,
                 label=f"Edit segment “{segment.name}”"):
        segment = segment_on_canvas(session, canvas_id, segment_id)
        segment.sqlmodel_update(changes)
        session.add(segment)
    return session.get_one(Segment, segment_id)


def delete_segment(*, session: Session, canvas_id: str, expected_version: int, segment_id: str) -> None:
    """Delete a segment; notes tagged with it stay, untagged (undo brings the tags back)."""
    segment = segment_on_canvas(session, canvas_id, segment_id)
    with changing(session, canvas_id=canvas_id, expected_version=expected_version,
                 label=f"Delete segment “{segment.name}”"):
        session.exec(update(Note).where(col(Note.segment_id) == segment_id).values(segment_id=None))
        session.exec(delete(Relationship).where(col(Relationship.segment_id) == segment_id))
        session.exec(delete(DismissedFinding).where(col(DismissedFinding.segment_id) == segment_id,
                                                    col(DismissedFinding.canvas_id) == canvas_id))
        session.delete(segment_on_canvas(session, canvas_id, segment_id))


def move_segment(*, session: Session, canvas_id: str, expected_version: int, segment_id: str, offset: int) -> None:
    """Move a segment ``offset`` places earlier (negative) or later (positive)."""
    segment = segment_on_canvas(session, canvas_id, segment_id)
    if not _moves(list_segments(session=session, canvas_id=canvas_id), segment_id, offset):
        return
    with changing(session, canvas_id=canvas_id, expected_version=expected_version,
                 label=f"Move segment “{segment.name}”"):
        _reorder(list_segments(session=session, canvas_id=canvas_id), segment_id, offset, session)


def _target(items: list[Any], item_id: str, offset: int) -> tuple[int, int]:
    index = next(i for i, item in enumerate(items) if item.id == item_id)
    return index, max(0, min(len(items) - 1, index + offset))


def _moves(items: list[Any], item_id: str, offset: int) -> bool:
    """Whether moving would change anything (moving the first item up is not a change)."""
    index, target = _target(items, item_id, offset)
    return index != target


def _reorder(items: list[Any], item_id: str, offset: int, session: Session) -> None:
    """Move one item ``offset`` places within ``items`` and renumber positions 0..n-1."""
    index, target = _target(items, item_id, offset)
    items.insert(target, items.pop(index))
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position
            session.add(item)


# --- Notes ------------------------------------------------------------------------------------

def _check_note_block(block: Block) -> None:
    if block == Block.CUSTOMER_SEGMENTS:
        raise InvalidInput(
            "Customer Segments holds segments, not plain notes: add a segment instead.", field="block"
        )


def add_note(*, session: Session, canvas_id: str, expected_version: int, data: NoteCreate) -> Note:
    """A new note at the end of its block, optionally tagged with a segment of the canvas."""
    block = Block(data.block)
    _check_note_block(block)
    if data.segment_id:
        segment_on_canvas(session, canvas_id, data.segment_id)
    preview = data.text if len(data.text) <= 30 else data.text[:29] + "…"
    with changing(session, canvas_id=canvas_id, expected_version=expected_version,
                 label=f"Add note “{preview}”"):
        position = session.exec(
            select(func.coalesce(func.max(Note.position) + 1, 0)).where(
                Note.canvas_id == canvas_id, Note.block == block.value
            )
        ).one()
        note = Note(
            canvas_id=canvas_id, block=block.value, text=data.text, colour=data.colour,
            segment_id=data.segment_id, position=position,
        )
        session.add(note)
        session.flush()
        note_id = note.id
    return session.get_one(Note, note_id)


def update_note(*, session: Session, canvas_id: str, expected_version: int, note_id: str, data: NoteUpdate) -> Note:
    """Change the fields set in ``data`` (text, colour, segment tag)."""
    note_on_canvas(session, canvas_id, note_id)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("segment_id"):
        segment_on_canvas(session, canvas_id, changes["segment_id"])
    with changing(session, canvas_id=canvas_id, expected_version=expected_version, label="Edit note"):
        note = note_on_canvas(session, canvas_id, note_id)
        note.sqlmodel_update(changes)
        session.add(note)
    return session.get_one(Note, note_id)


def delete_note(*, session: Session, canvas_id: str, expected_version: int, note_id: str) -> None:
    """Delete a note (undo brings it back)."""
    note_on_canvas(session, canvas_id, note_id)
    with changing(session, canvas_id=canvas_id, expected_version=expected_version, label="Delete note"):
        session.delete(note_on_canvas(session, canvas_id, note_id))


def move_note(*, session: Session, canvas_id: str, expected_version: int, note_id: str, offset: int) -> None:
    """Move a note ``offset`` places up (negative) or down (positive) within its block."""
    note = note_on_canvas(session, canvas_id, note_id)

    def siblings() -> list[Note]:
        return list(session.exec(
            select(Note).where(Note.canvas_id == canvas_id, Note.block == note.block)
            .order_by(col(Note.position), col(Note.id))
        ).all())

    if not _moves(siblings(), note_id, offset):
        return
    with changing(session, canvas_id=canvas_id, expected_version=expected_version, label="Reorder notes"):
        _reorder(siblings(), note_id, offset, session)
