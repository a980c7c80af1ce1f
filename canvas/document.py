"""A canvas as one plain document (a dict that is valid JSON).

The same shape serves undo snapshots, duplication and the export format, so the three can never
drift apart. ``FORMAT_VERSION`` is bumped whenever the shape changes; readers of older versions
upgrade them in ``upgrade_document``.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from canvas.models import Canvas, Note, Segment

FORMAT_NAME = "business-model-canvas"
FORMAT_VERSION = 1


def canvas_document(session: Session, canvas: Canvas) -> dict[str, Any]:
    """Everything a canvas holds, with ids, in display order."""
    segments = session.exec(
        select(Segment).where(Segment.canvas_id == canvas.id).order_by(Segment.position, Segment.id)
    ).all()
    notes = session.exec(
        select(Note).where(Note.canvas_id == canvas.id).order_by(Note.block, Note.position, Note.id)
    ).all()
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "canvas": {
            "id": canvas.id,
            "name": canvas.name,
            "description": canvas.description,
            "currency": canvas.currency,
        },
        "segments": [
            {
                "id": s.id,
                "name": s.name,
                "description": s.description,
                "colour": s.colour,
                "estimated_size": s.estimated_size,
                "position": s.position,
            }
            for s in segments
        ],
        "notes": [
            {
                "id": n.id,
                "block": n.block,
                "text": n.text,
                "colour": n.colour,
                "segment_id": n.segment_id,
                "position": n.position,
            }
            for n in notes
        ],
    }


def replace_contents(session: Session, canvas: Canvas, document: dict[str, Any], *, keep_ids: bool) -> None:
    """Make the canvas hold exactly what ``document`` holds (name, segments, notes).

    Flushes but does not commit: the caller owns the unit of work. With ``keep_ids`` false, every
    segment and note gets a fresh id (a duplicate must not share ids with its original).
    """
    from canvas.models import new_id  # local: keeps the import graph one-way

    for note in session.exec(select(Note).where(Note.canvas_id == canvas.id)).all():
        session.delete(note)
    session.flush()
    for segment in session.exec(select(Segment).where(Segment.canvas_id == canvas.id)).all():
        session.delete(segment)
    session.flush()

    info = document["canvas"]
    canvas.name = info["name"]
    canvas.description = info.get("description", "")
    canvas.currency = info.get("currency", "EUR")

    segment_ids: dict[str, str] = {}
    for item in document.get("segments", []):
        segment_ids[item["id"]] = item["id"] if keep_ids else new_id()
        session.add(
            Segment(
                id=segment_ids[item["id"]],
                canvas_id=canvas.id,
                name=item["name"],
                description=item.get("description", ""),
                colour=item["colour"],
                estimated_size=item.get("estimated_size"),
                position=item.get("position", 0),
            )
        )
    session.flush()
    for item in document.get("notes", []):
        session.add(
            Note(
                id=item["id"] if keep_ids else new_id(),
                canvas_id=canvas.id,
                block=item["block"],
                text=item["text"],
                colour=item["colour"],
                segment_id=segment_ids.get(item.get("segment_id") or ""),
                position=item.get("position", 0),
            )
        )
    session.flush()
