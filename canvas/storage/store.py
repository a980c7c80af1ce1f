"""The one storage module: every read and write of saved canvases goes through here.

Functions are keyword-only and take the ``Session`` of the caller's unit of work. Each change to
a canvas is guarded by the version the user was looking at (optimistic locking): a change based
on a stale version raises ``StaleCanvas`` and writes nothing. Each change also records the
canvas as it was before, so the last change can be undone.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy import Engine, event, func, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine, delete, select

from canvas.domain.blocks import Block
from canvas.domain.document import canvas_document, replace_contents
from canvas.domain.relationships import RelationshipDesign
from canvas.domain.errors import (
    CanvasNotFound,
    DatabaseUnavailable,
    InvalidInput,
    NameTaken,
    NothingToUndo,
    StaleCanvas,
    describe_validation_error,
)
from canvas.domain.models import (
    Canvas,
    CanvasCreate,
    CanvasSnapshot,
    CanvasUpdate,
    DATASET_KINDS,
    Dataset,
    DismissedFinding,
    Note,
    NoteCreate,
    NoteUpdate,
    Relationship,
    RememberedLink,
    Segment,
    SegmentCreate,
    SegmentUpdate,
    utcnow,
)

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'canvas.db'}"
DATABASE_URL_ENV = "CANVAS_DATABASE_URL"
DATA_DIR_ENV = "CANVAS_DATA_DIR"
UNDO_DEPTH = 50
M = TypeVar("M")


# --- Engine and schema ------------------------------------------------------------------------

def database_url() -> str:
    """The configured database: ``CANVAS_DATABASE_URL`` or the SQLite file in ``data/``."""
    return os.environ.get(DATABASE_URL_ENV, "").strip() or DEFAULT_DATABASE_URL


def redact(url: str) -> str:
    """The URL with its password hidden, fit for an error message."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<not a database URL>"


def make_engine(url: str | None = None, *, migrate_schema: bool = True) -> Engine:
    """Connect to the database, check it answers, and bring its schema up to date.

    Raises ``DatabaseUnavailable`` with a message naming the (redacted) URL when the URL is
    malformed, the driver is missing or the server cannot be reached.
    """
    url = url or database_url()
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUnavailable(
            f"{DATABASE_URL_ENV} is not a database URL: expected something like "
            "sqlite:///path/to/canvas.db or postgresql+psycopg://user:password@host/dbname."
        ) from None
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        # Streamlit serves each session on its own thread; each unit of work has its own Session.
        kwargs["connect_args"] = {"check_same_thread": False}
        if parsed.database in (None, "", ":memory:"):
            kwargs["poolclass"] = StaticPool
        else:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    elif parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # A bare postgresql:// would ask for psycopg2; psycopg 3 is the driver we ship.
        parsed = parsed.set(drivername="postgresql+psycopg")
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, ImportError) as error:
        raise DatabaseUnavailable(f"Cannot use the database {redact(url)}: {error}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise DatabaseUnavailable(
            f"Cannot reach the database at {redact(url)}: {reason}. "
            f"Check that the server is running and that {DATABASE_URL_ENV} is right."
        ) from None
    if migrate_schema:
        migrate(engine)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers don't block the writer
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the newest migration (creates it on an empty database)."""
    from alembic import command

    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def alembic_config():  # -> alembic.config.Config, imported lazily: alembic is slow to import
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url())
    return config


def metadata() -> SQLModel.metadata.__class__:
    """The models' metadata, for migration checks."""
    return SQLModel.metadata


# --- Input ------------------------------------------------------------------------------------

def parse(model: type[M], **values: Any) -> M:
    """Validate form values into ``model``; a user mistake becomes ``InvalidInput``."""
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise describe_validation_error(error) from None


# --- Canvases ---------------------------------------------------------------------------------

def list_canvases(*, session: Session, trashed: bool = False) -> list[Canvas]:
    """Live canvases (or those in the trash), most recently changed first."""
    condition = Canvas.deleted_at.is_not(None) if trashed else Canvas.deleted_at.is_(None)
    return list(session.exec(select(Canvas).where(condition).order_by(Canvas.updated_at.desc())).all())


