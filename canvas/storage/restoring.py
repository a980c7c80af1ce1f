"""Reading a canvas's contents as a ``CanvasState`` and writing chosen items back to a state.

Used by restoring an earlier point (``storage.points``) and by undoing such a restore
(``storage.history``). Writes happen in the caller's transaction, in an order the foreign keys
accept (designs and findings after their segment, notes after the segment they are tagged with).
An item written with new content gets its next version, so an edit based on what was on screen
before the restore is refused as a conflict, as after anyone else's change.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from canvas.domain.canvas_state import DETAILS, KEY_FIELD, KINDS, CanvasState, content, item_key
from canvas.domain.models import Canvas, DismissedFinding, Note, Relationship, Segment

MODELS: dict[str, type[SQLModel]] = {
    "segment": Segment, "note": Note, "relationship": Relationship, "finding": DismissedFinding,
}
Items = dict[str, dict[str, dict[str, Any] | None]]  # kind -> id -> fields (None: no such item)


def fields(item: SQLModel) -> dict[str, Any]:
    """An item's stored fields as JSON-ready values (as ``history.fields``)."""
    return item.model_dump(mode="json", exclude={"created_at"})


def read_state(session: Session, canvas: Canvas) -> CanvasState:
    """Everything the canvas holds now."""
    state = CanvasState(details={k: getattr(canvas, k) for k in DETAILS})
    for kind in KINDS:
        model = MODELS[kind]
        for row in session.exec(select(model).where(col(model.canvas_id) == canvas.id)).all():  # type: ignore[attr-defined]
            values = fields(row)
            state.of(kind)[item_key(kind, values)] = values
    return state


def _row(session: Session, kind: str, item_id: str) -> Any:
    row = session.get(MODELS[kind], int(item_id) if kind == "finding" else item_id)
    if row is not None:
        session.refresh(row)
    return row


def current_items(session: Session, ids: dict[str, Any]) -> Items:
    """The listed items (kind -> ids) as they are now; None for those that do not exist."""
    out: Items = {}
    for kind, item_ids in ids.items():
        out[kind] = {}
        for item_id in item_ids:
            row = _row(session, kind, item_id)
            out[kind][item_id] = fields(row) if row is not None else None
    return out


def write_items(session: Session, canvas_id: str, target: Items) -> Items:
    """Make each listed item as ``target`` says (None: delete it); returns them as written."""
    for kind in ("relationship", "finding", "note"):
        for item_id, values in target.get(kind, {}).items():
            if values is None and (row := _row(session, kind, item_id)) is not None:
                session.delete(row)
    session.flush()
    _upsert(session, canvas_id, "segment", target)
    _upsert(session, canvas_id, "note", target)
    for item_id, values in target.get("segment", {}).items():
        if values is None and (row := _row(session, "segment", item_id)) is not None:
            session.delete(row)
    session.flush()
    _upsert(session, canvas_id, "relationship", target)
    _upsert(session, canvas_id, "finding", target)
    return current_items(session, {kind: list(by_id) for kind, by_id in target.items()})


def _upsert(session: Session, canvas_id: str, kind: str, target: Items) -> None:
    model = MODELS[kind]
    versioned = "version" in model.model_fields
    for item_id, values in target.get(kind, {}).items():
        if values is None:
            continue
        values = {**values, "canvas_id": canvas_id}
        row = _row(session, kind, item_id)
        if row is None:
            if versioned:  # back under its old id, past any version an open form may hold
                values["version"] = int(values.get("version", 1)) + 1
            session.add(model(**values))
            continue
        now = fields(row)
        if versioned:
            values["version"] = now["version"] + (1 if content(now) != content(values) else 0)
        row.sqlmodel_update({k: v for k, v in values.items() if k != KEY_FIELD[kind]})
        session.add(row)
    session.flush()


def write_details(session: Session, canvas: Canvas, details: dict[str, Any]) -> str | None:
    """Set the canvas's name, description and currency; returns a sentence when the old name is
    now another live canvas's (the canvas then keeps its current name), else None."""
    note = None
    name = details.get("name", canvas.name)
    if name.casefold() != canvas.name.casefold():
        taken = session.exec(select(Canvas.id).where(
            func.lower(Canvas.name) == name.lower(), col(Canvas.deleted_at).is_(None), col(Canvas.id) != canvas.id
        )).first()
        if taken is not None:
            note = f"Another canvas is called “{name}” now, so this one keeps its name “{canvas.name}”."
            details = {k: v for k, v in details.items() if k != "name"}
    canvas.sqlmodel_update({k: v for k, v in details.items() if k in DETAILS})
    session.add(canvas)
    session.flush()
    return note
