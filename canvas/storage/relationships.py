"""Each segment's relationship design, and the coach findings the founder dismissed (with why).

Both are parts of the canvas: changes are logged and can be undone like a note's. A design has its
own version (a save based on an older one is refused with ``ItemConflict``); dismissing and
bringing back findings never conflict.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from canvas.domain.authors import Author
from canvas.domain.blocks import Block
from canvas.domain.errors import InvalidInput, ItemConflict
from canvas.domain.models import DismissedFinding, Note, Relationship
from canvas.domain.relationships import RelationshipDesign
from canvas.storage.access import authorize
from canvas.storage.history import changing, claim_item, dump, fields, last_editor
from canvas.storage.records import segment_on_canvas

DISMISS_REASON_MAX_CHARS = 500


def _design_conflict(session: Session, segment_id: str, segment_name: str, mine: dict) -> ItemConflict:
    current = session.get(Relationship, segment_id)
    if current is not None:
        session.refresh(current)
    who = last_editor(session, segment_id)
    return ItemConflict(
        f"{who} changed the relationship design for “{segment_name}” meanwhile. Your choices are still in the "
        "form: save again to replace theirs, or reload to see them.",
        item_kind="relationship", item_id=segment_id, current=fields(current) if current else None,
        mine=mine, by=who,
    )


def save_relationship(*, session: Session, canvas_id: str, segment_id: str, expected_version: int,
                      design: RelationshipDesign, author: Author | None = None) -> Relationship:
    """Store the relationship design of one segment (replacing the previous one).

    ``expected_version`` is the design's version the user saw, 0 when the segment had none yet;
    ``ItemConflict`` if someone else saved a design for the segment since.
    """
    authorize(session, canvas_id)
    segment = segment_on_canvas(session, canvas_id, segment_id)
    name = segment.name
    channel_ids = set(session.exec(
        select(Note.id).where(Note.canvas_id == canvas_id, Note.block == Block.CHANNELS.value)
    ).all())
    missing = [n for n in design.channel_note_ids if n not in channel_ids]
    if missing:
        raise InvalidInput("A channel picked for this relationship is no longer on the canvas. Reload and pick again.",
                           field="channel_note_ids")
    mine = design.model_dump(mode="json")

    def conflict() -> Exception:
        return _design_conflict(session, segment_id, name, mine)

    relationship = session.get(Relationship, segment_id)
    if (relationship.version if relationship else 0) != expected_version:
        raise conflict()
    with changing(session, canvas_id=canvas_id, author=author, item_kind="relationship", item_id=segment_id,
                  action="update" if relationship else "add", label=f"Edit relationship with “{name}”") as log:
        if relationship is None:
            relationship = Relationship(segment_id=segment_id, canvas_id=canvas_id)
            relationship.sqlmodel_update(design.model_dump())
            session.add(relationship)
            session.flush()  # two first saves at once: the second fails on the primary key
        else:
            log.before = dump(fields(relationship))
            claim_item(session, Relationship, col(Relationship.segment_id), segment_id, expected_version, conflict)
            session.refresh(relationship)
            relationship.sqlmodel_update(design.model_dump())
            session.add(relationship)
            session.flush()
        log.after = dump(fields(relationship))
    return session.get_one(Relationship, segment_id)


def dismiss_finding(*, session: Session, canvas_id: str, rule_id: str, segment_id: str | None, reason: str,
                    author: Author | None = None) -> None:
    """Hide one coach finding on this canvas, keeping the founder's reason."""
    authorize(session, canvas_id)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Say why you dismiss this finding: the reason is kept with the canvas.", field="reason")
    if len(reason) > DISMISS_REASON_MAX_CHARS:
        raise InvalidInput(f"The reason is {len(reason)} characters; the limit is {DISMISS_REASON_MAX_CHARS}.",
                           field="reason")
    with changing(session, canvas_id=canvas_id, author=author, item_kind="finding", item_id="",
                  action="add", label=f"Dismiss “{rule_id}”") as log:
        finding = DismissedFinding(canvas_id=canvas_id, rule_id=rule_id, segment_id=segment_id or "", reason=reason)
        session.add(finding)
        session.flush()
        log.item_id = str(finding.id)
        log.after = dump(fields(finding))


def restore_finding(*, session: Session, canvas_id: str, dismissed_id: int, author: Author | None = None) -> None:
    """Show a dismissed finding again."""
    authorize(session, canvas_id)
    dismissed = session.get(DismissedFinding, dismissed_id)
    if dismissed is None or dismissed.canvas_id != canvas_id:
        raise InvalidInput("That dismissed finding is no longer on this canvas. Reload the page.")
    with changing(session, canvas_id=canvas_id, author=author, item_kind="finding", item_id=str(dismissed_id),
                  action="delete", label=f"Bring back “{dismissed.rule_id}”") as log:
        log.before = dump(fields(dismissed))
        session.delete(dismissed)