def count_canvases(*, session: Session) -> int:
    """All canvases, including those in the trash."""
    return session.exec(select(func.count()).select_from(Canvas)).one()


def get_canvas(*, session: Session, canvas_id: str, include_trashed: bool = False) -> Canvas:
    canvas = session.get(Canvas, canvas_id) if canvas_id else None
    if canvas is None or (canvas.deleted_at is not None and not include_trashed):
        where = "in the trash" if canvas is not None else "saved here"
        raise CanvasNotFound(
            f"There is no canvas with id “{canvas_id}” {where}. It may have been deleted, or the "
            "link may be incomplete: pick a canvas from the list or restore it from the trash."
        )
    return canvas


def _check_name_free(session: Session, name: str, *, except_id: str | None = None) -> None:
    query = select(Canvas.id).where(
        func.lower(Canvas.name) == name.lower(), Canvas.deleted_at.is_(None)
    )
    if except_id:
        query = query.where(Canvas.id != except_id)
    if session.exec(query).first() is not None:
        raise NameTaken(
            f"A canvas called “{name}” already exists. Choose another name.", field="name"
        )


def free_name(session: Session, base: str) -> str:
    """``base``, or “base (2)”, “base (3)”… : the first name no live canvas has."""
    name, n = base, 2
    while session.exec(
        select(Canvas.id).where(func.lower(Canvas.name) == name.lower(), Canvas.deleted_at.is_(None))
    ).first():
        name, n = f"{base} ({n})", n + 1
    return name


def create_canvas(*, session: Session, data: CanvasCreate) -> Canvas:
    _check_name_free(session, data.name)
    canvas = Canvas.model_validate(data)
    session.add(canvas)
    session.commit()
    session.refresh(canvas)
    return canvas


def _claim_version(session: Session, canvas_id: str, expected_version: int) -> None:
    """Take the next version with a conditional UPDATE, or raise ``StaleCanvas``.

    Of two concurrent writers based on the same version exactly one matches the WHERE clause,
    on SQLite (writes are serialised) and PostgreSQL (the second UPDATE re-checks after the
    first commits) alike.
    """
    claimed = session.exec(
        update(Canvas)
        .where(Canvas.id == canvas_id, Canvas.version == expected_version)
        .values(version=expected_version + 1, updated_at=utcnow())
    )
    if claimed.rowcount != 1:
        session.rollback()
        current = get_canvas(session=session, canvas_id=canvas_id, include_trashed=True)
        raise StaleCanvas(canvas_name=current.name, expected=expected_version, current=current.version)


@contextmanager
def changing(session: Session, *, canvas_id: str, expected_version: int, label: str) -> Iterator[Canvas]:
    """One change to a canvas, all or nothing.

    Claims the next version first, then records the undo snapshot, lets the caller change the
    canvas, and commits. Any exception rolls back.
    """
    canvas = get_canvas(session=session, canvas_id=canvas_id)
    before = canvas_document(session, canvas)
    _claim_version(session, canvas_id, expected_version)
    try:
        session.add(
            CanvasSnapshot(
                canvas_id=canvas_id, version=expected_version, label=label, document=json.dumps(before)
            )
        )
        session.refresh(canvas)
        yield canvas
        _trim_history(session, canvas_id)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(canvas)


def _trim_history(session: Session, canvas_id: str) -> None:
    keep = select(CanvasSnapshot.id).where(CanvasSnapshot.canvas_id == canvas_id).order_by(
        CanvasSnapshot.id.desc()
    ).limit(UNDO_DEPTH)
    session.exec(
        delete(CanvasSnapshot).where(
            CanvasSnapshot.canvas_id == canvas_id, CanvasSnapshot.id.not_in(keep.scalar_subquery())
        )
    )


