"""The change log and undo: every change to a canvas is one ``Change`` row, checked per item.

A change bumps the canvas's version by one (``Canvas.version`` is the log's sequence number) and
writes the rows it touched plus one log row: no copy of the whole canvas, so a change costs the
same on a canvas of 30 notes or 3,000. Changes to different items commute (two people adding
notes at once both succeed); an edit of one item is checked against that item's own version and
refused with ``ItemConflict`` when someone else changed it meanwhile.

Undo reverts the newest change of the person asking (by their ``Author`` id), putting back the
item's ``before`` fields, and refuses when someone else has changed that item since.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, SQLModel, col, select

from canvas.domain.authors import Author
from canvas.domain.errors import InvalidInput, ItemConflict, NothingToUndo
from canvas.domain.models import Canvas, Change, DismissedFinding, Note, Relationship, Segment, utcnow
from canvas.storage.access import authorize
from canvas.storage.records import get_canvas

UNDOABLE = ("add", "update", "delete", "move", "restore_point")  # restore_point: storage.points
LABEL_MAX_CHARS = 120

# What each kind of item is in the user's words, and its table.
_MODELS: dict[str, type[SQLModel]] = {
    "note": Note, "segment": Segment, "relationship": Relationship, "finding": DismissedFinding,
}


def preview(text: str, limit: int = 30) -> str:
    """The start of a user's text for a label: at most ``limit`` characters, “…” when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fields(item: SQLModel) -> dict[str, Any]:
    """An item's stored fields as JSON-ready values (what ``Change.before``/``after`` hold)."""
    return item.model_dump(mode="json", exclude={"created_at"})


def dump(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value)


def load(value: str | None) -> dict[str, Any] | None:
    return None if value is None else json.loads(value)


def _next_seq(session: Session, canvas_id: str) -> int:
    """Bump the canvas's version and return it, in the caller's transaction.

    One UPDATE with ``version = version + 1``: concurrent changes never read the same number
    (SQLite serialises writers; PostgreSQL's row lock makes the second wait for the first).
    """
    session.exec(
        update(Canvas).where(col(Canvas.id) == canvas_id)
        .values(version=col(Canvas.version) + 1, updated_at=utcnow())
    )
    return session.exec(select(Canvas.version).where(Canvas.id == canvas_id)).one()


@contextmanager
def changing(session: Session, *, canvas_id: str, author: Author | None, item_kind: str, item_id: str,
             action: str, label: str) -> Iterator[Change]:
    """One change to a canvas, all or nothing, logged as one ``Change``.

    The canvas's version is bumped first (the change's ``seq``); the caller then writes the
    item's rows and sets ``before``/``after`` (and ``item_id`` if it was not known yet) on the
    yielded change; on leaving, the change is logged and everything commits. Any exception rolls
    everything back, the version included.
    """
    authorize(session, canvas_id)
    canvas = get_canvas(session=session, canvas_id=canvas_id)
    change = Change(
        canvas_id=canvas_id, seq=0, item_kind=item_kind, item_id=item_id, action=action,
        label=preview(label, LABEL_MAX_CHARS), author_id=author.id if author else None,
        author_name=author.name if author else None,
    )
    try:
        # The number first: its UPDATE locks the canvas's row (PostgreSQL) or the database (SQLite)
        # until the commit, so what the caller reads next (a block's last position) is current.
        change.seq = _next_seq(session, canvas_id)
        yield change
        session.add(change)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(canvas)  # callers holding the canvas see its new version


def log_canvas_change(session: Session, *, canvas_id: str, action: str, label: str,
                      author: Author | None = None, before: dict | None = None, after: dict | None = None) -> None:
    """Log a change of the canvas as a whole: "replace" (demo reset, import: cannot be undone),
    "trash", "restore" or "update" (its name and details). Does not commit: the caller's unit of
    work holds the change itself."""
    authorize(session, canvas_id)
    session.flush()
    session.add(Change(
        canvas_id=canvas_id, seq=_next_seq(session, canvas_id), item_kind="canvas", item_id=canvas_id,
        action=action, label=preview(label, LABEL_MAX_CHARS), author_id=author.id if author else None,
        author_name=author.name if author else None, before=dump(before), after=dump(after),
    ))


def last_editor(session: Session, item_id: str) -> str:
    """The name of whoever last changed the item, as a message shows it."""
    name = session.exec(
        select(Change.author_name).where(Change.item_id == item_id).order_by(col(Change.id).desc()).limit(1)
    ).first()
    return name or "Someone else"


