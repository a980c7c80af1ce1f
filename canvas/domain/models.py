"""SQLModel models: one family of classes per entity (Base, table, Create, Update).

Validation lives on the Create/Update models; table models are what the storage module reads
and writes. Limits are constants so the UI can show them before the user hits them.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator
from sqlalchemy import JSON, Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from canvas.domain.authors import NAME_MAX_CHARS
from canvas.domain.blocks import DEFAULT_NOTE_COLOUR, Block
from canvas.domain.lookalike import mixed_script_message, mixed_script_word
from canvas.domain.relationships import RelationshipBase
from canvas.domain.timeline import SNAPSHOT_NAME_MAX_CHARS

NOTE_MAX_CHARS = 280
CANVAS_NAME_MAX_CHARS = 80
CANVAS_DESCRIPTION_MAX_CHARS = 2000
SEGMENT_NAME_MAX_CHARS = 60
SEGMENT_DESCRIPTION_MAX_CHARS = 500
# The largest whole number an INTEGER column holds on PostgreSQL (SQLite's hold more): sizes and
# positions the validation lets through must fit the columns on both databases.
INT_COLUMN_MAX = 2**31 - 1
SEGMENT_SIZE_MAX = INT_COLUMN_MAX  # 2.1 billion customers: past that, a typo (and past the column)
POSITION_MAX = INT_COLUMN_MAX
CURRENCIES = ("EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "CAD", "AUD", "JPY", "INR")

_HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")  # the whole value (fullmatch: "$" allows a trailing newline)
# Characters no name or note needs, which make two texts look alike or hide text: control
# characters (Cc; tab and newline only in multi-line text), format characters such as zero-width
# spaces and direction overrides (Cf, but the joiners emoji and Persian or Indic words need),
# unassigned, private-use and surrogate code points.
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Cn", "Co", "Cs"}
_JOINERS = "\u200c\u200d"


def new_id() -> str:
    """A short random id: safe to put in a share link, not guessable, not sequential."""
    return secrets.token_hex(6)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _clean_text(value: str | None, *, what: str, max_chars: int, required: bool, multiline: bool = False) -> str:
    text = unicodedata.normalize("NFC", (value or "").strip())
    allowed = _JOINERS + ("\n\t\r" if multiline else "")
    hidden = [c for c in text if unicodedata.category(c) in _HIDDEN_CATEGORIES and c not in allowed]
    if hidden:
        codes = ", ".join(dict.fromkeys(f"U+{ord(c):04X}" for c in hidden))
        raise ValueError(f"{what} contains invisible or control characters ({codes}); retype it without them")
    if required and not text:
        raise ValueError(f"{what} cannot be empty")
    if len(text) > max_chars:
        raise ValueError(
            f"{what} is {len(text)} characters long; the limit is {max_chars}. "
            "Shorten it or split it in two."
        )
    return text


def _check_colour(value: str) -> str:
    if not isinstance(value, str) or not _HEX_COLOUR.fullmatch(value):
        raise ValueError(f"{value!r} is not a colour like #1F77B4")
    return value.upper()


def _text_rule(what: str, max_chars: int, *, required: bool, multiline: bool = False) -> AfterValidator:
    return AfterValidator(lambda v: _clean_text(v, what=what, max_chars=max_chars, required=required,
                                                 multiline=multiline))


def _one_script_rule(what: str) -> AfterValidator:
    """Names only: a word mixing Latin with Cyrillic or Greek letters is a likely look-alike."""
    def check(value: str) -> str:
        if value and (word := mixed_script_word(value)):
            raise ValueError(mixed_script_message(what, word))
        return value
    return AfterValidator(check)


def _check_currency(value: str) -> str:
    code = (value or "").strip().upper()
    if code not in CURRENCIES:
        raise ValueError(f"{value!r} is not a supported currency; use one of {', '.join(CURRENCIES)}")
    return code


def _check_size(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= SEGMENT_SIZE_MAX:
        raise ValueError(f"The estimated size must be between 0 and {SEGMENT_SIZE_MAX:,} customers")
    return value


CanvasName = Annotated[str, _text_rule("The canvas name", CANVAS_NAME_MAX_CHARS, required=True),
                     _one_script_rule("The canvas name")]
CanvasDescription = Annotated[str, _text_rule("The description", CANVAS_DESCRIPTION_MAX_CHARS, required=False,
                                              multiline=True)]
Currency = Annotated[str, AfterValidator(_check_currency)]
SegmentName = Annotated[str, _text_rule("The segment name", SEGMENT_NAME_MAX_CHARS, required=True),
                      _one_script_rule("The segment name")]
SegmentDescription = Annotated[str, _text_rule("The segment description", SEGMENT_DESCRIPTION_MAX_CHARS,
                                               required=False, multiline=True)]
SegmentSize = Annotated[int | None, AfterValidator(_check_size)]
NoteText = Annotated[str, _text_rule("The note", NOTE_MAX_CHARS, required=True, multiline=True)]
Colour = Annotated[str, AfterValidator(_check_colour)]


# --- Canvas -----------------------------------------------------------------------------------

class CanvasBase(SQLModel):
    name: str = Field(max_length=CANVAS_NAME_MAX_CHARS)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    currency: str = Field(default="EUR", max_length=3)


class Canvas(CanvasBase, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    # Bumped by every change; a save based on an older version is refused (optimistic locking).
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # Set when the canvas is in the trash; cleared on restore.
    deleted_at: datetime | None = Field(default=None, index=True)


class CanvasCreate(SQLModel):
    name: CanvasName
    description: CanvasDescription = ""
    currency: Currency = "EUR"


class CanvasUpdate(SQLModel):
    name: CanvasName | None = None
    description: CanvasDescription | None = None
    currency: Currency | None = None


# --- Segment ----------------------------------------------------------------------------------

class Segment(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    canvas_id: str = Field(foreign_key="canvas.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=SEGMENT_NAME_MAX_CHARS)
    description: str = Field(default="", max_length=SEGMENT_DESCRIPTION_MAX_CHARS)
    colour: str = Field(default="#1F77B4", max_length=7)
    estimated_size: int | None = Field(default=None, description="Customers in the segment")
    position: int = 0
    # Bumped by every change to this segment's fields (not by moves); an edit based on an older
    # version is refused with ``ItemConflict``, so edits of other items never conflict with it.
    version: int = Field(default=1)


class SegmentCreate(SQLModel):
    name: SegmentName
    description: SegmentDescription = ""
    colour: Colour = "#1F77B4"
    estimated_size: SegmentSize = None


class SegmentUpdate(SQLModel):
    name: SegmentName | None = None
    description: SegmentDescription | None = None
    colour: Colour | None = None
    estimated_size: SegmentSize = None


# --- Note -------------------------------------------------------------------------------------

class Note(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    canvas_id: str = Field(foreign_key="canvas.id", index=True, ondelete="CASCADE")
    block: str = Field(max_length=32)  # a Block value; plain text so new blocks need no enum migration
    text: str = Field(max_length=NOTE_MAX_CHARS)
    colour: str = Field(default=DEFAULT_NOTE_COLOUR, max_length=7)
    segment_id: str | None = Field(default=None, foreign_key="segment.id", ondelete="SET NULL")
    position: int = 0
    version: int = Field(default=1)  # as the segment's
    author_name: str | None = Field(default=None, max_length=NAME_MAX_CHARS)  # who wrote it, if known


class NoteCreate(SQLModel):
    block: Block
    text: NoteText
    colour: Colour = DEFAULT_NOTE_COLOUR
    segment_id: str | None = None


class NoteUpdate(SQLModel):
    text: NoteText | None = None
    colour: Colour | None = None
    segment_id: str | None = None


# --- History (the change log and undo) -------------------------------------------------------

CHANGE_ITEM_KINDS = ("canvas", "segment", "note", "relationship", "finding")


class Change(SQLModel, table=True):
    """One change to a canvas: what it touched, the item's fields before and after, and who made it.

    ``seq`` is the canvas's version after this change (``Canvas.version``); each change bumps it by
    one, so the log is the canvas's history in order. ``before``/``after`` hold the item's fields
    as JSON text (None when the item did not exist); undo puts ``before`` back.
    """

    __table_args__ = (UniqueConstraint("canvas_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    canvas_id: str = Field(foreign_key="canvas.id", index=True, ondelete="CASCADE", max_length=32)
    seq: int
    item_kind: str = Field(max_length=20)  # one of CHANGE_ITEM_KINDS
    item_id: str = Field(max_length=32, index=True)
    action: str = Field(max_length=20)  # add, update, delete, move, undo, replace, trash, restore
    label: str = Field(max_length=120)  # what the change did, in the user's words (undo shows it)
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    after: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    author_id: str | None = Field(default=None, max_length=64, index=True)
    author_name: str | None = Field(default=None, max_length=NAME_MAX_CHARS)
    created_at: datetime = Field(default_factory=utcnow)
    undone: bool = Field(default=False)


class Snapshot(SQLModel, table=True):
    """A named point of a canvas's history ("after workshop 2"): the canvas version ``seq``. The
    contents are rebuilt from the change log when asked for (``canvas_state``), not copied here."""

    __table_args__ = (UniqueConstraint("canvas_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    canvas_id: str = Field(foreign_key="canvas.id", index=True, ondelete="CASCADE", max_length=32)
    seq: int
    name: str = Field(max_length=SNAPSHOT_NAME_MAX_CHARS)
    author_id: str | None = Field(default=None, max_length=64)
    author_name: str | None = Field(default=None, max_length=NAME_MAX_CHARS)
    created_at: datetime = Field(default_factory=utcnow)


# --- Customer Relationships -------------------------------------------------------------------

class Relationship(RelationshipBase, table=True):
    """How the business relates to one customer segment (DOMAIN.md, Customer Relationships):
    the fields of ``RelationshipBase``, stored per segment."""

    segment_id: str = Field(primary_key=True, foreign_key="segment.id", ondelete="CASCADE", max_length=32)
    canvas_id: str = Field(foreign_key="canvas.id", index=True, ondelete="CASCADE")
    version: int = Field(default=1)  # as a note's: bumped by every save of the design


class DismissedFinding(SQLModel, table=True):
    """A coach finding the founder dismissed, with their reason."""

    id: int | None = Field(default=None, primary_key=True)
    canvas_id: str = Field(foreign_key="canvas.id", index=True, ondelete="CASCADE")
    rule_id: str = Field(max_length=60)
    segment_id: str = Field(default="", max_length=32)  # "" for a finding about the whole canvas
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow)


# --- Customer data ------------------------------------------------------------------------------

DATASET_KINDS = ("transactions", "surveys", "spend", "customers")


class Dataset(SQLModel, table=True):
    """A confirmed upload of customer data, linked to a canvas. The rows are one Parquet file's
    bytes, kept where ``store`` says (``storage.dataset_store``)."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    canvas_id: str = Field(foreign_key="canvas.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=20)  # one of DATASET_KINDS; one dataset of each kind per canvas
    filename: str = Field(max_length=255)
    # The file's name relative to the data folder: where it lives when ``store`` is "files", and
    # its name in backups either way.
    path: str = Field(max_length=500)
    store: str = Field(default="files", max_length=10)  # "files" or "database" (DatasetChunk rows)
    rows: int = 0
    mapping: dict[str, str | None] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Raw segment value in the file -> canvas segment id ("" = Unassigned).
    segment_links: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    report: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class DatasetChunk(SQLModel, table=True):
    """A piece of a dataset's Parquet file, in order, when the dataset is kept in the database
    (``Dataset.store == "database"``): every app server on the database reads it."""

    dataset_id: str = Field(foreign_key="dataset.id", primary_key=True, ondelete="CASCADE", max_length=32)
    number: int = Field(primary_key=True)  # 0, 1, 2, ... in the file's order
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class RememberedLink(SQLModel, table=True):
    """A segment value the founder linked to a canvas segment, suggested again on the next upload
    of that canvas (any kind of data)."""

    canvas_id: str = Field(foreign_key="canvas.id", primary_key=True, ondelete="CASCADE", max_length=32)
    value_key: str = Field(primary_key=True, max_length=255)  # ``value_keys.value_key`` of the value
    # No foreign key: undoing a segment's deletion brings the segment back under the same id, and
    # its link with it; a link to a segment no longer on the canvas is ignored when read.
    segment_id: str = Field(max_length=32)
    updated_at: datetime = Field(default_factory=utcnow)


# --- Share links ----------------------------------------------------------------------------------

class ShareLink(SQLModel, table=True):
    """A link that opens one canvas without signing in, to view or to edit (``domain.access``).

    Only the token's SHA-256 is kept: the token is shown once, when the link is made.
    """

    __table_args__ = (UniqueConstraint("token_hash"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    canvas_id: str = Field(foreign_key="canvas.id", index=True, ondelete="CASCADE", max_length=32)
    role: str = Field(max_length=8)  # access.Role: view or edit
    token_hash: str = Field(max_length=64)
    label: str = Field(default="", max_length=80)  # who it was made for, as the maker typed it
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str | None = Field(default=None, max_length=NAME_MAX_CHARS)
    expires_at: datetime | None = Field(default=None)
    last_used_at: datetime | None = Field(default=None)
    revoked_at: datetime | None = Field(default=None)