def update_canvas(*, session: Session, canvas_id: str, expected_version: int, data: CanvasUpdate) -> Canvas:
    changes = data.model_dump(exclude_unset=True)
    if changes.get("name"):
        _check_name_free(session, changes["name"], except_id=canvas_id)
    label = "Rename canvas" if set(changes) == {"name"} else "Edit canvas details"
    with changing(session, canvas_id=canvas_id, expected_version=expected_version, label=label) as canvas:
        canvas.sqlmodel_update(changes)
        session.add(canvas)
    return canvas


def duplicate_canvas(*, session: Session, canvas_id: str, name: str | None = None) -> Canvas:
    """A new canvas with the same contents (fresh ids); named “<name> (copy)” unless given."""
    original = get_canvas(session=session, canvas_id=canvas_id)
    document = canvas_document(session, original)
    if name:
        name = parse(CanvasUpdate, name=name).name
        _check_name_free(session, name)
    else:
        name = free_name(session, f"{original.name} (copy)")
    copy = Canvas(name=name, description=original.description, currency=original.currency)
    session.add(copy)
    session.flush()
    document["canvas"]["name"] = name
    replace_contents(session, copy, document, keep_ids=False)
    session.commit()
    session.refresh(copy)
    return copy


def trash_canvas(*, session: Session, canvas_id: str) -> Canvas:
    """Move a canvas to the trash; nothing is deleted and it can be restored."""
    canvas = get_canvas(session=session, canvas_id=canvas_id)
    canvas.deleted_at = utcnow()
    canvas.version += 1
    session.add(canvas)
    session.commit()
    session.refresh(canvas)
    return canvas


def restore_canvas(*, session: Session, canvas_id: str) -> Canvas:
    """Bring a canvas back from the trash; renamed “… (restored)” if its name was reused."""
    canvas = get_canvas(session=session, canvas_id=canvas_id, include_trashed=True)
    if canvas.deleted_at is None:
        return canvas
    canvas.name = free_name(session, canvas.name)
    canvas.deleted_at = None
    canvas.version += 1
    session.add(canvas)
    session.commit()
    session.refresh(canvas)
    return canvas


def purge_canvas(*, session: Session, canvas_id: str) -> None:
    """Delete a canvas in the trash for good."""
    canvas = get_canvas(session=session, canvas_id=canvas_id, include_trashed=True)
    if canvas.deleted_at is None:
        raise InvalidInput("Only a canvas in the trash can be deleted for good: move it to the trash first.")
    files = [d.path for d in session.exec(select(Dataset).where(Dataset.canvas_id == canvas_id)).all()]
    for model in (Dataset, DismissedFinding, RememberedLink, Relationship, Note, Segment, CanvasSnapshot):
        session.exec(delete(model).where(model.canvas_id == canvas_id))
    session.delete(canvas)
    session.commit()
    for path in files:
        (data_dir() / path).unlink(missing_ok=True)


# --- Board ------------------------------------------------------------------------------------

@dataclass
class Board:
    """Everything the board page draws, read in one unit of work."""

    canvas: Canvas
    segments: list[Segment]
    notes: dict[Block, list[Note]] = field(default_factory=dict)
    relationships: dict[str, Relationship] = field(default_factory=dict)  # by segment id
    dismissed: list[DismissedFinding] = field(default_factory=list)
    last_change: str | None = None  # label of the change that undo would revert

    @property
    def segments_by_id(self) -> dict[str, Segment]:
        return {segment.id: segment for segment in self.segments}


def list_segments(*, session: Session, canvas_id: str) -> list[Segment]:
    return list(
        session.exec(
            select(Segment).where(Segment.canvas_id == canvas_id).order_by(Segment.position, Segment.id)
        ).all()
    )


def load_board(*, session: Session, canvas_id: str) -> Board:
    canvas = get_canvas(session=session, canvas_id=canvas_id)
    notes: dict[Block, list[Note]] = {block: [] for block in Block}
    for note in session.exec(
        select(Note).where(Note.canvas_id == canvas_id).order_by(Note.position, Note.id)
    ).all():
        notes[Block(note.block)].append(note)
    last = session.exec(
        select(CanvasSnapshot.label)
        .where(CanvasSnapshot.canvas_id == canvas_id)
        .order_by(CanvasSnapshot.id.desc())
        .limit(1)
    ).first()
    relationships = {
        r.segment_id: r for r in session.exec(select(Relationship).where(Relationship.canvas_id == canvas_id)).all()
    }
    dismissed = list(session.exec(
        select(DismissedFinding).where(DismissedFinding.canvas_id == canvas_id).order_by(DismissedFinding.id)
    ).all())
    return Board(
        canvas=canvas, segments=list_segments(session=session, canvas_id=canvas_id), notes=notes,
        relationships=relationships, dismissed=dismissed, last_change=last,
    )


