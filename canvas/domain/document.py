"""A canvas as one plain document (a dict that is valid JSON).

The same shape serves duplication, the demo's reset and the export format, so they can never
drift apart (undo works from the change log, ``storage.history``, not from documents).
``FORMAT_VERSION`` is bumped whenever the shape changes; readers of older versions upgrade them in
``upgrade_document``.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from canvas.domain.models import Canvas, DismissedFinding, Note, Relationship, Segment
from canvas.domain.relationships import FOCUS_KEYS, RelationshipBase

FORMAT_NAME = "business-model-canvas"
FORMAT_VERSION = 1


def canvas_document(session: Session, canvas: Canvas) -> dict[str, Any]:
    """Everything a canvas holds, with ids, in display order."""
    segments = session.exec(
        select(Segment).where(Segment.canvas_id == canvas.id).order_by(col(Segment.position), col(Segment.id))
    ).all()
    notes = session.exec(
        select(Note).where(Note.canvas_id == canvas.id).order_by(col(Note.block), col(Note.position), col(Note.id))
    ).all()
    relationships = {
        r.segment_id: r for r in session.exec(select(Relationship).where(Relationship.canvas_id == canvas.id)).all()
    }
    dismissed = session.exec(
        select(DismissedFinding).where(DismissedFinding.canvas_id == canvas.id).order_by(col(DismissedFinding.id))
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
        "relationships": [relationship_entry(relationships[s.id]) for s in segments if s.id in relationships],
        "dismissed_findings": [
            {"rule_id": d.rule_id, "segment_id": d.segment_id or None, "reason": d.reason} for d in dismissed
        ],
    }


# Fields of ``RelationshipBase`` that the document groups under one key, with their names there.
_ENTRY_GROUPS: dict[str, dict[str, str]] = {
    "focus": {f"focus_{key}": key for key in FOCUS_KEYS},
    "cost": {"cost_per_customer_month": "per_customer_month", "cost_fixed_month": "fixed_month"},
}
_GROUP_OF = {field: group for group, fields in _ENTRY_GROUPS.items() for field in fields}


def relationship_entry(r: Relationship) -> dict[str, Any]:
    """A stored design as a document entry: its ``RelationshipBase`` fields, in their order, the
    focus and cost fields grouped (``{"focus": {"acquisition": 34, ...}, "cost": {...}}``)."""
    entry: dict[str, Any] = {"segment_id": r.segment_id}
    values = r.model_dump(include=set(RelationshipBase.model_fields))
    for field in RelationshipBase.model_fields:  # the fields' order, not the order they were set in
        value = values[field]
        group = _GROUP_OF.get(field)
        if group is None:
            entry[field] = value
        else:
            entry.setdefault(group, {})[_ENTRY_GROUPS[group][field]] = value
    return entry


def relationship_fields(entry: dict[str, Any]) -> dict[str, Any]:
    """A document's relationship entry as the fields of ``RelationshipBase`` (copies, so the
    document is not changed through them); a field the entry lacks takes the field's default."""
    fields = {}
    for field, info in RelationshipBase.model_fields.items():
        group = _GROUP_OF.get(field)
        source = entry.get(group, {}) if group else entry
        key = _ENTRY_GROUPS[group][field] if group else field
        value = source[key] if key in source else info.get_default(call_default_factory=True)
        fields[field] = type(value)(value) if isinstance(value, (list, dict)) else value
    return fields


def replace_contents(session: Session, canvas: Canvas, document: dict[str, Any], *, keep_ids: bool) -> None:
    """Make the canvas hold exactly what ``document`` holds (name, segments, notes).

    Flushes but does not commit: the caller owns the unit of work. With ``keep_ids`` false, every
    segment and note gets a fresh id (a duplicate must not share ids with its original).
    """
    from canvas.domain.models import new_id  # local: keeps the import graph one-way

    for model in (DismissedFinding, Relationship, Note):
        for row in session.exec(select(model).where(model.canvas_id == canvas.id)).all():
            session.delete(row)
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
    note_ids: dict[str, str] = {}
    for item in document.get("notes", []):
        note_ids[item["id"]] = item["id"] if keep_ids else new_id()
        session.add(
            Note(
                id=note_ids[item["id"]],
                canvas_id=canvas.id,
                block=item["block"],
                text=item["text"],
                colour=item["colour"],
                segment_id=segment_ids.get(item.get("segment_id") or ""),
                position=item.get("position", 0),
            )
        )
    session.flush()
    for entry in document.get("relationships", []):
        if entry["segment_id"] not in segment_ids:
            continue  # a design for a segment the document does not hold
        fields = relationship_fields(entry)
        fields["channel_note_ids"] = [note_ids[n] for n in fields["channel_note_ids"] if n in note_ids]
        session.add(Relationship(segment_id=segment_ids[entry["segment_id"]], canvas_id=canvas.id, **fields))
    for item in document.get("dismissed_findings", []):
        segment_id = item.get("segment_id") or ""
        session.add(DismissedFinding(
            canvas_id=canvas.id, rule_id=item["rule_id"], reason=item.get("reason", ""),
            segment_id=segment_ids.get(segment_id, "") if segment_id else "",
        ))
    session.flush()
