"""Canvases as a whole: create, list, rename, duplicate, and the trash (trash, restore, purge).

Names are unique among live canvases, ignoring case and look-alike letters (``domain.lookalike``);
a canvas in the trash keeps its name until it is restored, when it is renamed if the name was
taken meanwhile.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, delete, select

from canvas.domain.authors import Author
from canvas.domain.document import canvas_document, replace_contents
from canvas.domain.errors import InvalidInput, ItemConflict, NameTaken
from canvas.domain.lookalike import find_lookalike, lookalike_message, same_name, skeleton
from canvas.domain.models import (
    CANVAS_NAME_MAX_CHARS,
    Canvas,
    CanvasCreate,
    CanvasUpdate,
    Change,
    Dataset,
    DismissedFinding,
    Note,
    Relationship,
    RememberedLink,
    Segment,
    utcnow,
)
from canvas.storage.access import authorize
from canvas.storage.board import list_segments
from canvas.storage.dataset_store import Writes
from canvas.storage.datasets import commit_or_remove, copy_datasets
from canvas.storage.forms import parse
from canvas.storage.history import last_editor, log_canvas_change
from canvas.storage.records import get_canvas


def list_canvases(*, session: Session, trashed: bool = False) -> list[Canvas]:
    """Live canvases (or those in the trash), most recently changed first."""
    condition = col(Canvas.deleted_at).is_not(None) if trashed else col(Canvas.deleted_at).is_(None)
    return list(session.exec(select(Canvas).where(condition).order_by(col(Canvas.updated_at).desc())).all())


def count_canvases(*, session: Session) -> int:
    """All canvases, including those in the trash."""
    return session.exec(select(func.count()).select_from(Canvas)).one()


def _live_names(session: Session, *, except_id: str | None = None) -> list[str]:
    query = select(Canvas.name).where(col(Canvas.deleted_at).is_(None))
    if except_id:
        query = query.where(col(Canvas.id) != except_id)
    return list(session.exec(query).all())


def _check_name_free(session: Session, name: str, *, except_id: str | None = None) -> None:
    """``NameTaken`` when a live canvas has the name, or one that looks like it (``lookalike``),
    naming that canvas as it is written."""
    existing = find_lookalike(name, _live_names(session, except_id=except_id))
    if existing is None:
        return
    if same_name(name, existing):
        raise NameTaken(f"A canvas called “{name}” already exists. Choose another name.", field="name")
    raise NameTaken(lookalike_message("canvas", name, existing), field="name")


def free_name(session: Session, base: str, suffix: str = "") -> str:
    """``base + suffix``, or “base suffix (2)”, “base suffix (3)”…: the first name no live canvas
    has (nor one that looks like it), with ``base`` shortened where needed so that every
    candidate fits the name's limit."""
    taken = {skeleton(name) for name in _live_names(session)}
    n = 1
    while True:
        tail = suffix + (f" ({n})" if n > 1 else "")
        name = base[:CANVAS_NAME_MAX_CHARS - len(tail)].rstrip() + tail
        if skeleton(name) not in taken:
            return name
        n += 1


def create_canvas(*, session: Session, data: CanvasCreate) -> Canvas:
    """A new, empty canvas at version 1; ``NameTaken`` if a live canvas has the name."""
    authorize(session, None)
    _check_name_free(session, data.name)
    canvas = Canvas.model_validate(data)
    session.add(canvas)
    session.commit()
    session.refresh(canvas)
    return canvas


def update_canvas(*, session: Session, canvas_id: str, expected_version: int, data: CanvasUpdate,
                  author: Author | None = None) -> Canvas:
    """Change the canvas's name, description or currency (only the fields set in ``data``).

    ``expected_version`` is the canvas version the user saw; only a later change of these same
    fields by someone else is a conflict (``ItemConflict``): notes added meanwhile are not.
    """
    authorize(session, canvas_id)
    changes = data.model_dump(exclude_unset=True)
    canvas = get_canvas(session=session, canvas_id=canvas_id)
    later = session.exec(
        select(Change.id).where(Change.canvas_id == canvas_id, Change.item_kind == "canvas",
                                col(Change.action).in_(("update", "replace")), col(Change.seq) > expected_version)
    ).first()
    if later is not None:
        who = last_editor(session, canvas_id)
        raise ItemConflict(
            f"{who} changed this canvas's details meanwhile; it is now called “{canvas.name}”. Your changes are "
            "still in the form: save again to replace theirs, or cancel.",
            item_kind="canvas", item_id=canvas_id, current=_details(canvas), mine=changes, by=who,
        )
    if changes.get("name"):
        _check_name_free(session, changes["name"], except_id=canvas_id)
    label = "Rename canvas" if set(changes) == {"name"} else "Edit canvas details"
    before = _details(canvas)
    try:
        canvas.sqlmodel_update(changes)
        session.add(canvas)
        log_canvas_change(session, canvas_id=canvas_id, action="update", label=label, author=author,
                          before=before, after=_details(canvas))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(canvas)
    return canvas