# --- Segments ---------------------------------------------------------------------------------

def _segment(session: Session, canvas_id: str, segment_id: str) -> Segment:
    segment = session.get(Segment, segment_id)
    if segment is None or segment.canvas_id != canvas_id:
        raise InvalidInput(
            "That customer segment no longer exists on this canvas (it may have been deleted "
            "elsewhere). Reload to see the current segments.",
            field="segment_id",
        )
    return segment


def _check_segment_name_free(session: Session, canvas_id: str, name: str, except_id: str | None = None) -> None:
    query = select(Segment.id).where(Segment.canvas_id == canvas_id, func.lower(Segment.name) == name.lower())
    if except_id:
        query = query.where(Segment.id != except_id)
    if session.exec(query).first() is not None:
        raise NameTaken(f"This canvas already has a segment called “{name}”.", field="name")


def add_segment(*, session: Session, canvas_id: str, expected_version: int, data: SegmentCreate) -> Segment:
    _check_segment_name_free(session, canvas_id, data.name)
    with changing(session, canvas_id=canvas_id, expected_version=expected_version,
                 label=f"Add segment “{data.name}”"):
        position = session.exec(
            select(func.coalesce(func.max(Segment.position) + 1, 0)).where(Segment.canvas_id == canvas_id)
        ).one()
        segment = Segment.model_validate(data, update={"canvas_id": canvas_id, "position": position})
        session.add(segment)
        session.flush()
        segment_id = segment.id
    return session.get(Segment, segment_id)


def update_segment(*, session: Session, canvas_id: str, expected_version: int, segment_id: str,
                   data: SegmentUpdate) -> Segment:
    segment = _segment(session, canvas_id, segment_id)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("name"):
        _check_segment_name_free(session, canvas_id, changes["name"], except_id=segment_id)
    with changing(session, canvas_id=canvas_id, expected_version=expected_version,
                 label=f"Edit segment “{segment.name}”"):
        segment = _segment(session, canvas_id, segment_id)
        segment.sqlmodel_update(changes)
        session.add(segment)
    return session.get(Segment, segment_id)


def delete_segment(*, session: Session, canvas_id: str, expected_version: int, segment_id: str) -> None:
    """Delete a segment; notes tagged with it stay, untagged (undo brings the tags back)."""
    segment = _segment(session, canvas_id, segment_id)
    with changing(session, canvas_id=canvas_id, expected_version=expected_version,
                 label=f"Delete segment “{segment.name}”"):
        session.exec(update(Note).where(Note.segment_id == segment_id).values(segment_id=None))
        session.exec(delete(Relationship).where(Relationship.segment_id == segment_id))
        session.exec(delete(DismissedFinding).where(DismissedFinding.segment_id == segment_id,
                                                    DismissedFinding.canvas_id == canvas_id))
        session.delete(_segment(session, canvas_id, segment_id))


def move_segment(*, session: Session, canvas_id: str, expected_version: int, segment_id: str, offset: int) -> None:
    segment = _segment(session, canvas_id, segment_id)
    if not _moves(list_segments(session=session, canvas_id=canvas_id), segment_id, offset):
        return
    with changing(session, canvas_id=canvas_id, expected_version=expected_version,
                 label=f"Move segment “{segment.name}”"):
        _reorder(list_segments(session=session, canvas_id=canvas_id), segment_id, offset, session)


def _target(items: list[Any], item_id: str, offset: int) -> tuple[int, int]:
    index = next(i for i, item in enumerate(items) if item.id == item_id)
    return index, max(0, min(len(items) - 1, index + offset))