def claim_item(session: Session, model: type[SQLModel], key: Any, item_id: str, expected_version: int,
               conflict: Any) -> None:
    """Take the item's next version with a conditional UPDATE, or roll back and raise ``conflict()``.

    Of two edits based on the same version exactly one matches the WHERE clause, on SQLite and
    PostgreSQL alike; edits of other items are not involved at all.
    """
    claimed = session.exec(
        update(model).where(key == item_id, col(model.version) == expected_version)  # type: ignore[attr-defined]
        .values(version=expected_version + 1)
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise conflict()


def note_conflict(session: Session, note_id: str, mine: dict[str, Any], *, deleting: bool = False) -> ItemConflict:
    """Someone changed (or deleted) the note since the user opened it; ``mine`` is what the user
    tried to save (nothing when ``deleting``)."""
    note = session.get(Note, note_id)
    if note is not None:
        session.refresh(note)
    who = last_editor(session, note_id)
    if note is None and deleting:
        message = f"{who} deleted this note meanwhile; there is nothing more to delete."
    elif note is None:
        message = (f"{who} deleted this note meanwhile. Your text is kept below: add it again as a new "
                   f"note if you still want it: “{mine.get('text', '')}”.")
    elif deleting:
        message = (f"{who} changed this note meanwhile; it now reads “{note.text}”. It was not deleted: "
                   "delete it again if it should still go.")
    else:
        message = (f"{who} changed this note meanwhile; it now reads “{note.text}”. Your text is still in "
                   "the box: save again to replace theirs, or cancel.")
    return ItemConflict(message, item_kind="note", item_id=note_id, current=fields(note) if note else None,
                        mine=mine, by=who)


def segment_conflict(session: Session, segment_id: str, mine: dict[str, Any], *,
                     deleting: bool = False) -> ItemConflict:
    segment = session.get(Segment, segment_id)
    if segment is not None:
        session.refresh(segment)
    who = last_editor(session, segment_id)
    if segment is None:
        message = f"{who} deleted this segment meanwhile, so your change was not saved."
    elif deleting:
        message = (f"{who} changed the segment “{segment.name}” meanwhile. It was not deleted: delete it again "
                   "if it should still go.")
    else:
        message = (f"{who} changed the segment “{segment.name}” meanwhile. Your changes are still in the form: "
                   "save again to replace theirs, or cancel.")
    return ItemConflict(message, item_kind="segment", item_id=segment_id,
                        current=fields(segment) if segment else None, mine=mine, by=who)


def already_gone(session: Session, what: str, item_id: str) -> InvalidInput:
    """Deleting (or editing) an item someone already deleted: say who, if the log knows."""
    who = session.exec(
        select(Change.author_name).where(Change.item_id == item_id, Change.action == "delete")
        .order_by(col(Change.id).desc()).limit(1)
    ).first()
    by = f" by {who}" if who else ""
    return InvalidInput(f"This {what} was already deleted{by}; there is nothing more to do. "
                        "Reload to see the current canvas.")


# --- Undo -------------------------------------------------------------------------------------

def _mine(canvas_id: str, author: Author | None) -> Any:
    query = select(Change).where(
        Change.canvas_id == canvas_id, col(Change.undone).is_(False),
        col(Change.action).in_((*UNDOABLE, "replace")),
    )
    mine = col(Change.author_id) == author.id if author else col(Change.author_id).is_(None)
    return query.where(mine).order_by(col(Change.seq).desc()).limit(1)


def last_undoable(*, session: Session, canvas_id: str, author: Author | None) -> str | None:
    """The label of the change ``undo`` would revert for this author, or None."""
    change = session.exec(_mine(canvas_id, author)).first()
    return None if change is None or change.action == "replace" else change.label


def undo(*, session: Session, canvas_id: str, author: Author | None = None) -> str:
    """Revert the author's newest change; returns its label. The revert is itself logged.

    ``author`` None reverts the newest change made without an author (the CLI, tests). Refused
    with ``ItemConflict`` when someone else changed the item since; that change is then set
    aside, so the next undo goes to the one before it.
    """
    authorize(session, canvas_id)
    get_canvas(session=session, canvas_id=canvas_id)
    change = session.exec(_mine(canvas_id, author)).first()
    if change is None:
        raise NothingToUndo("There is nothing to undo on this canvas.")
    if change.action == "replace":
        raise NothingToUndo(f"The last change, “{change.label}”, replaced the whole canvas; it cannot be undone.")
    label, change_id = change.label, change.id
    try:
        with changing(session, canvas_id=canvas_id, author=author, item_kind=change.item_kind,
                      item_id=change.item_id, action="undo", label=f"Undo: {label}") as log:
            original = session.get_one(Change, change_id)
            _revert(session, original, log)
            original.undone = True
            session.add(original)
    except ItemConflict:
        stuck = session.get_one(Change, change_id)
        stuck.undone = True  # cannot be undone any more: the next undo goes to the change before it
        session.add(stuck)
        session.commit()
        raise
    return label


def _revert(session: Session, change: Change, log: Change) -> None:
    if change.action == "restore_point":
        _revert_restore(session, change, log)
        return
    if change.item_kind == "canvas":
        _revert_details(session, change, log)
        return
    model = _MODELS[change.item_kind]
    before, after = load(change.before), load(change.after)
    if change.action == "move":
        _restore_order(session, change.item_kind, before or {})
        log.before, log.after = change.after, change.before
        return
    key = "segment_id" if model is Relationship else "id"
    item_id: Any = int(change.item_id) if model is DismissedFinding else change.item_id
    current = session.get(model, item_id)
    if current is not None:
        session.refresh(current)
    versioned = hasattr(model, "version")

    def refuse(what: str) -> ItemConflict:
        who = last_editor(session, change.item_id)
        return ItemConflict(
            f"{who} {what} after your change “{change.label}”; undoing it would overwrite their work, so "
            "nothing was undone. Undo now goes to your change before it.",
            item_kind=change.item_kind, item_id=change.item_id,
            current=fields(current) if current is not None else None, mine=None, by=who,
        )

    if change.action in ("add", "update"):
        if current is None:
            raise refuse("deleted it")
        if versioned and after is not None and getattr(current, "version", 0) != after.get("version") \
                and _content(fields(current)) != _content(after):  # changed since, and not back as it was
            raise refuse("changed it")
    elif current is not None:  # a delete: the item must still be gone
        raise refuse("brought it back")
    log.before = dump(fields(current)) if current is not None else None

    if change.action == "add":
        if model is Segment:  # what goes with it is logged too, so the history can bring it back
            saved = remove_segment_rows(session, current.canvas_id, change.item_id)  # type: ignore[union-attr]
            log.before = dump(fields(current) | saved)  # type: ignore[arg-type]
        session.delete(current)
        session.flush()
        return
    if change.action == "update":
        assert before is not None and current is not None
        restored = {k: v for k, v in before.items() if k not in (key, "canvas_id", "version", "position")}
        if versioned:
            restored["version"] = getattr(current, "version", 0) + 1
        current.sqlmodel_update(restored)
        session.add(current)
        session.flush()
        log.after = dump(fields(current))
        return
    assert before is not None  # a delete: bring the item back under its id
    extras: dict[str, Any] = {k: before.pop(k) for k in ("tagged_notes", "relationship", "findings") if k in before}
    if versioned:
        before["version"] = before.get("version", 1) + 1
    if model is Note and before.get("segment_id") and session.get(Segment, before["segment_id"]) is None:
        before["segment_id"] = None
    restored_item = model(**before)
    session.add(restored_item)
    session.flush()
    if model is Segment:
        _restore_segment_rows(session, change.canvas_id, change.item_id, extras)
    log.after = dump(fields(restored_item))


def _revert_details(session: Session, change: Change, log: Change) -> None:
    """Undo a change of the canvas's name, description or currency, unless they changed since."""
    from canvas.storage.restoring import write_details

    canvas = get_canvas(session=session, canvas_id=change.canvas_id)
    before, after = load(change.before) or {}, load(change.after) or {}
    now = {k: getattr(canvas, k) for k in ("name", "description", "currency")}
    if any(now.get(k) != v for k, v in after.items()):
        who = last_editor(session, change.canvas_id)
        raise ItemConflict(f"{who} changed the canvas's details after your change “{change.label}”; undoing it "
                           "would overwrite their work, so nothing was undone. Undo now goes to your change before it.",
                           item_kind="canvas", item_id=change.canvas_id, current=now, mine=None, by=who)
    note = write_details(session, canvas, before)
    if note:
        raise InvalidInput(note + " Nothing was undone.")
    log.before, log.after = dump(now), dump({k: getattr(canvas, k) for k in now})


def _revert_restore(session: Session, change: Change, log: Change) -> None:
    """Undo a restore of an earlier point: put back each item it changed, unless someone changed
    one of them since (then nothing is undone)."""
    from canvas.storage.restoring import current_items, write_details, write_items  # it needs this module's peers

    before, after = load(change.before) or {}, load(change.after) or {}
    now = current_items(session, {kind: list(by_id) for kind, by_id in after.get("items", {}).items()})
    for kind, by_id in after.get("items", {}).items():
        for item_id, fields_after in by_id.items():
            current = now[kind][item_id]
            if (current is None) != (fields_after is None) or (
                    current is not None and fields_after is not None and _content(current) != _content(fields_after)):
                who = last_editor(session, item_id)
                raise ItemConflict(
                    f"{who} changed the canvas after your change “{change.label}”; undoing it would overwrite "
                    "their work, so nothing was undone. Undo now goes to your change before it.",
                    item_kind=kind, item_id=item_id, current=current, mine=None, by=who,
                )
    canvas = get_canvas(session=session, canvas_id=change.canvas_id)
    details_before = {k: getattr(canvas, k) for k in ("name", "description", "currency")}
    written = write_items(session, change.canvas_id, before.get("items", {}))
    old, new = before.get("details") or {}, after.get("details") or {}
    # Only the details the restore changed, and only if they are still as it left them.
    details = {k: old[k] for k in old if old[k] != new.get(k) and details_before.get(k) == new.get(k)}
    if details:
        write_details(session, canvas, details)
    log.before = dump({"items": now, "details": details_before})
    log.after = dump({"items": written, "details": {k: getattr(canvas, k) for k in details_before}})


def _content(values: dict[str, Any]) -> dict[str, Any]:
    """An item's fields without its version and place: what a person changed."""
    return {k: v for k, v in values.items() if k not in ("version", "position")}


def remove_segment_rows(session: Session, canvas_id: str, segment_id: str) -> dict[str, Any]:
    """Untag the segment's notes and delete its design and dismissed findings; returns what was
    there, for a delete's ``before`` (undo puts it back)."""
    tagged = list(session.exec(select(Note.id).where(Note.segment_id == segment_id)).all())
    relationship = session.get(Relationship, segment_id)
    findings = list(session.exec(select(DismissedFinding).where(
        DismissedFinding.canvas_id == canvas_id, DismissedFinding.segment_id == segment_id)).all())
    saved = {"tagged_notes": tagged, "relationship": fields(relationship) if relationship else None,
             "findings": [fields(f) for f in findings]}
    session.exec(update(Note).where(col(Note.segment_id) == segment_id).values(segment_id=None))
    if relationship is not None:
        session.delete(relationship)
    for finding in findings:
        session.delete(finding)
    session.flush()
    return saved


def _restore_segment_rows(session: Session, canvas_id: str, segment_id: str, extras: dict[str, Any]) -> None:
    tagged = extras.get("tagged_notes") or []
    if tagged:
        session.exec(update(Note).where(col(Note.id).in_(tagged), col(Note.segment_id).is_(None))
                     .values(segment_id=segment_id))
    if extras.get("relationship") and session.get(Relationship, segment_id) is None:
        session.add(Relationship(**extras["relationship"]))
    for finding in extras.get("findings") or []:
        if session.get(DismissedFinding, finding["id"]) is None:
            session.add(DismissedFinding(**finding))
    session.flush()


def _restore_order(session: Session, item_kind: str, before: dict[str, Any]) -> None:
    """Put a block's notes (or the segments) back in ``before["order"]``; items added since keep
    their place after them. A move never conflicts with anything."""
    order = {item_id: index for index, item_id in enumerate(before.get("order", []))}
    if item_kind == "note":
        items: list[Any] = list(session.exec(
            select(Note).where(Note.canvas_id == before["canvas_id"], Note.block == before["block"])
            .order_by(col(Note.position), col(Note.id))).all())
    else:
        items = list(session.exec(
            select(Segment).where(Segment.canvas_id == before["canvas_id"])
            .order_by(col(Segment.position), col(Segment.id))).all())
    items.sort(key=lambda item: order.get(item.id, len(order)))
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position
            session.add(item)
    session.flush()


def order_snapshot(canvas_id: str, items: list[Any], block: str | None = None) -> dict[str, Any]:
    """A move's ``before``/``after``: the ids in order, and where they live."""
    return {"canvas_id": canvas_id, "block": block, "order": [item.id for item in items]}
