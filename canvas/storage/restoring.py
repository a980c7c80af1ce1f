"""Reading a canvas's contents as a ``CanvasState`` and writing chosen items back to a state.

Used by restoring an earlier point (``storage.points``) and by undoing such a restore
(``storage.history``). Writes happen in the caller's transaction, in an order the foreign keys
accept (designs and findings after their segment, notes after the segment they are tagged with).
An item written with new content gets its next version, so an edit based on what was on screen
before the restore is refused as a conflict, as after anyone else's change.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, SQLModel, col, select

from canvas.domain.canvas_state import DETAILS, KEY_FIELD, KINDS, CanvasState, content, item_key
from canvas.domain.lookalike import find_lookalike, same_name
from canvas.domain.models import Canvas, DismissedFinding, Note, Relationship, Segment

MODELS: dict[str, type[SQLModel]] = {
    "segment": Segment, "note": Note, "relationship": Relationship, "finding": DismissedFinding,
}
Items = dict[str, dict[str, dict[str, Any] | None]]  # kind -> id -> fields (None: no such item)
_CHUNK = 500  # ids per IN (...) query: far below SQLite's and PostgreSQL's limits on parameters


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


def _rows(session: Session, kind: str, item_ids: list[str]) -> dict[str, Any]:
    """The listed items of one kind that exist, read fresh, by id (a few queries, not one an item)."""
    model = MODELS[kind]
    key = getattr(model, KEY_FIELD[kind])
    keys: list[Any] = [int(i) for i in item_ids] if kind == "finding" else list(item_ids)
    found: dict[str, Any] = {}
    for start in range(0, len(keys), _CHUNK):
        query = select(model).where(col(key).in_(keys[start:start + _CHUNK]))
        for row in session.exec(query.execution_options(populate_existing=True)).all():
            found[str(getattr(row, KEY_FIELD[kind]))] = row
    return found


def current_items(session: Session, ids: dict[str, Any]) -> Items:
    """The listed items (kind -> ids) as they are now; None for those that do not exist."""
    session.flush()
    out: Items = {}
    for kind, item_ids in ids.items():
        rows = _rows(session, kind, list(item_ids))
        out[kind] = {item_id: fields(rows[item_id]) if item_id in rows else None for item_id in item_ids}
    return out


def write_items(session: Session, canvas_id: str, target: Items) -> Items:
    """Make each listed item as ``target`` says (None: delete it); returns them as written."""
    rows = {kind: _rows(session, kind, list(by_id)) for kind, by_id in target.items()}
    with session.no_autoflush:
        for kind in ("relationship", "finding", "note"):
            for item_id, values in target.get(kind, {}).items():
                if values is None and item_id in rows[kind]:
                    session.delete(rows[kind][item_id])
        session.flush()
        _upsert(session, canvas_id, "segment", target, rows)
        _upsert(session, canvas_id, "note", target, rows)
        for item_id, values in target.get("segment", {}).items():
            if values is None and item_id in rows["segment"]:
                session.delete(rows["segment"][item_id])
        session.flush()
        _upsert(session, canvas_id, "relationship", target, rows)
        _upsert(session, canvas_id, "finding", target, rows)
    return current_items(session, {kind: list(by_id) for kind, by_id in target.items()})


def _upsert(session: Session, canvas_id: str, kind: str, target: Items, rows: dict[str, dict[str, Any]]) -> None:
    model = MODELS[kind]
    versioned = "version" in model.model_fields
    for item_id, values in target.get(kind, {}).items():
        if values is None:
            continue
        values = {**values, "canvas_id": canvas_id}
        row = rows[kind].get(item_id)
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
        live = select(Canvas.name).where(col(Canvas.deleted_at).is_(None), col(Canvas.id) != canvas.id)
        existing = find_lookalike(name, session.exec(live).all())  # that name, or one that looks like it
        if existing is not None:
            shown = name if same_name(name, existing) else existing
            note = f"Another canvas is called “{shown}” now, so this one keeps its name “{canvas.name}”."
            details = {k: v for k, v in details.items() if k != "name"}
    canvas.sqlmodel_update({k: v for k, v in details.items() if k in DETAILS})
    session.add(canvas)
    session.flush()
    return note