def _details(canvas: Canvas) -> dict[str, str]:
    return {"name": canvas.name, "description": canvas.description, "currency": canvas.currency}


def duplicate_canvas(*, session: Session, canvas_id: str, name: str | None = None) -> Canvas:
    """A new canvas with the same contents (fresh ids) and the same customer data, linked to the
    copy's segments; named “<name> (copy)” unless given. All or nothing: the data files are
    copied first and removed again if the commit fails."""
    authorize(session, None)
    original = get_canvas(session=session, canvas_id=canvas_id)
    document = canvas_document(session, original)
    if name:
        name = parse(CanvasCreate, name=name).name  # the same name rule as a new canvas
        _check_name_free(session, name)
    else:
        name = free_name(session, original.name, " (copy)")
    copy = Canvas(name=name, description=original.description, currency=original.currency)
    session.add(copy)
    session.flush()
    document["canvas"]["name"] = name
    try:
        replace_contents(session, copy, document, keep_ids=False)
        written = copy_datasets(session=session, source_id=original.id, target_id=copy.id,
                                segment_ids=matching_segments(session, original.id, copy.id))
    except BaseException:
        session.rollback()
        raise
    commit_or_remove(session, written)
    session.refresh(copy)
    return copy


def matching_segments(session: Session, source_id: str, target_id: str) -> dict[str, str]:
    """Segment ids of one canvas -> the ids of the other canvas's segments of the same name (a
    copy's segments have fresh ids; names are unique within a canvas)."""
    by_name = {s.name: s.id for s in list_segments(session=session, canvas_id=target_id)}
    return {s.id: by_name[s.name] for s in list_segments(session=session, canvas_id=source_id) if s.name in by_name}


def trash_canvas(*, session: Session, canvas_id: str) -> Canvas:
    """Move a canvas to the trash; nothing is deleted and it can be restored."""
    authorize(session, None)
    canvas = get_canvas(session=session, canvas_id=canvas_id)
    canvas.deleted_at = utcnow()
    session.add(canvas)
    log_canvas_change(session, canvas_id=canvas_id, action="trash", label="Move to the trash")
    session.commit()
    session.refresh(canvas)
    return canvas


def restore_canvas(*, session: Session, canvas_id: str) -> Canvas:
    """Bring a canvas back from the trash; renamed “name (2)” if a live canvas took its name meanwhile."""
    authorize(session, None)
    canvas = get_canvas(session=session, canvas_id=canvas_id, include_trashed=True)
    if canvas.deleted_at is None:
        return canvas
    canvas.name = free_name(session, canvas.name)
    canvas.deleted_at = None
    session.add(canvas)
    log_canvas_change(session, canvas_id=canvas_id, action="restore", label="Restore from the trash")
    session.commit()
    session.refresh(canvas)
    return canvas


def purge_canvas(*, session: Session, canvas_id: str) -> None:
    """Delete a canvas in the trash for good, with its history and its dataset files."""
    authorize(session, None)
    canvas = get_canvas(session=session, canvas_id=canvas_id, include_trashed=True)
    if canvas.deleted_at is None:
        raise InvalidInput("Only a canvas in the trash can be deleted for good: move it to the trash first.")
    writes = Writes(session)  # the datasets' chunks go with the rows, their files after the commit
    try:
        for dataset in session.exec(select(Dataset).where(Dataset.canvas_id == canvas_id)).all():
            writes.remove(dataset)
        session.flush()
        for model in (DismissedFinding, RememberedLink, Relationship, Note, Segment, Change):
            session.exec(delete(model).where(col(model.canvas_id) == canvas_id))
        session.delete(canvas)
    except BaseException:
        writes.abandon()
        raise
    writes.commit()
