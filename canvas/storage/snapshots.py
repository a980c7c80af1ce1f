"""Snapshots: names for points of a canvas's history ("after workshop 2", "sent to investors").

A snapshot names a version; its contents are rebuilt from the change log when compared or
restored. Naming a point is not a change of the canvas: it does not bump the version and is not
undone; a snapshot can be deleted (the point itself stays in the history).
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from canvas.domain.authors import Author
from canvas.domain.errors import InvalidInput
from canvas.domain.models import Snapshot
from canvas.domain.timeline import check_snapshot_name
from canvas.storage.access import authorize
from canvas.storage.points import load_history, resolve_point


def create_snapshot(*, session: Session, canvas_id: str, name: str, point: str | int | None = None,
                    author: Author | None = None) -> Snapshot:
    """Name ``point`` (default: the canvas as it is now). ``InvalidInput`` when the name is empty,
    too long or already a snapshot of this canvas, or the point is unknown; nothing is saved then."""
    authorize(session, canvas_id)
    history = load_history(session=session, canvas_id=canvas_id)
    try:
        clean = check_snapshot_name(name, [s.name for s in history.snapshots])
    except ValueError as error:
        raise InvalidInput(str(error), field="name") from None
    seq = history.current if point is None or str(point).strip() == "" else resolve_point(history, point)
    snapshot = Snapshot(canvas_id=canvas_id, seq=seq, name=clean, author_id=author.id if author else None,
                        author_name=author.name if author else None)
    session.add(snapshot)
    try:
        session.commit()
    except IntegrityError:  # the same name saved by someone else a moment ago
        session.rollback()
        raise InvalidInput(f"This canvas already has a snapshot called “{clean}”: choose another name.",
                           field="name") from None
    session.refresh(snapshot)
    return snapshot


def delete_snapshot(*, session: Session, canvas_id: str, name: str) -> str:
    """Forget a snapshot's name (the point stays in the history); returns the name as it was saved."""
    authorize(session, canvas_id)
    snapshot = load_history(session=session, canvas_id=canvas_id).snapshot_named(name)
    if snapshot is None:
        raise InvalidInput(f"This canvas has no snapshot called “{name.strip()}”.", field="name")
    session.delete(session.get_one(Snapshot, snapshot.id))
    session.commit()
    return snapshot.name
