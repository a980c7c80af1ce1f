"""What the board shows and edits: segments and sticky notes, and the ``Board`` read in one go.

Every change here goes through ``history.changing``: one log row, undoable by its author. Adds and
moves never conflict; an edit or delete is checked against the item's own version (the one the
user saw) and refused with ``ItemConflict`` if someone else changed it meanwhile. Positions within
a block (notes) or on the canvas (segments) run 0..n-1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from canvas.domain.access import Role
from canvas.domain.authors import Author
from canvas.domain.blocks import Block
from canvas.domain.errors import InvalidInput, NameTaken
from canvas.domain.lookalike import find_lookalike, lookalike_message, same_name
from canvas.domain.models import (
    Canvas,
    Change,
    DismissedFinding,
    Note,
    NoteCreate,
    NoteUpdate,
    Relationship,
    Segment,
    SegmentCreate,
    SegmentUpdate,
)
from canvas.storage.access import authorize
from canvas.storage.history import (
    already_gone,
    changing,
    claim_item,
    dump,
    fields,
    last_undoable,
    note_conflict,
    order_snapshot,
    preview,
    remove_segment_rows,
    segment_conflict,
)
from canvas.storage.records import get_canvas, note_on_canvas, segment_on_canvas


@dataclass
class Board:
    """Everything the board page draws, read in one unit of work."""

    canvas: Canvas
    segments: list[Segment]
    notes: dict[Block, list[Note]] = field(default_factory=dict)
    relationships: dict[str, Relationship] = field(default_factory=dict)  # by segment id
    dismissed: list[DismissedFinding] = field(default_factory=list)
    last_change: str | None = None  # label of the change the viewer's undo would revert

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


def load_board(*, session: Session, canvas_id: str, author: Author | None = None) -> Board:
    """The canvas with its segments, notes by block, relationships and dismissed findings;
    ``last_change`` is what undo would revert for ``author``."""
    authorize(session, canvas_id, Role.VIEW)
    canvas = get_canvas(session=session, canvas_id=canvas_id)
    notes: dict[Block, list[Note]] = {block: [] for block in Block}
    for note in session.exec(
        select(Note).where(Note.canvas_id == canvas_id).order_by(col(Note.position), col(Note.id))
    ).all():
        notes[Block(note.block)].append(note)
    last = last_undoable(session=session, canvas_id=canvas_id, author=author)
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
    query = select(Segment.name).where(Segment.canvas_id == canvas_id)
    if except_id:
        query = query.where(col(Segment.id) != except_id)
    existing = find_lookalike(name, session.exec(query).all())
    if existing is None:
        return
    if same_name(name, existing):
        raise NameTaken(f"This canvas already has a segment called “{name}”.", field="name")
    raise NameTaken(lookalike_message("segment", name, existing, where=" of this canvas"), field="name")


def add_segment(*, session: Session, canvas_id: str, data: SegmentCreate, author: Author | None = None,
                new_id: str | None = None) -> Segment:
    """A new segment at the end of the canvas's segments; ``NameTaken`` if the canvas has the name.
    Never conflicts with other people's changes. ``new_id``: the segment's id, for a caller that
    writes it elsewhere in the same transaction (a workshop note's promotion)."""
    authorize(session, canvas_id)
    _check_segment_name_free(session, canvas_id, data.name)
    segment = Segment.model_validate(data, update={"canvas_id": canvas_id, **({"id": new_id} if new_id else {})})
    segment_id = segment.id
    with changing(session, canvas_id=canvas_id, author=author, item_kind="segment", item_id=segment_id,
                  action="add", label=f"Add segment “{data.name}”") as log:
        segment.position = session.exec(
            select(func.coalesce(func.max(Segment.position) + 1, 0)).where(Segment.canvas_id == canvas_id)
        ).one()
        session.add(segment)
        session.flush()
        log.after = dump(fields(segment))
    return session.get_one(Segment, segment_id)


def _segment_or_gone(session: Session, canvas_id: str, segment_id: str) -> Segment:
    segment = session.get(Segment, segment_id)
    if segment is None or segment.canvas_id != canvas_id:
        raise already_gone(session, "segment", segment_id)
    return segment


def _write_update(session: Session, item: Note | Segment, expected_version: int, changes: dict[str, Any],
                  conflict: Callable[[], Exception], log: Change) -> None:
    """An edit of a note or a segment, inside ``changing``: claim the item's version (``conflict``
    if someone else took it first), apply ``changes``, and log the item before and after."""
    model = type(item)
    log.before = dump(fields(item))
    claim_item(session, model, col(model.id), item.id, expected_version, conflict)
    session.refresh(item)
    item.sqlmodel_update(changes)
    session.add(item)
    session.flush()
    log.after = dump(fields(item))


def update_segment(*, session: Session, canvas_id: str, segment_id: str, expected_version: int,
                   data: SegmentUpdate, author: Author | None = None) -> Segment:
    """Change the fields set in ``data``; ``expected_version`` is the segment's version the user
    saw (``ItemConflict`` if someone else changed it since)."""
    authorize(session, canvas_id)
    changes = data.model_dump(exclude_unset=True)
    segment = _segment_or_gone(session, canvas_id, segment_id)
    name = segment.name

    def conflict() -> Exception:
        return segment_conflict(session, segment_id, changes)

    if segment.version != expected_version:
        raise conflict()
    if changes.get("name"):
        _check_segment_name_free(session, canvas_id, changes["name"], except_id=segment_id)
    with changing(session, canvas_id=canvas_id, author=author, item_kind="segment", item_id=segment_id,
                  action="update", label=f"Edit segment “{name}”") as log:
        _write_update(session, segment, expected_version, changes, conflict, log)
    return session.get_one(Segment, segment_id)


def delete_segment(*, session: Session, canvas_id: str, segment_id: str, expected_version: int,
                   author: Author | None = None) -> None:
    """Delete a segment; notes tagged with it stay, untagged (undo brings the tags back)."""
    authorize(session, canvas_id)
    segment = _segment_or_gone(session, canvas_id, segment_id)

    def conflict() -> Exception:
        return segment_conflict(session, segment_id, {}, deleting=True)

    if segment.version != expected_version:
        raise conflict()
    with changing(session, canvas_id=canvas_id, author=author, item_kind="segment", item_id=segment_id,
                  action="delete", label=f"Delete segment “{segment.name}”") as log:
        before = fields(segment)
        claim_item(session, Segment, col(Segment.id), segment_id, expected_version, conflict)
        before |= remove_segment_rows(session, canvas_id, segment_id)
        session.delete(session.get_one(Segment, segment_id))
        log.before = dump(before)


def move_segment(*, session: Session, canvas_id: str, segment_id: str, offset: int,
                 author: Author | None = None) -> None:
    """Move a segment ``offset`` places earlier (negative) or later (positive). Never conflicts."""
    authorize(session, canvas_id)
    segment = segment_on_canvas(session, canvas_id, segment_id)
    segments = list_segments(session=session, canvas_id=canvas_id)
    if not _moves(segments, segment_id, offset):
        return
    with changing(session, canvas_id=canvas_id, author=author, item_kind="segment", item_id=segment_id,
                  action="move", label=f"Move segment “{segment.name}”") as log:
        log.before = dump(order_snapshot(canvas_id, segments))
        _reorder(segments, segment_id, offset, session)
        log.after = dump(order_snapshot(canvas_id, segments))


def _target(items: list[Any], item_id: str, offset: int) -> tuple[int, int]:
    index = next(i for i, item in enumerate(items) if item.id == item_id)
    return index, max(0, min(len(items) - 1, index + offset))


def _moves(items: list[Any], item_id: str, offset: int) -> bool:
    """Whether moving would change anything (moving the first item up is not a change)."""
    index, target = _target(items, item_id, offset)
    return index != target


def _reorder(items: list[Any], item_id: str, offset: int, session: Session) -> None:
    """Move one item ``offset`` places within ``items`` (reordered in place) and renumber positions
    0..n-1. Positions are not versioned: a move does not conflict with edits of the items."""
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


def add_note(*, session: Session, canvas_id: str, data: NoteCreate, author: Author | None = None,
             new_id: str | None = None) -> Note:
    """A new note at the end of its block, optionally tagged with a segment of the canvas.
    Never conflicts: two people adding notes at once both get theirs. ``new_id`` as for
    ``add_segment``."""
    authorize(session, canvas_id)
    block = Block(data.block)
    _check_note_block(block)
    if data.segment_id:
        segment_on_canvas(session, canvas_id, data.segment_id)
    note = Note(canvas_id=canvas_id, block=block.value, text=data.text, colour=data.colour,
                segment_id=data.segment_id, author_name=author.name if author else None)
    if new_id:
        note.id = new_id
    note_id = note.id
    with changing(session, canvas_id=canvas_id, author=author, item_kind="note", item_id=note_id,
                  action="add", label=f"Add note “{preview(data.text)}”") as log:
        note.position = session.exec(
            select(func.coalesce(func.max(Note.position) + 1, 0)).where(
                Note.canvas_id == canvas_id, Note.block == block.value
            )
        ).one()
        session.add(note)
        session.flush()
        log.after = dump(fields(note))
    return session.get_one(Note, note_id)


def _note_or_gone(session: Session, canvas_id: str, note_id: str) -> Note:
    note = session.get(Note, note_id)
    if note is None or note.canvas_id != canvas_id:
        raise already_gone(session, "note", note_id)
    return note


def update_note(*, session: Session, canvas_id: str, note_id: str, expected_version: int, data: NoteUpdate,
                author: Author | None = None) -> Note:
    """Change the fields set in ``data`` (text, colour, segment tag); ``expected_version`` is the
    note's version the user saw. ``ItemConflict`` (with the other person's text, and the user's
    own in ``mine``) if someone else changed the note since; nothing is written then."""
    authorize(session, canvas_id)
    changes = data.model_dump(exclude_unset=True)

    def conflict() -> Exception:
        return note_conflict(session, note_id, changes)

    if session.get(Note, note_id) is None:
        raise conflict()
    note = note_on_canvas(session, canvas_id, note_id)
    if note.version != expected_version:
        raise conflict()
    if changes.get("segment_id"):
        segment_on_canvas(session, canvas_id, changes["segment_id"])
    with changing(session, canvas_id=canvas_id, author=author, item_kind="note", item_id=note_id,
                  action="update", label=f"Edit note “{preview(note.text)}”") as log:
        _write_update(session, note, expected_version, changes, conflict, log)
    return session.get_one(Note, note_id)


def delete_note(*, session: Session, canvas_id: str, note_id: str, expected_version: int,
                author: Author | None = None) -> None:
    """Delete a note (its author's undo brings it back); refused if someone changed it since the
    user saw ``expected_version``, and explained if it is already gone."""
    authorize(session, canvas_id)
    note = _note_or_gone(session, canvas_id, note_id)

    def conflict() -> Exception:
        return note_conflict(session, note_id, {}, deleting=True)

    if note.version != expected_version:
        raise conflict()
    with changing(session, canvas_id=canvas_id, author=author, item_kind="note", item_id=note_id,
                  action="delete", label=f"Delete note “{preview(note.text)}”") as log:
        log.before = dump(fields(note))
        claim_item(session, Note, col(Note.id), note_id, expected_version, conflict)
        session.delete(session.get_one(Note, note_id))


def move_note(*, session: Session, canvas_id: str, note_id: str, offset: int, author: Author | None = None) -> None:
    """Move a note ``offset`` places up (negative) or down (positive) within its block. Never conflicts."""
    authorize(session, canvas_id)
    note = note_on_canvas(session, canvas_id, note_id)
    siblings = list(session.exec(
        select(Note).where(Note.canvas_id == canvas_id, Note.block == note.block)
        .order_by(col(Note.position), col(Note.id))
    ).all())
    if not _moves(siblings, note_id, offset):
        return
    with changing(session, canvas_id=canvas_id, author=author, item_kind="note", item_id=note_id,
                  action="move", label=f"Move note “{preview(note.text)}”") as log:
        log.before = dump(order_snapshot(canvas_id, siblings, note.block))
        _reorder(siblings, note_id, offset, session)
        log.after = dump(order_snapshot(canvas_id, siblings, note.block))
