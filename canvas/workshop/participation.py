"""The participants' actions: adding a note, casting and withdrawing a vote.

Each takes the participant's token, checked before anything is read or written.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from canvas.domain.workshop_models import WorkshopNote, WorkshopVote
from canvas.workshop import agenda as agenda_rules
from canvas.workshop import brainstorm, voting
from canvas.workshop.errors import NoteRefused, VoteRefused
from canvas.workshop.lookups import (
    _as_participant,
    _note_here,
    _now,
    _running,
    _votes_used,
    _workshop,
    agenda_of,
    count_change,
)
from canvas.workshop.voting import VoteState


def add_workshop_note(*, session: Session, workshop_id: str, participant_token: str | None, text: str,
                      now: datetime | None = None) -> str:
    """A participant's note on the open block; returns its id. Refused with the reason when the
    block is not open, is locked, its timer has run out, or the workshop has ended."""
    workshop = _workshop(session, workshop_id)
    participant = _as_participant(session, workshop, participant_token)
    agenda = agenda_of(workshop)
    if agenda.current is None:
        _running(workshop)
        raise NoteRefused("Every block is done: the workshop takes no more notes.")
    agenda_rules.check_note_allowed(agenda, agenda.current, now=_now(now), ended=workshop.state == "ended")
    note = WorkshopNote(workshop_id=workshop.id, block=agenda.current.value, text=brainstorm.clean_note_text(text),
                        participant_id=participant.id, revealed=not workshop.private, created_at=_now(now))
    session.add(note)
    session.flush()
    count_change(session, workshop.id, shared=note.revealed)  # a hidden note: its author's and the facilitator's
    session.commit()
    return note.id


def cast_vote(*, session: Session, workshop_id: str, participant_token: str | None, note_id: str) -> int:
    """Put one of the participant's votes on a revealed note of the current block; returns the
    votes they have left. Refused beyond the allowance, with no vote open, on a hidden note."""
    workshop = _workshop(session, workshop_id)
    _running(workshop)
    participant = _as_participant(session, workshop, participant_token, lock=True)
    note = _note_here(session, workshop, note_id)
    used = _votes_used(session, workshop, participant.id)
    try:
        voting.check_vote(state=VoteState(workshop.vote_state), used=used, allowance=workshop.vote_allowance,
                          revealed=note.revealed, on_current_block=note.block == workshop.current_block,
                          merged=note.merged_into_id is not None)
    except VoteRefused:
        session.rollback()
        raise
    session.add(WorkshopVote(workshop_id=workshop.id, participant_id=participant.id, note_id=note.id))
    session.flush()
    count_change(session, workshop.id, shared=False)  # tallies stay hidden until the vote closes
    session.commit()
    return voting.votes_left(used=used + 1, allowance=workshop.vote_allowance)


def withdraw_vote(*, session: Session, workshop_id: str, participant_token: str | None, note_id: str) -> int:
    """Take back one of the participant's votes on a note while the vote is open; returns the
    votes they have left."""
    workshop = _workshop(session, workshop_id)
    _running(workshop)
    participant = _as_participant(session, workshop, participant_token, lock=True)
    if workshop.vote_state != VoteState.OPEN.value:
        session.rollback()
        raise VoteRefused("The vote is not open, so votes cannot be taken back now.")
    vote = session.exec(select(WorkshopVote).where(
        WorkshopVote.participant_id == participant.id, WorkshopVote.note_id == note_id).limit(1)).first()
    if vote is None:
        session.rollback()
        raise VoteRefused("You have no vote on that note to take back.")
    session.delete(vote)
    session.flush()
    count_change(session, workshop.id, shared=False)
    session.commit()
    return voting.votes_left(used=_votes_used(session, workshop, participant.id), allowance=workshop.vote_allowance)

