"""One saved record by its id, or the message the user sees when it is gone.

A page may act on a canvas, segment or note that another tab has just deleted; these lookups
turn that into an error of our own that says what happened and what to do.
"""

from __future__ import annotations

from sqlmodel import Session

from canvas.domain.errors import CanvasNotFound, InvalidInput
from canvas.domain.models import Canvas, Note, Segment


def get_canvas(*, session: Session, canvas_id: str, include_trashed: bool = False) -> Canvas:
    """The canvas with this id; ``CanvasNotFound`` if there is none (or it is in the trash)."""
    canvas = session.get(Canvas, canvas_id) if canvas_id else None
    if canvas is None or (canvas.deleted_at is not None and not include_trashed):
        where = "in the trash" if canvas is not None else "saved here"
        raise CanvasNotFound(
            f"There is no canvas with id “{canvas_id}” {where}. It may have been deleted, or the "
            "link may be incomplete: pick a canvas from the list or restore it from the trash."
        )
    return canvas


def segment_on_canvas(session: Session, canvas_id: str, segment_id: str) -> Segment:
    """The segment with this id on this canvas; ``InvalidInput`` naming the field if it is gone."""
    segment = session.get(Segment, segment_id)
    if segment is None or segment.canvas_id != canvas_id:
        raise InvalidInput(
            "That customer segment no longer exists on this canvas (it may have been deleted "
            "elsewhere). Reload to see the current segments.",
            field="segment_id",
        )
    return segment


def note_on_canvas(session: Session, canvas_id: str, note_id: str) -> Note:
    """The note with this id on this canvas; ``InvalidInput`` if it is gone."""
    note = session.get(Note, note_id)
    if note is None or note.canvas_id != canvas_id:
        raise InvalidInput(
            "That note no longer exists on this canvas (it may have been deleted elsewhere). "
            "Reload to see the current notes."
        )
    return note