def _moves(items: list[Any], item_id: str, offset: int) -> bool:
    """Whether moving would change anything (moving the first item up is not a change)."""
    index, target = _target(items, item_id, offset)
    return index != target


def _reorder(items: list[Any], item_id: str, offset: int, session: Session) -> None:
    """Move one item ``offset`` places within ``items`` and renumber positions 0..n-1."""
    index, target = _target(items, item_id, offset)
    items.insert(target, items.pop(index))
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position
            session.add(item)


# --- Notes ------------------------------------------------------------------------------------

def _note(session: Session, canvas_id: str, note_id: str) -> Note:
    note = session.get(Note, note_id)
    if note is None or note.canvas_id != canvas_id:
        raise InvalidInput(
            "That note no longer exists on this canvas (it may have been deleted elsewhere). "
            "Reload to see the current notes."
        )
    return note


def _check_note_block(block: Block) -> None:
    if block == Block.CUSTOMER_SEGMENTS:
        raise InvalidInput(
            "Customer Segments holds segments, not plain notes: add a segment instead.", field="block"
        )


def add_note(*, session: Session, canvas_id: str, expected_version: int, data: NoteCreate) -> Note:
    block = Block(data.block)
    _check_note_block(block)
    if data.segment_id:
        _segment(session, canvas_id, data.segment_id)
    preview = data.text if len(data.text) <= 30 else data.text[:29] + "…"
    with changing(session, canvas_id=canvas_id, expected_version=expected_version,
                 label=f"Add note “{preview}”"):
        position = session.exec(
            select(func.coalesce(func.max(Note.position) + 1, 0)).where(
                Note.canvas_id == canvas_id, Note.block == block.value
            )
        ).one()
        note = Note(
            canvas_id=canvas_id, block=block.value, text=data.text, colour=data.colour,
            segment_id=data.segment_id, position=position,
        )
        session.add(note)
        session.flush()
        note_id = note.id
    return session.get(Note, note_id)


def update_note(*, session: Session, canvas_id: str, expected_version: int, note_id: str, data: NoteUpdate) -> Note:
    _note(session, canvas_id, note_id)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("segment_id"):
        _segment(session, canvas_id, changes["segment_id"])
    with changing(session, canvas_id=canvas_id, expected_version=expected_version, label="Edit note"):
        note = _note(session, canvas_id, note_id)
        note.sqlmodel_update(changes)
        session.add(note)
    return session.get(Note, note_id)


def delete_note(*, session: Session, canvas_id: str, expected_version: int, note_id: str) -> None:
    _note(session, canvas_id, note_id)
    with changing(session, canvas_id=canvas_id, expected_version=expected_version, label="Delete note"):
        session.delete(_note(session, canvas_id, note_id))


def move_note(*, session: Session, canvas_id: str, expected_version: int, note_id: str, offset: int) -> None:
    """Move a note ``offset`` places up (negative) or down (positive) within its block."""
    note = _note(session, canvas_id, note_id)

    def siblings() -> list[Note]:
        return list(session.exec(
            select(Note).where(Note.canvas_id == canvas_id, Note.block == note.block).order_by(Note.position, Note.id)
        ).all())

    if not _moves(siblings(), note_id, offset):
        return
    with changing(session, canvas_id=canvas_id, expected_version=expected_version, label="Reorder notes"):
        _reorder(siblings(), note_id, offset, session)


# --- Relationships and the coach -------------------------------------------------------------

def save_relationship(*, session: Session, canvas_id: str, expected_version: int, segment_id: str,
                      design: RelationshipDesign) -> Relationship:
    """Store the relationship design of one segment (replacing the previous one)."""
    segment = _segment(session, canvas_id, segment_id)
    channel_ids = set(session.exec(
        select(Note.id).where(Note.canvas_id == canvas_id, Note.block == Block.CHANNELS.value)
    ).all())
    missing = [n for n in design.channel_note_ids if n not in channel_ids]
    if missing:
        raise InvalidInput("A channel picked for this relationship is no longer on the canvas. Reload and pick again.",
                           field="channel_note_ids")
    with changing(session, canvas_id=canvas_id, expected_version=expected_version,
                  label=f"Edit relationship with “{segment.name}”"):
        relationship = session.get(Relationship, segment_id) or Relationship(segment_id=segment_id, canvas_id=canvas_id)
        relationship.sqlmodel_update(design.model_dump())
        session.add(relationship)
    return session.get(Relationship, segment_id)


