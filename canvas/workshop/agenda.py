"""The workshop's agenda: the nine blocks in order, the open block's timer, the facilitator's steps.

The agenda is one frozen ``Agenda`` value: which block is current, its phase, and its timer
(opened at, length, extensions, all in seconds of server time). Blocks before the current one
are done, blocks after it pending. The facilitator's steps (``open_block``, ``lock_block``,
``extend_block``, ``next_block``) return a new ``Agenda`` or raise ``AgendaError`` saying why the
step does not fit. Times are aware UTC datetimes passed in by the caller, never read here, so
tests drive the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from canvas.domain.blocks import BLOCKS, Block
from canvas.domain.errors import InvalidInput
from canvas.workshop.errors import AgendaError, NoteRefused, WorkshopEnded

AGENDA: tuple[Block, ...] = (
    Block.CUSTOMER_SEGMENTS,
    Block.VALUE_PROPOSITIONS,
    Block.CHANNELS,
    Block.CUSTOMER_RELATIONSHIPS,
    Block.REVENUE_STREAMS,
    Block.KEY_RESOURCES,
    Block.KEY_ACTIVITIES,
    Block.KEY_PARTNERS,
    Block.COST_STRUCTURE,
)
DEFAULT_MINUTES = 5
MINUTES_MIN = 1
MINUTES_MAX = 60  # for a block's timer and for one extension


class BlockState(StrEnum):
    PENDING = "pending"  # not started yet
    OPEN = "open"  # taking notes, timer running
    LOCKED = "locked"  # still current (reveal, vote, merge), but no new notes
    DONE = "done"  # the agenda has moved past it


@dataclass(frozen=True)
class Agenda:
    """Where a workshop is. ``current`` is None once the agenda has moved past the last block."""

    current: Block | None = AGENDA[0]
    phase: BlockState = BlockState.PENDING  # of the current block: pending, open or locked
    opened_at: datetime | None = None
    duration_seconds: int = DEFAULT_MINUTES * 60
    extension_seconds: int = 0

    def state_of(self, block: Block) -> BlockState:
        """The state of any block: done before the current one, pending after it."""
        if self.current is None:
            return BlockState.DONE
        here, there = AGENDA.index(self.current), AGENDA.index(block)
        if there < here:
            return BlockState.DONE
        if there > here:
            return BlockState.PENDING
        return self.phase

    def deadline(self) -> datetime | None:
        """When the current block's timer runs out (None before it is first opened)."""
        if self.opened_at is None:
            return None
        return self.opened_at + timedelta(seconds=self.duration_seconds + self.extension_seconds)

    def remaining_seconds(self, now: datetime) -> int:
        """Whole seconds left on the current block's timer at ``now``; never negative, 0 when
        the block is not open."""
        deadline = self.deadline()
        if deadline is None or self.phase != BlockState.OPEN:
            return 0
        return max(0, int((deadline - now).total_seconds() + 0.999))  # 0.2 s left shows as 1

    def time_is_up(self, now: datetime) -> bool:
        return self.phase == BlockState.OPEN and self.remaining_seconds(now) == 0


@dataclass(frozen=True)
class BlockStatus:
    """One row of the agenda as a page lists it."""

    block: Block
    title: str
    number: int  # 1..9, the agenda order
    state: BlockState
    remaining_seconds: int  # 0 unless this is the open block


def agenda_rows(agenda: Agenda, now: datetime) -> tuple[BlockStatus, ...]:
    """The nine blocks in order with their state, and the open block's remaining seconds."""
    return tuple(
        BlockStatus(
            block=block, title=BLOCKS[block].title, number=index + 1, state=agenda.state_of(block),
            remaining_seconds=agenda.remaining_seconds(now) if block == agenda.current else 0,
        )
        for index, block in enumerate(AGENDA)
    )


def check_minutes(minutes: int, *, what: str = "The timer") -> int:
    """``minutes`` if it is a whole number of minutes between 1 and 60, else ``InvalidInput``."""
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not MINUTES_MIN <= minutes <= MINUTES_MAX:
        raise InvalidInput(
            f"{what} must be a whole number of minutes from {MINUTES_MIN} to {MINUTES_MAX}; "
            f"{minutes!r} is not.", field="minutes",
        )
    return minutes


