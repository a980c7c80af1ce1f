"""SQLModel tables of workshops: the workshop, its participants, their notes and their votes.

Only SHA-256 hashes of the facilitator's and participants' tokens are stored (``workshop.codes``
makes and checks them). The agenda is kept on the workshop row: the current block, its phase and
its timer; blocks before it are done, blocks after it pending (``workshop.agenda``). Times are
stored as UTC.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from canvas.domain.authors import NAME_MAX_CHARS
from canvas.domain.models import NOTE_MAX_CHARS, new_id, utcnow

TOKEN_HASH_CHARS = 64  # SHA-256, hex
WORKSHOP_STATES = ("running", "ended")


class Workshop(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    canvas_id: str = Field(foreign_key="canvas.id", index=True, ondelete="CASCADE", max_length=32)
    code: str = Field(max_length=16, unique=True, index=True)  # as stored by ``codes.normalise_code``, no dash
    facilitator_token_hash: str = Field(max_length=TOKEN_HASH_CHARS)
    state: str = Field(default="running", max_length=16)  # one of WORKSHOP_STATES
    vote_allowance: int = 3
    private: bool = True  # notes hidden from the other participants until revealed
    # The agenda (``workshop.agenda.Agenda``): None once every block is done.
    current_block: str | None = Field(default="customer_segments", max_length=32)
    block_phase: str = Field(default="pending", max_length=16)  # pending, open or locked
    block_opened_at: datetime | None = None
    block_seconds: int = 300
    block_extra_seconds: int = 0
    vote_state: str = Field(default="none", max_length=16)  # of the current block: none, open, closed
    created_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None
    # Change counters the open pages follow (``storage.live``): ``version`` every change,
    # ``shared_version`` the changes every participant sees (``workshop.lookups.count_change``).
    version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    shared_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class WorkshopParticipant(SQLModel, table=True):
    # Names are unique per workshop whatever their case: ``name_key`` is the compared form.
    __table_args__ = (UniqueConstraint("workshop_id", "name_key"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(foreign_key="workshop.id", index=True, ondelete="CASCADE", max_length=32)
    name: str = Field(max_length=NAME_MAX_CHARS)
    name_key: str = Field(max_length=NAME_MAX_CHARS * 2)  # ``participants.name_key``; casefold may grow
    token_hash: str = Field(max_length=TOKEN_HASH_CHARS, unique=True, index=True)
    joined_at: datetime = Field(default_factory=utcnow)


class WorkshopNote(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(foreign_key="workshop.id", index=True, ondelete="CASCADE", max_length=32)
    block: str = Field(max_length=32)  # a Block value
    text: str = Field(max_length=NOTE_MAX_CHARS)
    participant_id: str = Field(foreign_key="workshopparticipant.id", ondelete="CASCADE", max_length=32)
    revealed: bool = False
    # Set when the facilitator merged this note into another: it is shown as part of that one.
    merged_into_id: str | None = Field(default=None, foreign_key="workshopnote.id", ondelete="CASCADE",
                                       max_length=32)
    # The canvas note it became. No foreign key: the note may be deleted on the board and brought
    # back by undo under the same id; the workshop remembers it was promoted either way.
    promoted_note_id: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(default_factory=utcnow)


class WorkshopVote(SQLModel, table=True):
    """One dot: a participant's vote on a note (several on one note are allowed)."""

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: str = Field(foreign_key="workshop.id", index=True, ondelete="CASCADE", max_length=32)
    participant_id: str = Field(foreign_key="workshopparticipant.id", index=True, ondelete="CASCADE",
                                max_length=32)
    note_id: str = Field(foreign_key="workshopnote.id", index=True, ondelete="CASCADE", max_length=32)
    cast_at: datetime = Field(default_factory=utcnow)
