"""Each segment's relationship design, and the coach findings the founder dismissed (with why).

Both are parts of the canvas: changes are versioned and can be undone like a note's.
"""

from __future__ import annotations

from sqlmodel import Session, select

from canvas.domain.blocks import Block
from canvas.domain.errors import InvalidInput
from canvas.domain.models import DismissedFinding, Note, Relationship
from canvas.domain.relationships import RelationshipDesign
from canvas.storage.history import changing
from canvas.storage.records import segment_on_canvas

DISMISS_REASON_MAX_CHARS = 500


def save_relationship(*, session: Session, canvas_id: str, expected_version: int, segment_id: str,
                      design: RelationshipDesign) -> Relationship:
    """Store the relationship design of one segment (replacing the previous one)."""
    segment = segment_on_canvas(session, canvas_id, segment_id)
    channel_ids = set(session.exec(
        select(Note.id).where(Note.canvas_id == canvas_id, Note.block == Block.CHANNELS.value)
    ).all())
    missing = [n for n in design.channel_note_ids if n not in channel_ids]
    if missing:
        raise InvalidInput("A channel picked for this relationship is no longer on the canvas. Reload and pick again.",
                           field="channel_note_ids")
    with changing(session, canvas_id=canvas_id, expected_version=expected_version,
                  label=f"Edit relationship with “{segment.name}”"):
        relationship = session.get(Relationship, segment_id) or Relationship(segment_id=segment_id, canvas_id=canvas_id)
        relationship.sqlmodel_update(design.model_dump())
        session.add(relationship)
    return session.get_one(Relationship, segment_id)


def dismiss_finding(*, session: Session, canvas_id: str, expected_version: int, rule_id: str,
                    segment_id: str | None, reason: str) -> None:
    """Hide one coach finding on this canvas, keeping the founder's reason."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Say why you dismiss this finding: the reason is kept with the canvas.", field="reason")
    if len(reason) > DISMISS_REASON_MAX_CHARS:
        raise InvalidInput(f"The reason is {len(reason)} characters; the limit is {DISMISS_REASON_MAX_CHARS}.",
                           field="reason")
    with changing(session, canvas_id=canvas_id, expected_version=expected_version, label=f"Dismiss “{rule_id}”"):
        session.add(DismissedFinding(canvas_id=canvas_id, rule_id=rule_id, segment_id=segment_id or "", reason=reason))


def restore_finding(*, session: Session, canvas_id: str, expected_version: int, dismissed_id: int) -> None:
    """Show a dismissed finding again."""
    dismissed = session.get(DismissedFinding, dismissed_id)
    if dismissed is None or dismissed.canvas_id != canvas_id:
        raise InvalidInput("That dismissed finding is no longer on this canvas. Reload the page.")
    with changing(session, canvas_id=canvas_id, expected_version=expected_version,
                  label=f"Bring back “{dismissed.rule_id}”"):
        session.delete(session.get(DismissedFinding, dismissed_id))
