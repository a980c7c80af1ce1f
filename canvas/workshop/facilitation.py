"""The facilitator's actions: the agenda steps (open, lock, extend, next block), private mode,
revealing notes, starting and closing a vote, merging, promoting to the canvas, ending, and the
``WorkshopSummary``.

Each takes the facilitator's token, checked before anything is read or written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from canvas import storage
from canvas.domain.authors import Author
from canvas.domain.blocks import BLOCKS, Block
from canvas.domain.errors import InvalidInput
from canvas.domain.models import NoteCreate, SegmentCreate, new_id, utcnow
from canvas.domain.workshop_models import Workshop, WorkshopNote, WorkshopParticipant, WorkshopVote
from canvas.storage.history import log_canvas_change
from canvas.storage.records import get_canvas
from canvas.workshop import agenda as agenda_rules
from canvas.workshop import brainstorm, codes, voting
from canvas.workshop.agenda import Agenda, BlockState
from canvas.workshop.errors import VoteRefused
from canvas.workshop.lookups import (
    _as_facilitator,
    _aware,
    _names,
    _note_here,
    _now,
    _store_agenda,
    _tally,
    agenda_of,
    count_change,
)
from canvas.workshop.voting import VoteState

# promoted_note_id left by a promotion killed half-way before the claim, the canvas note and the
# workshop's counter were written in one transaction: read as not promoted.
_PROMOTING = "-"


# --- What the pages get -------------------------------------------------------------------------

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
    count_change(session, workshop.id, shared=True)  # what every screen shows
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
    count_change(session, workshop.id, shared=True)  # what every screen shows
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
    count_change(session, workshop.id, shared=True)  # what every screen shows
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
    count_change(session, workshop.id, shared=True)  # what every screen shows
    session.commit()


def close_vote(*, session: Session, workshop_id: str, facilitator_token: str | None) -> None:
    """Close the vote on the current block; its results are shown to everyone."""
    workshop = _as_facilitator(session, workshop_id, facilitator_token)
    if workshop.vote_state != VoteState.OPEN.value:
        session.rollback()
        raise VoteRefused("No vote is open on this block: start one first.")
    workshop.vote_state = VoteState.CLOSED.value
    session.add(workshop)
    count_change(session, workshop.id, shared=True)  # what every screen shows
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
    count_change(session, workshop.id, shared=True)  # what every screen shows
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
    # Claim the note under the id the canvas note will have, and count the change, in the canvas
    # change's own transaction (add_note and add_segment commit it): of two clicks one promotes,
    # and a process killed half-way leaves the note either promoted or not, never in between.
    made = new_id()
    claimed = session.exec(update(WorkshopNote).where(col(WorkshopNote.id) == note.id,
                                                      col(WorkshopNote.promoted_note_id).is_(None))
                           .values(promoted_note_id=made))
    if claimed.rowcount != 1:
        session.rollback()
        raise InvalidInput("That note is on the canvas already.", field="note_id")
    count_change(session, workshop.id, shared=True)  # what every screen shows
    try:
        if block == Block.CUSTOMER_SEGMENTS:
            if segment_id:
                raise InvalidInput("A Customer Segments note becomes a segment itself; it cannot be tagged "
                                   "with another segment.", field="segment_id")
            storage.add_segment(session=session, canvas_id=canvas_id, author=author, new_id=made,
                                data=storage.parse(SegmentCreate, name=text))
        else:
            storage.add_note(session=session, canvas_id=canvas_id, author=author, new_id=made,
                             data=storage.parse(NoteCreate, block=block, text=text, segment_id=segment_id or None))
    except BaseException:
        session.rollback()
        raise
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
    count_change(session, workshop.id, shared=True)  # what every screen shows
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