def _title(block: Block | None) -> str:
    return BLOCKS[block].title if block is not None else "the agenda"


def open_block(agenda: Agenda, *, now: datetime, minutes: int = DEFAULT_MINUTES) -> Agenda:
    """Open the current block for notes with a fresh timer of ``minutes`` (also reopens a locked
    block)."""
    check_minutes(minutes)
    if agenda.current is None:
        raise AgendaError("Every block is done: there is no block left to open. End the workshop to save it.")
    if agenda.phase == BlockState.OPEN:
        raise AgendaError(
            f"{_title(agenda.current)} is already open. Extend its timer to give the room more time."
        )
    return replace(agenda, phase=BlockState.OPEN, opened_at=now, duration_seconds=minutes * 60,
                   extension_seconds=0)


def lock_block(agenda: Agenda) -> Agenda:
    """Stop taking notes on the open block; it stays current for the reveal, vote and merge."""
    if agenda.current is None or agenda.phase != BlockState.OPEN:
        what = "pending: open it first" if agenda.phase == BlockState.PENDING else "already locked"
        if agenda.current is None:
            what = "done"
        raise AgendaError(f"Only an open block can be locked; {_title(agenda.current)} is {what}.")
    return replace(agenda, phase=BlockState.LOCKED)


def extend_block(agenda: Agenda, *, now: datetime, minutes: int) -> Agenda:
    """Give the open block ``minutes`` more. A timer that has already run out restarts from
    ``now``, so the room gets the full extension."""
    check_minutes(minutes, what="An extension")
    deadline = agenda.deadline()
    if agenda.current is None or agenda.phase != BlockState.OPEN or deadline is None:
        raise AgendaError(
            f"Only an open block's timer can be extended; {_title(agenda.current)} is not open. "
            "Open it to start its timer."
        )
    overdue = max(0, int((now - deadline).total_seconds()))
    return replace(agenda, extension_seconds=agenda.extension_seconds + overdue + minutes * 60)


def next_block(agenda: Agenda) -> Agenda:
    """Move on: the current block is done and the next one is current, pending until opened.
    After the last block (Cost Structure) no block is current."""
    if agenda.current is None:
        raise AgendaError("Every block is done already. End the workshop to save its summary.")
    index = AGENDA.index(agenda.current)
    following = AGENDA[index + 1] if index + 1 < len(AGENDA) else None
    return Agenda(current=following, phase=BlockState.PENDING, duration_seconds=agenda.duration_seconds)


def check_note_allowed(agenda: Agenda, block: Block, *, now: datetime, ended: bool) -> None:
    """Whether a participant may add a note to ``block`` now; ``NoteRefused`` (or ``WorkshopEnded``)
    saying why not."""
    if ended:
        raise WorkshopEnded("This workshop has ended, so it takes no more notes. Thank you for taking part!")
    title = BLOCKS[block].title
    state = agenda.state_of(block)
    if state == BlockState.PENDING:
        raise NoteRefused(f"{title} is not open yet. Wait for the facilitator to open it.")
    if state == BlockState.DONE:
        now_on = f" The room is on {_title(agenda.current)} now." if agenda.current else ""
        raise NoteRefused(f"{title} is done and takes no more notes.{now_on}")
    if state == BlockState.LOCKED:
        raise NoteRefused(
            f"{title} is locked: the facilitator has closed it for notes. Your text was not sent; "
            "keep it for the next block or ask the facilitator to reopen this one."
        )
    if agenda.time_is_up(now):
        raise NoteRefused(
            f"Time is up for {title}: the timer ran out, so the note was not added. Keep your text "
            "and ask the facilitator for a few more minutes."
        )


def note_refusal(agenda: Agenda, block: Block, *, now: datetime, ended: bool) -> str | None:
    """The reason a participant may not add a note to ``block`` now, or None when they may
    (for the page to disable the field and say why)."""
    try:
        check_note_allowed(agenda, block, now=now, ended=ended)
    except (NoteRefused, WorkshopEnded) as refusal:
        return str(refusal)
    return None
