"""What a page draws: the facilitator's, a participant's and the presentation ``WorkshopView``,
each read in one go.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from canvas.domain.blocks import Block
from canvas.domain.workshop_models import Workshop, WorkshopNote, WorkshopParticipant, WorkshopVote
from canvas.storage.records import get_canvas
from canvas.workshop import agenda as agenda_rules
from canvas.workshop import brainstorm, codes, voting
from canvas.workshop.agenda import Agenda, BlockStatus
from canvas.workshop.lookups import (
    _as_facilitator,
    _as_participant,
    _names,
    _now,
    _tally,
    _votes_used,
    _workshop,
    agenda_of,
)
from canvas.workshop.voting import VoteState

# --- What the pages get -------------------------------------------------------------------------

@dataclass(frozen=True)
class NoteView:
    """A workshop note as one viewer sees it."""

    id: str
    block: Block
    text: str
    authors: tuple[str, ...]  # the author, then the authors of notes merged into it
    mine: bool  # written (or co-written through a merge) by the viewer
    revealed: bool
    merged_texts: tuple[str, ...]  # the texts of the notes merged into this one
    votes: int | None  # None while the results are hidden
    my_votes: int
    promoted: bool


@dataclass(frozen=True)
class WorkshopView:
    """Everything a facilitator, participant or presentation view draws, read in one go."""

    workshop_id: str
    canvas_id: str
    canvas_name: str
    code: str
    join_link: str  # relative: the page adds the origin
    facilitator: bool
    ended: bool
    private: bool
    agenda: Agenda
    blocks: tuple[BlockStatus, ...]  # the nine blocks in agenda order
    remaining_seconds: int  # on the open block's timer
    vote_state: VoteState
    vote_allowance: int
    votes_left: int | None  # the participant's, on the current block; None for the facilitator
    votes_cast: int  # by everyone on the current block (a count only: never who voted for what)
    note_refusal: str | None  # why this viewer cannot add a note now; None when they can
    participants: tuple[str, ...]  # names, in joining order
    notes: tuple[NoteView, ...]  # the current block's notes this viewer may see, oldest first
    hidden_notes: int  # the current block's notes this viewer may not see yet (private mode)
    me: str | None  # the participant's name; None for the facilitator
    # The workshop's change counters when this was read (read first: a change made while reading
    # makes the page draw again, never drop it): see ``lookups.count_change``.
    version: int = 0
    shared_version: int = 0


# --- Views ------------------------------------------------------------------------------------------

def facilitator_view(*, session: Session, workshop_id: str, facilitator_token: str | None,
                     now: datetime | None = None) -> WorkshopView:
    """The facilitator's view: every note of the current block, hidden or not; vote counts only
    once the vote is closed."""
    workshop = _as_facilitator(session, workshop_id, facilitator_token, running=False)
    return _view(session, workshop, None, _now(now), facilitator=True)


def presentation_view(*, session: Session, workshop_id: str, facilitator_token: str | None,
                      now: datetime | None = None) -> WorkshopView:
    """What the projector shows the room (opened from the facilitator's link): the revealed notes
    only, so private mode stays private, with the timer, the join code and the vote results."""
    workshop = _as_facilitator(session, workshop_id, facilitator_token, running=False)
    return _view(session, workshop, None, _now(now), facilitator=False)


def participant_view(*, session: Session, workshop_id: str, participant_token: str | None,
                     now: datetime | None = None) -> WorkshopView:
    """A participant's view: their own notes and the revealed ones of the current block, their
    votes left, and why they cannot add a note now (if they cannot)."""
    workshop = _workshop(session, workshop_id)
    participant = _as_participant(session, workshop, participant_token)
    return _view(session, workshop, participant, _now(now), facilitator=False)


def _visible_to(viewer: str | None) -> Any:
    """``brainstorm.can_see`` for a participant (``viewer``) or the projector (None), in SQL: a
    revealed note, or one the viewer wrote or co-wrote (a note of theirs was merged into it)."""
    if viewer is None:
        return col(WorkshopNote.revealed)
    merged_mine = select(WorkshopNote.merged_into_id).where(
        col(WorkshopNote.participant_id) == viewer, col(WorkshopNote.merged_into_id).is_not(None))
    return or_(col(WorkshopNote.revealed), col(WorkshopNote.participant_id) == viewer,
               col(WorkshopNote.id).in_(merged_mine))


def _view(session: Session, workshop: Workshop, participant: WorkshopParticipant | None,
          now: datetime, *, facilitator: bool) -> WorkshopView:
    version, shared_version = workshop.version, workshop.shared_version
    canvas = get_canvas(session=session, canvas_id=workshop.canvas_id, include_trashed=True)
    agenda = agenda_of(workshop)
    ended = workshop.state == "ended"
    names = _names(session, workshop)
    vote_state = VoteState(workshop.vote_state)
    viewer = participant.id if participant else None
    notes: list[NoteView] = []
    hidden = 0
    if agenda.current is not None:
        here = (col(WorkshopNote.workshop_id) == workshop.id, col(WorkshopNote.block) == agenda.current.value)
        query = select(WorkshopNote).where(*here)
        if not facilitator:
            # Only the rows this viewer may see (``brainstorm.can_see``, still applied below) and the
            # notes merged into them: a phone in private mode reads its own notes, not the room's.
            seen = _visible_to(viewer)
            top = select(WorkshopNote.id).where(*here, col(WorkshopNote.merged_into_id).is_(None), seen)
            query = query.where(col(WorkshopNote.id).in_(top) | col(WorkshopNote.merged_into_id).in_(top))
            hidden = session.exec(select(func.count()).select_from(WorkshopNote).where(
                *here, col(WorkshopNote.merged_into_id).is_(None), ~seen)).one()
        rows = list(session.exec(query.order_by(col(WorkshopNote.created_at), col(WorkshopNote.id))).all())
        votes = _tally(session, workshop, agenda.current.value)
        mine: dict[str, int] = {}
        if participant is not None:
            mine = voting.tally(session.exec(select(WorkshopVote.note_id).where(
                WorkshopVote.participant_id == participant.id)).all())
        merged_into: dict[str, list[WorkshopNote]] = {}
        for note in rows:
            if note.merged_into_id is not None:
                merged_into.setdefault(note.merged_into_id, []).append(note)
        for note in rows:
            if note.merged_into_id is not None:
                continue
            merged = merged_into.get(note.id, [])
            authors_ids = [note.participant_id] + [n.participant_id for n in merged]
            if not brainstorm.can_see(author_id=note.participant_id, revealed=note.revealed, viewer_id=viewer,
                                      facilitator=facilitator) and viewer not in authors_ids:
                hidden += 1  # not read by the query above: kept as the rule's safety net
                continue
            notes.append(NoteView(
                id=note.id, block=Block(note.block), text=note.text,
                authors=tuple(dict.fromkeys(names[a] for a in authors_ids)), mine=viewer in authors_ids,
                revealed=note.revealed, merged_texts=tuple(n.text for n in merged),
                votes=votes.get(note.id, 0) if voting.results_visible(vote_state) else None,
                my_votes=mine.get(note.id, 0), promoted=note.promoted_note_id is not None,
            ))
    refusal = None
    if participant is not None:
        if ended:
            refusal = "This workshop has ended, so it takes no more notes. Thank you for taking part!"
        elif agenda.current is None:
            refusal = "Every block is done: the workshop takes no more notes."
        else:
            refusal = agenda_rules.note_refusal(agenda, agenda.current, now=now, ended=False)
    votes_cast = sum(_tally(session, workshop, agenda.current.value).values()) if agenda.current else 0
    return WorkshopView(
        workshop_id=workshop.id, canvas_id=workshop.canvas_id, canvas_name=canvas.name, code=workshop.code,
        join_link=codes.join_link(workshop.code), facilitator=facilitator, ended=ended,
        private=workshop.private, agenda=agenda, blocks=agenda_rules.agenda_rows(agenda, now),
        remaining_seconds=agenda.remaining_seconds(now), vote_state=vote_state,
        vote_allowance=workshop.vote_allowance,
        votes_left=(voting.votes_left(used=_votes_used(session, workshop, participant.id),
                                      allowance=workshop.vote_allowance) if participant else None),
        votes_cast=votes_cast, note_refusal=refusal, participants=tuple(names.values()), notes=tuple(notes),
        hidden_notes=hidden, me=participant.name if participant else None,
        version=version, shared_version=shared_version,
    )