def dismiss_finding(*, session: Session, canvas_id: str, expected_version: int, rule_id: str,
                    segment_id: str | None, reason: str) -> None:
    """Hide one coach finding on this canvas, keeping the founder's reason."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Say why you dismiss this finding: the reason is kept with the canvas.", field="reason")
    if len(reason) > 500:
        raise InvalidInput(f"The reason is {len(reason)} characters; the limit is 500.", field="reason")
    with changing(session, canvas_id=canvas_id, expected_version=expected_version, label=f"Dismiss “{rule_id}”"):
        session.add(DismissedFinding(canvas_id=canvas_id, rule_id=rule_id, segment_id=segment_id or "", reason=reason))


def restore_finding(*, session: Session, canvas_id: str, expected_version: int, dismissed_id: int) -> None:
    dismissed = session.get(DismissedFinding, dismissed_id)
    if dismissed is None or dismissed.canvas_id != canvas_id:
        raise InvalidInput("That dismissed finding is no longer on this canvas. Reload the page.")
    with changing(session, canvas_id=canvas_id, expected_version=expected_version,
                  label=f"Bring back “{dismissed.rule_id}”"):
        session.delete(session.get(DismissedFinding, dismissed_id))


# --- Undo -------------------------------------------------------------------------------------

def undo(*, session: Session, canvas_id: str, expected_version: int) -> str:
    """Revert the last change; returns its label. The revert is itself a new version."""
    snapshot = session.exec(
        select(CanvasSnapshot).where(CanvasSnapshot.canvas_id == canvas_id).order_by(CanvasSnapshot.id.desc())
    ).first()
    if snapshot is None:
        raise NothingToUndo("There is nothing to undo on this canvas.")
    label, document, snapshot_id = snapshot.label, json.loads(snapshot.document), snapshot.id
    canvas = get_canvas(session=session, canvas_id=canvas_id)
    _claim_version(session, canvas_id, expected_version)
    try:
        session.refresh(canvas)
        replace_contents(session, canvas, document, keep_ids=True)
        session.add(canvas)
        session.exec(delete(CanvasSnapshot).where(CanvasSnapshot.id == snapshot_id))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return label


# --- Customer data ------------------------------------------------------------------------------

def data_dir() -> Path:
    """Where dataset files live: ``CANVAS_DATA_DIR`` or ``data/``."""
    return Path(os.environ.get(DATA_DIR_ENV, "").strip() or DATA_DIR)


def list_datasets(*, session: Session, canvas_id: str) -> dict[str, Dataset]:
    """The canvas's datasets by kind (at most one of each kind)."""
    rows = session.exec(select(Dataset).where(Dataset.canvas_id == canvas_id).order_by(Dataset.created_at)).all()
    return {row.kind: row for row in rows}


def save_dataset(*, session: Session, canvas_id: str, kind: str, frame: Any, filename: str,
                 mapping: dict[str, str | None], report: dict[str, Any],
                 segment_links: dict[str, str] | None = None,
                 confirmed_links: dict[str, str] | None = None) -> Dataset:
    """Store a confirmed dataset for the canvas, replacing its previous dataset of that kind.

    ``confirmed_links`` (value -> segment id, "" for Unassigned) are the links the founder
    confirmed: they are remembered for the next upload of the canvas, in the same transaction.
    The rows go to a Parquet file first (written to a temporary name, then renamed); the record
    is committed after; if the commit fails the new file is removed, so there is never a record
    without its file, nor a half-written file under a real name.
    """
    get_canvas(session=session, canvas_id=canvas_id)
    if kind not in DATASET_KINDS:
        raise InvalidInput(f"Unknown kind of data {kind!r}; use one of {', '.join(DATASET_KINDS)}.")
    _check_links(session, canvas_id, segment_links or {})
    dataset = Dataset(canvas_id=canvas_id, kind=kind, filename=filename[:255], rows=len(frame),
                      mapping=mapping, report=report, segment_links=segment_links or {}, path="")
    dataset.path = f"datasets/{canvas_id}/{dataset.id}.parquet"
    target = data_dir() / dataset.path
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".parquet.partial")
    frame.to_parquet(partial, index=False)
    os.replace(partial, target)
    previous = list_datasets(session=session, canvas_id=canvas_id).get(kind)
    try:
        if previous is not None:
            session.delete(previous)
        session.add(dataset)
        _remember_links(session, canvas_id, confirmed_links or {})
        session.commit()
    except BaseException:
        session.rollback()
        target.unlink(missing_ok=True)
        raise
    if previous is not None:
        (data_dir() / previous.path).unlink(missing_ok=True)
    session.refresh(dataset)
    return dataset


