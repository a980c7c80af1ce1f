"""Workshop lookups and checks shared by the store's modules.

The workshop row (row-locked for a facilitator's step), the facilitator's and a participant's
token checks against the stored SHA-256 (``codes.token_matches``), the running check, the agenda
as stored, a note of this workshop, and the shared reads: votes used, vote tallies and
participants' names.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from canvas.domain.blocks import Block
from canvas.domain.models import utcnow
from canvas.domain.workshop_models import Workshop, WorkshopNote, WorkshopParticipant, WorkshopVote
from canvas.storage.access import authorize
from canvas.workshop import codes, voting
from canvas.workshop.agenda import Agenda, BlockState
from canvas.workshop.errors import NotAllowed, WorkshopEnded, WorkshopNoteGone, WorkshopNotFound
from canvas.workshop.voting import VoteState


def _now(now: datetime | None) -> datetime:
    return now if now is not None else utcnow()


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _workshop(session: Session, workshop_id: str, *, lock: bool = False) -> Workshop:
    query = select(Workshop).where(Workshop.id == workshop_id)
    # FOR NO KEY UPDATE: facilitator steps take turns, while participants' notes and votes, whose
    # foreign keys only share-lock the row, are not held up.
    workshop = session.exec(query.with_for_update(key_share=True) if lock else query).first() if workshop_id else None
    if workshop is None:
        raise WorkshopNotFound(
            "This workshop no longer exists (its canvas may have been deleted). Ask the facilitator "
            "for the current join code."
        )
    return workshop


def count_change(session: Session, workshop_id: str, *, shared: bool) -> None:
    """Count a change of the workshop, in the transaction that makes it (last, just before the
    commit: on PostgreSQL the row stays locked until then). ``shared`` when every participant
    sees it; a change only its author and the facilitator see (a hidden note, a vote, a join)
    bumps ``version`` alone, so it redraws no phone but its author's."""
    values = {"version": col(Workshop.version) + 1}
    if shared:
        values["shared_version"] = col(Workshop.shared_version) + 1
    session.exec(update(Workshop).where(col(Workshop.id) == workshop_id).values(**values)
                 .execution_options(synchronize_session=False))


def _running(workshop: Workshop) -> None:
    if workshop.state == "ended":
        raise WorkshopEnded(
            f"Workshop {codes.format_code(workshop.code)} has ended, so nothing more can be added "
            "or changed. The facilitator can download its summary."
        )


def _as_facilitator(session: Session, workshop_id: str, token: str | None, *, running: bool = True) -> Workshop:
    """The workshop, if ``token`` is its facilitator's (``NotAllowed`` otherwise); row-locked on
    PostgreSQL so two facilitator tabs take turns."""
    authorize(session, None)
    workshop = _workshop(session, workshop_id, lock=running)
    if not codes.token_matches(token, workshop.facilitator_token_hash):
        session.rollback()
        raise NotAllowed(
            "Only the workshop's facilitator can do this, from the facilitator's link. Nothing was changed."
        )
    if running and workshop.state == "ended":
        session.rollback()  # let go of the row lock
        _running(workshop)
    return workshop


def _as_participant(session: Session, workshop: Workshop, token: str | None,
                    *, lock: bool = False) -> WorkshopParticipant:
    authorize(session, None)
    query = select(WorkshopParticipant).where(
        WorkshopParticipant.workshop_id == workshop.id,
        WorkshopParticipant.token_hash == codes.token_hash(token or ""),
    )
    participant = session.exec(query.with_for_update(key_share=True) if lock else query).first() if token else None
    if participant is None or not codes.token_matches(token, participant.token_hash):
        session.rollback()
        raise NotAllowed(
            "This browser has not joined this workshop (or its link is incomplete). Join with the "
            "workshop's code to take part. Nothing was changed."
        )
    return participant


def agenda_of(workshop: Workshop) -> Agenda:
    """The workshop row's agenda as the rules' value."""
    return Agenda(
        current=Block(workshop.current_block) if workshop.current_block else None,
        phase=BlockState(workshop.block_phase), opened_at=_aware(workshop.block_opened_at),
        duration_seconds=workshop.block_seconds, extension_seconds=workshop.block_extra_seconds,
    )


def _store_agenda(workshop: Workshop, agenda: Agenda) -> None:
    if agenda.current != (Block(workshop.current_block) if workshop.current_block else None):
        workshop.vote_state = VoteState.NONE.value  # a new block starts without a vote
    workshop.current_block = agenda.current.value if agenda.current else None
    workshop.block_phase = agenda.phase.value
    workshop.block_opened_at = agenda.opened_at
    workshop.block_seconds = agenda.duration_seconds
    workshop.block_extra_seconds = agenda.extension_seconds


def _note_here(session: Session, workshop: Workshop, note_id: str) -> WorkshopNote:
    note = session.get(WorkshopNote, note_id) if note_id else None
    if note is None or note.workshop_id != workshop.id:
        session.rollback()
        raise WorkshopNoteGone("That note is not part of this workshop (any more). Reload to see the current notes.")
    return note


def _votes_used(session: Session, workshop: Workshop, participant_id: str) -> int:
    """The participant's votes on the current block's notes."""
    return session.exec(
        select(func.count()).select_from(WorkshopVote)
        .join(WorkshopNote, col(WorkshopNote.id) == col(WorkshopVote.note_id))
        .where(WorkshopVote.participant_id == participant_id, WorkshopNote.block == workshop.current_block)
    ).one()


def _tally(session: Session, workshop: Workshop, block: str | None = None) -> dict[str, int]:
    query = select(WorkshopVote.note_id).where(WorkshopVote.workshop_id == workshop.id)
    if block is not None:
        query = query.join(WorkshopNote, col(WorkshopNote.id) == col(WorkshopVote.note_id)).where(
            WorkshopNote.block == block)
    return voting.tally(session.exec(query).all())


def _names(session: Session, workshop: Workshop) -> dict[str, str]:
    """Participants' names by id, in joining order."""
    rows = session.exec(select(WorkshopParticipant.id, WorkshopParticipant.name)
                        .where(WorkshopParticipant.workshop_id == workshop.id)
                        .order_by(col(WorkshopParticipant.joined_at), col(WorkshopParticipant.id))).all()
    return dict(rows)

