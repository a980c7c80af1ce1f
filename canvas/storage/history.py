"""Versions and undo: every change to a canvas is checked against the version the user saw.

A change based on a stale version raises ``StaleCanvas`` and writes nothing (optimistic
locking). Each change first records the canvas as it was (a snapshot in the canvas document
format), so the last ``UNDO_DEPTH`` changes can be undone, newest first.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import update
from sqlmodel import Session, col, delete, select

from canvas.domain.document import canvas_document, replace_contents
from canvas.domain.errors import NothingToUndo, StaleCanvas
from canvas.domain.models import Canvas, CanvasSnapshot, utcnow
from canvas.storage.records import get_canvas

UNDO_DEPTH = 50  # snapshots kept per canvas; older ones are deleted as new changes come


def claim_version(session: Session, canvas_id: str, expected_version: int) -> None:
    """Take the next version with a conditional UPDATE, or raise ``StaleCanvas``.

    Of two concurrent writers based on the same version exactly one matches the WHERE clause,
    on SQLite (writes are serialised) and PostgreSQL (the second UPDATE re-checks after the
    first commits) alike.
    """
    claimed = session.exec(
        update(Canvas)
        .where(col(Canvas.id) == canvas_id, col(Canvas.version) == expected_version)
        .values(version=expected_version + 1, updated_at=utcnow())
    )
    if claimed.rowcount != 1:
        session.rollback()
        current = get_canvas(session=session, canvas_id=canvas_id, include_trashed=True)
        raise StaleCanvas(canvas_name=current.name, expected=expected_version, current=current.version)


@contextmanager
def changing(session: Session, *, canvas_id: str, expected_version: int, label: str) -> Iterator[Canvas]:
    """One change to a canvas, all or nothing.

    Claims the next version first, then records the undo snapshot, lets the caller change the
    canvas, and commits. Any exception rolls back.
    """
    canvas = get_canvas(session=session, canvas_id=canvas_id)
    before = canvas_document(session, canvas)
    claim_version(session, canvas_id, expected_version)
    try:
        session.add(
            CanvasSnapshot(
                canvas_id=canvas_id, version=expected_version, label=label, document=json.dumps(before)
            )
        )
        session.refresh(canvas)
        yield canvas
        _trim_history(session, canvas_id)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(canvas)


def _trim_history(session: Session, canvas_id: str) -> None:
    keep = select(CanvasSnapshot.id).where(CanvasSnapshot.canvas_id == canvas_id).order_by(
        col(CanvasSnapshot.id).desc()
    ).limit(UNDO_DEPTH)
    session.exec(
        delete(CanvasSnapshot).where(
            col(CanvasSnapshot.canvas_id) == canvas_id, col(CanvasSnapshot.id).not_in(keep.scalar_subquery())
        )
    )


def undo(*, session: Session, canvas_id: str, expected_version: int) -> str:
    """Revert the last change; returns its label. The revert is itself a new version."""
    snapshot = session.exec(
        select(CanvasSnapshot).where(CanvasSnapshot.canvas_id == canvas_id)
        .order_by(col(CanvasSnapshot.id).desc())
    ).first()
    if snapshot is None:
        raise NothingToUndo("There is nothing to undo on this canvas.")
    label, document, snapshot_id = snapshot.label, json.loads(snapshot.document), snapshot.id
    canvas = get_canvas(session=session, canvas_id=canvas_id)
    claim_version(session, canvas_id, expected_version)
    try:
        session.refresh(canvas)
        replace_contents(session, canvas, document, keep_ids=True)
        session.add(canvas)
        session.exec(delete(CanvasSnapshot).where(col(CanvasSnapshot.id) == snapshot_id))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return label