def load_dataset(dataset: Dataset) -> Any:
    """The dataset's rows as a DataFrame."""
    import pandas as pd

    path = data_dir() / dataset.path
    if not path.exists():
        raise InvalidInput(
            f"The data file of “{dataset.filename}” is missing from {data_dir()}. Upload the file again."
        )
    return pd.read_parquet(path)


def _check_links(session: Session, canvas_id: str, links: dict[str, str]) -> None:
    segment_ids = {s.id for s in list_segments(session=session, canvas_id=canvas_id)}
    unknown = sorted({v for v in links.values() if v and v not in segment_ids})
    if unknown:
        raise InvalidInput("A segment picked for the data is no longer on this canvas. Reload and link again.",
                           field="segment_links")


def link_dataset_segments(*, session: Session, canvas_id: str, dataset_id: str,
                          segment_links: dict[str, str]) -> Dataset:
    """Change which canvas segment each of the dataset's segment values belongs to (and remember
    the links for the next upload)."""
    dataset = session.get(Dataset, dataset_id)
    if dataset is None or dataset.canvas_id != canvas_id:
        raise InvalidInput("That dataset is no longer linked to this canvas. Reload the page.")
    _check_links(session, canvas_id, segment_links)
    dataset.segment_links = dict(segment_links)
    session.add(dataset)
    _remember_links(session, canvas_id, segment_links)
    session.commit()
    session.refresh(dataset)
    return dataset


def remembered_links(*, session: Session, canvas_id: str) -> dict[str, str]:
    """The links the founder confirmed on this canvas: ``datalink.value_key`` of a segment value ->
    segment id, leaving out segments no longer on the canvas."""
    segment_ids = {s.id for s in list_segments(session=session, canvas_id=canvas_id)}
    rows = session.exec(select(RememberedLink).where(RememberedLink.canvas_id == canvas_id)).all()
    return {row.value_key: row.segment_id for row in rows if row.segment_id in segment_ids}


def _remember_links(session: Session, canvas_id: str, links: dict[str, str]) -> None:
    """Remember each confirmed link; a value confirmed as Unassigned forgets its earlier link, so
    a segment added later can still be suggested by name."""
    from canvas.customer_data.linking import value_key

    latest = {value_key(value): segment_id for value, segment_id in links.items()}
    latest = {key: sid for key, sid in latest.items() if 0 < len(key) <= 255}  # longer ones are not names
    if not latest:
        return
    session.exec(delete(RememberedLink).where(RememberedLink.canvas_id == canvas_id,
                                              RememberedLink.value_key.in_(list(latest))))
    session.add_all(RememberedLink(canvas_id=canvas_id, value_key=key, segment_id=sid)
                    for key, sid in latest.items() if sid)


def delete_dataset(*, session: Session, canvas_id: str, dataset_id: str) -> None:
    dataset = session.get(Dataset, dataset_id)
    if dataset is None or dataset.canvas_id != canvas_id:
        raise InvalidInput("That dataset is no longer linked to this canvas. Reload the page.")
    path = data_dir() / dataset.path
    session.delete(dataset)
    session.commit()
    path.unlink(missing_ok=True)
