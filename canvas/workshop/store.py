"""Workshops in the database: start, join, the facilitator's steps, notes, votes, merge, promote, end.

Keyword-only functions on a ``Session``, one unit of work each, committed before they return.
A facilitator action takes the facilitator's token and a participant action the participant's;
each is checked on the server against the stored SHA-256 (``codes.token_matches``) before
anything is read for or written to the workshop, so a crafted request changes nothing. The time
is an argument (``now``, UTC) defaulting to the server's clock, so tests drive the timers.
What a page draws comes back as one frozen ``WorkshopView``.

This module gathers them in one place for the pages; the code lives in ``rooms`` (start, find,
join), ``facilitation`` (the facilitator's actions and the summary), ``participation`` (notes and
votes), ``views`` (what a page draws) and ``lookups`` (the checks and reads they share).
"""

from __future__ import annotations

from canvas.workshop.facilitation import (
    WorkshopSummary,
    close_vote,
    end_workshop,
    extend_block,
    lock_block,
    merge_notes,
    next_block,
    open_block,
    promote_note,
    reveal_notes,
    set_private,
    start_vote,
    workshop_summary,
)
from canvas.workshop.lookups import agenda_of
from canvas.workshop.participation import add_workshop_note, cast_vote, withdraw_vote
from canvas.workshop.rooms import (
    CODE_ATTEMPTS,
    Joined,
    JoinTarget,
    StartedWorkshop,
    find_workshop,
    join_workshop,
    start_workshop,
)
from canvas.workshop.views import NoteView, WorkshopView, facilitator_view, participant_view, presentation_view

__all__ = [
    "CODE_ATTEMPTS",
    "JoinTarget",
    "Joined",
    "NoteView",
    "StartedWorkshop",
    "WorkshopSummary",
    "WorkshopView",
    "add_workshop_note",
    "agenda_of",
    "cast_vote",
    "close_vote",
    "end_workshop",
    "extend_block",
    "facilitator_view",
    "find_workshop",
    "join_workshop",
    "lock_block",
    "merge_notes",
    "next_block",
    "open_block",
    "participant_view",
    "presentation_view",
    "promote_note",
    "reveal_notes",
    "set_private",
    "start_vote",
    "start_workshop",
    "withdraw_vote",
    "workshop_summary",
]
