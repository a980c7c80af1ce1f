"""Workshops in the database: start, join, the facilitator's steps, notes, votes, merge, promote, end.

Keyword-only functions on a ``Session``, one unit of work each, committed before they return.
A facilitator action takes the facilitator's token and a participant action the participant's;
each is checked on the server against the stored SHA-256 (``codes.token_matches``) before
anything is read for or written to the workshop, so a crafted request changes nothing. The time
is an argument (``now``, UTC) defaulting to the server's clock, so tests drive the timers.
What a page draws comes back as one frozen ``WorkshopView``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from canvas import storage
from canvas.domain.authors import Author
from canvas.domain.blocks import BLOCKS, Block
from canvas.domain.errors import InvalidInput, NameTaken
from canvas.domain.models import NoteCreate, SegmentCreate, utcnow
from canvas.domain.workshop_models import Workshop, WorkshopNote, WorkshopParticipant, WorkshopVote
from canvas.storage.history import log_canvas_change
from canvas.storage.records import get_canvas
from canvas.workshop import agenda as agenda_rules
from canvas.workshop import brainstorm, codes, voting
from canvas.workshop.agenda import Agenda, BlockState, BlockStatus
from canvas.workshop.errors import (
    NotAllowed,
    NoteRefused,
    UnknownJoinCode,
    VoteRefused,
    WorkshopEnded,
    WorkshopNoteGone,
    WorkshopNotFound,
)
from canvas.workshop.participants import clean_participant_name, name_key
from canvas.workshop.voting import VoteState

CODE_ATTEMPTS = 8  # new codes drawn when one is taken (31^6 codes: a clash is rare)
_PROMOTING = "-"  # promoted_note_id while the canvas note is being written


# --- What the pages get -------------------------------------------------------------------------

@dataclass(frozen=True)
class StartedWorkshop:
    """A new workshop. ``facilitator_token`` is shown once: the page keeps it (e.g. in the
    facilitator's URL); only its hash is stored."""

    workshop_id: str
    code: str  # as stored, "K7QM4P"; ``codes.format_code`` shows it as "K7Q-M4P"
    facilitator_token: str


@dataclass(frozen=True)
class JoinTarget:
    """The workshop a valid, current join code leads to (for the join form's greeting)."""

    workshop_id: str
    canvas_name: str
    code: str


@dataclass(frozen=True)
class Joined:
    """A participant who has joined. ``token`` is theirs alone: the page keeps it for the browser."""

    workshop_id: str
    participant_id: str
    name: str
    token: str


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


@dataclass(frozen=True)
class WorkshopSummary:
    """What a workshop produced, saved in the canvas's change log when it ends and downloadable."""

    workshop_id: str
    canvas_name: str
    code: str
    started_at: datetime
    ended_at: datetime | None
    participants: tuple[str, ...]
    notes: tuple[dict[str, Any], ...]  # block, text, authors, votes, merged texts, promoted

    def as_dict(self) -> dict[str, Any]:
        return {
            "workshop_id": self.workshop_id, "canvas": self.canvas_name, "code": codes.format_code(self.code),
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "participants": list(self.participants), "notes": [dict(n) for n in self.notes],
        }

    def as_text(self) -> str:
        """The summary as plain text, for a download (user text written as it was typed)."""
        lines = [f"Workshop {codes.format_code(self.code)} on “{self.canvas_name}”",
                 f"Started {self.started_at:%Y-%m-%d %H:%M} UTC"
                 + (f", ended {self.ended_at:%Y-%m-%d %H:%M} UTC" if self.ended_at else ""),
                 f"Participants ({len(self.participants)}): {', '.join(self.participants)}", ""]
        for block in agenda_rules.AGENDA:
            notes = [n for n in self.notes if n["block"] == block.value]
            if not notes:
                continue
            lines.append(BLOCKS[block].title)
            for note in notes:
                mark = " [on the canvas]" if note["promoted"] else ""
                lines.append(f"- {note['text']} ({', '.join(note['authors'])}; {_count(note['votes'], 'vote')}){mark}")
                lines.extend(f"    merged: {text}" for text in note["merged_texts"])
            lines.append("")
        return "\n".join(lines)


# --- Lookups and checks ---------------------------------------------------------------------------

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


def _running(workshop: Workshop) -> None:
    if workshop.state == "ended":
        raise WorkshopEnded(
            f"Workshop {codes.format_code(workshop.code)} has ended, so nothing more can be added "
            "or changed. The facilitator can download its summary."
        )


def _as_facilitator(session: Session, workshop_id: str, token: str | None, *, running: bool = True) -> Workshop:
    """The workshop, if ``token`` is its facilitator's (``NotAllowed`` otherwise); row-locked on
    PostgreSQL so two facilitator tabs take turns."""
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


# --- Starting and joining -------------------------------------------------------------------------

def start_workshop(*, session: Session, canvas_id: str, private: bool = True,
                   vote_allowance: int = voting.DEFAULT_VOTES, now: datetime | None = None) -> StartedWorkshop:
    """A new workshop on the canvas, with a fresh join code, at Customer Segments (pending)."""
    get_canvas(session=session, canvas_id=canvas_id)
    voting.check_allowance(vote_allowance)
    token = codes.new_token()
    for _ in range(CODE_ATTEMPTS):
        workshop = Workshop(canvas_id=canvas_id, code=codes.new_join_code(), private=private,
                            facilitator_token_hash=codes.token_hash(token), vote_allowance=vote_allowance,
                            created_at=_now(now))
        session.add(workshop)
        try:
            session.commit()
        except IntegrityError:  # the code is taken: draw another
            session.rollback()
            continue
        return StartedWorkshop(workshop_id=workshop.id, code=workshop.code, facilitator_token=token)
    raise RuntimeError("could not draw a free join code")  # 8 clashes in a row: not a user's doing


def find_workshop(*, session: Session, code: str) -> JoinTarget:
    """The running workshop a typed join code leads to: ``MalformedJoinCode`` when it cannot be a
    code, ``UnknownJoinCode`` when no workshop has it, ``WorkshopEnded`` when its workshop is over."""
    normal = codes.normalise_code(code)
    workshop = session.exec(select(Workshop).where(Workshop.code == normal)).first()
    if workshop is None:
        raise UnknownJoinCode(
            f"No workshop has the code {codes.format_code(normal)}. Check it on the facilitator's "
            "screen (a new workshop gets a new code) and type it again."
        )
    if workshop.state == "ended":
        raise WorkshopEnded(
            f"Workshop {codes.format_code(normal)} has ended, so it takes no new participants. "
            "Ask the facilitator for the code of the current one."
        )
    canvas = get_canvas(session=session, canvas_id=workshop.canvas_id, include_trashed=True)
    if canvas.deleted_at is not None:
        raise WorkshopEnded(
            f"The canvas of workshop {codes.format_code(normal)} was deleted, so the workshop takes no "
            "participants. Ask the facilitator for the code of the current one."
        )
    return JoinTarget(workshop_id=workshop.id, canvas_name=canvas.name, code=normal)


def join_workshop(*, session: Session, code: str, name: str, now: datetime | None = None) -> Joined:
    """Join a running workshop by its code under a display name unique in the workshop (ignoring
    case); each refusal (code, ended, name empty, too long or taken) says what to do."""
    target = find_workshop(session=session, code=code)
    taken = session.exec(select(WorkshopParticipant.name).where(
        WorkshopParticipant.workshop_id == target.workshop_id)).all()
    clean = clean_participant_name(name, taken=taken)
    token = codes.new_token()
    participant = WorkshopParticipant(workshop_id=target.workshop_id, name=clean, name_key=name_key(clean),
                                      token_hash=codes.token_hash(token), joined_at=_now(now))
    session.add(participant)
    try:
        session.commit()
    except IntegrityError:  # someone took the name a moment ago
        session.rollback()
        raise NameTaken(f"Someone in this workshop is already called “{clean}”. Add an initial or pick "
                        "another name.", field="name") from None
    return Joined(workshop_id=target.workshop_id, participant_id=participant.id, name=clean, token=token)


# --- The facilitator's steps ----------------------------------------------------------------------

def _agenda_step(session: Session, workshop_id: str, token: str | None, step: Any) -> Agenda:
    workshop = _as_facilitator(session, workshop_id, token)
    try:
        agenda = step(agenda_of(workshop))
    except Exception:
        session.rollback()
        raise
    _store_agenda(workshop, agenda)
    session.add(workshop)
    session.commit()
    return agenda


def open_block(*, session: Session, workshop_id: str, facilitator_token: str | None,
               minutes: int = agenda_rules.DEFAULT_MINUTES, now: datetime | None = None) -> Agenda:
    """Open the current block for notes with a timer of ``minutes`` (1-60)."""
    moment = _now(now)
    return _agenda_step(session, workshop_id, facilitator_token,
                        lambda a: agenda_rules.open_block(a, now=moment, minutes=minutes))


def lock_block(*, session: Session, workshop_id: str, facilitator_token: str | None) -> Agenda:
    """Stop taking notes on the open block."""
    return _agenda_step(session, workshop_id, facilitator_token, agenda_rules.lock_block)


def extend_block(*, session: Session, workshop_id: str, facilitator_token: str | None, minutes: int,
                 now: datetime | None = None) -> Agenda:
    """Give the open block ``minutes`` (1-60) more."""
    moment = _now(now)
    return _agenda_step(session, workshop_id, facilitator_token,
                        lambda a: agenda_rules.extend_block(a, now=moment, minutes=minutes))


def next_block(*, session: Session, workshop_id: str, facilitator_token: str | None) -> Agenda:
    """Mark the current block done and make the next one current (pending until opened)."""
    return _agenda_step(session, workshop_id, facilitator_token, agenda_rules.next_block)


def set_private(*, session: Session, workshop_id: str, facilitator_token: str | None, private: bool) -> None:
    """Switch private mode for notes added from now on (notes already revealed stay revealed)."""
    workshop = _as_facilitator(session, workshop_id, facilitator_token)
    workshop.private = private
    session.add(workshop)
    session.commit()


def reveal_notes(*, session: Session, workshop_id: str, facilitator_token: str | None) -> int:
    """Show every note of the current block to everyone; returns how many were hidden."""
    workshop = _as_facilitator(session, workshop_id, facilitator_token)
    result = session.exec(
        update(WorkshopNote).where(col(WorkshopNote.workshop_id) == workshop.id,
                                   col(WorkshopNote.block) == workshop.current_block,
                                   col(WorkshopNote.revealed).is_(False))
        .values(revealed=True)
    )
    session.commit()
    return int(result.rowcount or 0)


def start_vote(*, session: Session, workshop_id: str, facilitator_token: str | None,
               vote_allowance: int | None = None) -> None:
    """Open dot voting on the current block's revealed notes, with ``vote_allowance`` (1-10)
    votes per participant (the workshop's setting when None). Reopening keeps the votes cast."""
    workshop = _as_facilitator(session, workshop_id, facilitator_token)
    if vote_allowance is not None:
        try:
            workshop.vote_allowance = voting.check_allowance(vote_allowance)
        except InvalidInput:
            session.rollback()
            raise
    if workshop.current_block is None:
        session.rollback()
        raise VoteRefused("Every block is done: there is no block to vote on.")
    workshop.vote_state = VoteState.OPEN.value
    session.add(workshop)
    session.commit()


def close_vote(*, session: Session, workshop_id: str, facilitator_token: str | None) -> None:
    """Close the vote on the current block; its results are shown to everyone."""
    workshop = _as_facilitator(session, workshop_id, facilitator_token)
    if workshop.vote_state != VoteState.OPEN.value:
        session.rollback()
        raise VoteRefused("No vote is open on this block: start one first.")
    workshop.vote_state = VoteState.CLOSED.value
    session.add(workshop)
    session.commit()


def merge_notes(*, session: Session, workshop_id: str, facilitator_token: str | None, into_note_id: str,
                note_ids: Sequence[str]) -> None:
    """Merge duplicates into one note: they disappear into it, it keeps every author and their
    votes add up on it."""
    workshop = _as_facilitator(session, workshop_id, facilitator_token)
    target = _note_here(session, workshop, into_note_id)
    others = [_note_here(session, workshop, note_id) for note_id in dict.fromkeys(note_ids)]
    try:
        brainstorm.check_merge(_candidate(target), [_candidate(note) for note in others])
    except InvalidInput:
        session.rollback()
        raise
    ids = [note.id for note in others]
    # Notes merged earlier into one of these follow it into the target, and so do the votes.
    session.exec(update(WorkshopNote).where(col(WorkshopNote.merged_into_id).in_(ids))
                 .values(merged_into_id=target.id))
    session.exec(update(WorkshopVote).where(col(WorkshopVote.note_id).in_(ids)).values(note_id=target.id))
    for note in others:
        note.merged_into_id = target.id
        session.add(note)
    target.revealed = target.revealed or any(note.revealed for note in others)
    session.add(target)
    session.commit()


def _candidate(note: WorkshopNote) -> brainstorm.MergeCandidate:
    return brainstorm.MergeCandidate(id=note.id, block=Block(note.block), merged_into=note.merged_into_id,
                                     promoted=note.promoted_note_id is not None)


def _authors(session: Session, note: WorkshopNote) -> list[str]:
    """The note's author, then the authors of the notes merged into it, in order of writing."""
    rows = session.exec(
        select(WorkshopParticipant.name)
        .join(WorkshopNote, col(WorkshopNote.participant_id) == col(WorkshopParticipant.id))
        .where((col(WorkshopNote.id) == note.id) | (col(WorkshopNote.merged_into_id) == note.id))
        .order_by(col(WorkshopNote.id) != note.id, col(WorkshopNote.created_at), col(WorkshopNote.id))
    ).all()
    return list(dict.fromkeys(rows))


def promote_note(*, session: Session, workshop_id: str, facilitator_token: str | None, note_id: str,
                 segment_id: str | None = None) -> str:
    """Put a workshop note on the canvas, by its authors' names, tagged with ``segment_id`` when
    given; returns the canvas note's id. A Customer Segments note becomes a segment (its text is
    the segment's name). A note is promoted once."""
    workshop = _as_facilitator(session, workshop_id, facilitator_token)
    note = _note_here(session, workshop, note_id)
    if note.merged_into_id is not None:
        session.rollback()
        raise InvalidInput("That note was merged into another: promote the one it was merged into.",
                           field="note_id")
    authors = _authors(session, note)
    participant = session.get_one(WorkshopParticipant, note.participant_id)
    author = Author(id=f"workshop:{participant.id}", name=brainstorm.authors_label(authors))
    block, canvas_id, text = Block(note.block), workshop.canvas_id, note.text
    # Claim the note first, in the canvas change's own transaction: of two clicks one promotes.
    claimed = session.exec(update(WorkshopNote).where(col(WorkshopNote.id) == note.id,
                                                      col(WorkshopNote.promoted_note_id).is_(None))
                           .values(promoted_note_id=_PROMOTING))
    if claimed.rowcount != 1:
        session.rollback()
        raise InvalidInput("That note is on the canvas already.", field="note_id")
    try:
        if block == Block.CUSTOMER_SEGMENTS:
            if segment_id:
                raise InvalidInput("A Customer Segments note becomes a segment itself; it cannot be tagged "
                                   "with another segment.", field="segment_id")
            made = storage.add_segment(session=session, canvas_id=canvas_id, author=author,
                                       data=storage.parse(SegmentCreate, name=text)).id
        else:
            made = storage.add_note(session=session, canvas_id=canvas_id, author=author,
                                    data=storage.parse(NoteCreate, block=block, text=text,
                                                       segment_id=segment_id or None)).id
    except BaseException:
        session.rollback()
        raise
    session.exec(update(WorkshopNote).where(col(WorkshopNote.id) == note_id).values(promoted_note_id=made))
    session.commit()
    return made


def end_workshop(*, session: Session, workshop_id: str, facilitator_token: str | None,
                 author: Author | None = None, now: datetime | None = None) -> WorkshopSummary:
    """End the workshop: no more joins, notes or votes; its code stops working. The summary is
    saved in the canvas's change log (by ``author``, the facilitator) and returned."""
    workshop = _as_facilitator(session, workshop_id, facilitator_token)
    workshop.state = "ended"
    workshop.ended_at = _now(now)
    if workshop.block_phase == BlockState.OPEN.value:
        workshop.block_phase = BlockState.LOCKED.value
    if workshop.vote_state == VoteState.OPEN.value:
        workshop.vote_state = VoteState.CLOSED.value
    session.add(workshop)
    summary = _summary(session, workshop)
    promoted = sum(1 for note in summary.notes if note["promoted"])
    log_canvas_change(
        session, canvas_id=workshop.canvas_id, action="workshop", author=author, after=summary.as_dict(),
        label=(f"Workshop {codes.format_code(workshop.code)}: {_count(len(summary.participants), 'participant')}, "
               f"{_count(len(summary.notes), 'note')}, {promoted} promoted"),
    )
    session.commit()
    return summary


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def workshop_summary(*, session: Session, workshop_id: str, facilitator_token: str | None) -> WorkshopSummary:
    """Participants, every note with its authors and votes, and what was promoted (for the download)."""
    return _summary(session, _as_facilitator(session, workshop_id, facilitator_token, running=False))


def _summary(session: Session, workshop: Workshop) -> WorkshopSummary:
    canvas = get_canvas(session=session, canvas_id=workshop.canvas_id, include_trashed=True)
    names = _names(session, workshop)
    notes = list(session.exec(select(WorkshopNote).where(WorkshopNote.workshop_id == workshop.id)
                              .order_by(col(WorkshopNote.created_at), col(WorkshopNote.id))).all())
    votes = _tally(session, workshop)
    order = {block: i for i, block in enumerate(agenda_rules.AGENDA)}
    rows = []
    for note in sorted((n for n in notes if n.merged_into_id is None), key=lambda n: order[Block(n.block)]):
        merged = [n for n in notes if n.merged_into_id == note.id]
        authors = [names[note.participant_id]] + [names[n.participant_id] for n in merged]
        rows.append({"block": note.block, "text": note.text, "authors": list(dict.fromkeys(authors)),
                     "votes": votes.get(note.id, 0), "merged_texts": [n.text for n in merged],
                     "promoted": note.promoted_note_id not in (None, _PROMOTING)})
    return WorkshopSummary(
        workshop_id=workshop.id, canvas_name=canvas.name, code=workshop.code,
        started_at=_aware(workshop.created_at) or utcnow(), ended_at=_aware(workshop.ended_at),
        participants=tuple(names.values()), notes=tuple(rows),
    )


# --- The participants' actions --------------------------------------------------------------------

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
    session.commit()
    return voting.votes_left(used=_votes_used(session, workshop, participant.id), allowance=workshop.vote_allowance)


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


def _view(session: Session, workshop: Workshop, participant: WorkshopParticipant | None,
          now: datetime, *, facilitator: bool) -> WorkshopView:
    canvas = get_canvas(session=session, canvas_id=workshop.canvas_id, include_trashed=True)
    agenda = agenda_of(workshop)
    ended = workshop.state == "ended"
    names = _names(session, workshop)
    vote_state = VoteState(workshop.vote_state)
    viewer = participant.id if participant else None
    notes: list[NoteView] = []
    hidden = 0
    if agenda.current is not None:
        rows = list(session.exec(
            select(WorkshopNote).where(WorkshopNote.workshop_id == workshop.id,
                                       WorkshopNote.block == agenda.current.value)
            .order_by(col(WorkshopNote.created_at), col(WorkshopNote.id))).all())
        votes = _tally(session, workshop, agenda.current.value)
        mine: dict[str, int] = {}
        if participant is not None:
            mine = voting.tally(session.exec(select(WorkshopVote.note_id).where(
                WorkshopVote.participant_id == participant.id)).all())
        for note in rows:
            if note.merged_into_id is not None:
                continue
            merged = [n for n in rows if n.merged_into_id == note.id]
            authors_ids = [note.participant_id] + [n.participant_id for n in merged]
            if not brainstorm.can_see(author_id=note.participant_id, revealed=note.revealed, viewer_id=viewer,
                                      facilitator=facilitator) and viewer not in authors_ids:
                hidden += 1
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
        hidden_notes=hidden,        me=participant.name if participant else None,
    )
