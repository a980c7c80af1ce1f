"""Where a dataset's bytes (one Parquet file) are kept: the one place that knows.

``CANVAS_DATASETS`` (``db.dataset_store_setting``) picks where new datasets go:

- ``files`` (the default): a file under the data folder at ``datasets/<canvas id>/<dataset
  id>.parquet``, written to a temporary name and renamed before the record is committed, removed
  again if the commit fails; a removed dataset's file goes after the commit. Only the app server
  whose disk holds the folder reads it.
- ``database``: the bytes as ``DatasetChunk`` rows of ``CHUNK_BYTES`` each, written in the same
  transaction as the record, so there is never a half-saved dataset nor anything for the
  leftovers sweep, and every app server on the database reads them (SQLite and PostgreSQL).

Each record says where its own bytes are (``Dataset.store``), so datasets saved before the setting
changed stay readable, and a copy goes where the setting says. Once saved, a dataset's bytes never
change (a new upload is a new record), so caches keyed by dataset id stay valid.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol, cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.engine import Connection
from sqlmodel import Session

from canvas.domain.errors import InvalidInput
from canvas.domain.models import Dataset, DatasetChunk
from canvas.storage.db import (
    DATASETS_ENV,
    DATASETS_IN_DATABASE,
    DATASETS_IN_FILES,
    data_dir,
    dataset_store_setting,
)

CHUNK_BYTES = 4 * 1024 * 1024  # one chunk row: well under PostgreSQL's bytea and SQLite's blob limits
FOLDER = "datasets"
CHUNKS = cast(Table, DatasetChunk.__table__)  # type: ignore[attr-defined]
Executor = Session | Connection  # both run Core statements: storage's sessions, backup's connection


class Stored(Protocol):
    """What locating a dataset's bytes needs: a ``Dataset`` record, or a row of its table."""

    @property
    def id(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def store(self) -> str: ...
    @property
    def filename(self) -> str: ...


def place(dataset: Dataset) -> None:
    """Give a new dataset record its name and the store the setting picks."""
    dataset.path = f"{FOLDER}/{dataset.canvas_id}/{dataset.id}.parquet"
    dataset.store = dataset_store_setting()


# --- Reading ----------------------------------------------------------------------------------------

def _file(dataset: Stored) -> Path:
    path = data_dir() / dataset.path
    if not path.is_file():
        raise InvalidInput(
            f"The data file of “{dataset.filename}” is missing from {data_dir()}. Upload the file again. (Datasets "
            f"kept as files are read only by the app server that saved them: with several app servers, set "
            f"{DATASETS_ENV}={DATASETS_IN_DATABASE}.)"
        )
    return path


def read_pieces(executor: Executor, dataset: Stored) -> Iterator[bytes]:
    """The dataset's bytes in order, a chunk at a time (never the whole file in memory at once)."""
    if dataset.store == DATASETS_IN_DATABASE:
        numbers = executor.execute(select(CHUNKS.c.number).where(CHUNKS.c.dataset_id == dataset.id)
                                   .order_by(CHUNKS.c.number)).scalars().all()
        if not numbers:
            raise InvalidInput(f"The data of “{dataset.filename}” is missing from the database. Upload the file again.")
        for number in numbers:
            yield executor.execute(select(CHUNKS.c.data).where(CHUNKS.c.dataset_id == dataset.id,
                                                               CHUNKS.c.number == number)).scalar_one()
        return
    with _file(dataset).open("rb") as read:
        while piece := read.read(CHUNK_BYTES):
            yield piece


def read_bytes(executor: Executor, dataset: Stored) -> bytes:
    """The dataset's Parquet file as stored."""
    if dataset.store != DATASETS_IN_DATABASE:
        return _file(dataset).read_bytes()
    return b"".join(read_pieces(executor, dataset))


def load_frame(executor: Executor, dataset: Stored) -> Any:
    """The dataset's rows as a pandas DataFrame."""
    import pandas as pd

    if dataset.store != DATASETS_IN_DATABASE:
        return pd.read_parquet(_file(dataset))
    return pd.read_parquet(io.BytesIO(read_bytes(executor, dataset)))


# --- Writing ----------------------------------------------------------------------------------------

def rechunk(pieces: Iterable[bytes], size: int | None = None) -> Iterator[bytes]:
    """The same bytes in pieces of exactly ``size`` (``CHUNK_BYTES``; the last one shorter)."""
    size = size or CHUNK_BYTES
    buffer = bytearray()
    for piece in pieces:
        buffer += piece
        while len(buffer) >= size:
            yield bytes(buffer[:size])
            del buffer[:size]
    if buffer:
        yield bytes(buffer)


def insert_chunks(executor: Executor, dataset_id: str, pieces: Iterable[bytes]) -> int:
    """Write the bytes as the dataset's chunk rows (its record must be written, not committed);
    returns how many bytes."""
    size = 0
    for number, chunk in enumerate(rechunk(pieces)):
        executor.execute(insert(CHUNKS).values(dataset_id=dataset_id, number=number, data=chunk))
        size += len(chunk)
    return size


def file_pieces(path: Path) -> Iterator[bytes]:
    """A file's bytes in pieces of ``CHUNK_BYTES``."""
    with path.open("rb") as file:
        while piece := file.read(CHUNK_BYTES):
            yield piece


def parquet_rows(path: Path) -> int:
    """The rows of a Parquet file, from its metadata."""
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows)


def frame_bytes(frame: Any) -> bytes:
    """The rows (a pandas DataFrame) as the Parquet file a dataset keeps."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


class Writes:
    """The dataset bytes one transaction adds and removes, kept in step with its commit.

    Files written before the commit are removed if it fails (``abandon``); the files of removed
    datasets go once it succeeds (``commit``). Chunks are rows of the transaction itself.
    """

    def __init__(self, session: Session):
        self.session = session
        self.written: list[Path] = []
        self.removed: list[Path] = []

    def add(self, dataset: Dataset, pieces: Iterable[bytes]) -> None:
        """Store the bytes of a new record (``place`` d) and add the record to the session."""
        self.session.add(dataset)
        if dataset.store == DATASETS_IN_DATABASE:
            self.session.flush()  # the record first: its chunks refer to it
            insert_chunks(self.session, dataset.id, pieces)
            return
        target = data_dir() / dataset.path
        target.parent.mkdir(parents=True, exist_ok=True)
        self.written.append(target)
        write_file(target, pieces)

    def add_frame(self, dataset: Dataset, frame: Any) -> None:
        place(dataset)
        self.add(dataset, [frame_bytes(frame)])

    def add_file(self, dataset: Dataset, parquet: Path) -> None:
        """Store a Parquet file already written (a streamed ingestion's) as a new record's bytes,
        read a piece at a time."""
        place(dataset)
        self.add(dataset, file_pieces(parquet))

    def add_copy(self, dataset: Dataset, original: Dataset) -> None:
        """Store a copy of ``original``'s bytes for the new record ``dataset``."""
        place(dataset)
        if dataset.store == original.store == DATASETS_IN_FILES:
            source = _file(original)  # copied by the file system, without reading it here
            self.session.add(dataset)
            target = data_dir() / dataset.path
            target.parent.mkdir(parents=True, exist_ok=True)
            self.written.append(target)
            _write(target, lambda partial: shutil.copyfile(source, partial))
            return
        self.add(dataset, read_pieces(self.session, original))

    def remove(self, dataset: Dataset) -> None:
        """Delete the record with its bytes: its chunks now, its file after the commit."""
        if dataset.store == DATASETS_IN_DATABASE:
            self.session.execute(delete(CHUNKS).where(CHUNKS.c.dataset_id == dataset.id))
        else:
            self.removed.append(data_dir() / dataset.path)
        self.session.delete(dataset)

    def commit(self) -> None:
        """Commit the session; if that fails, roll back and remove the files written for it."""
        try:
            self.session.commit()
        except BaseException:
            self.abandon()
            raise
        for path in self.removed:
            path.unlink(missing_ok=True)
        self.removed = []

    def abandon(self) -> None:
        """Roll the session back and remove the files written for it."""
        self.session.rollback()
        for path in self.written:
            path.unlink(missing_ok=True)
        self.written = []
        self.removed = []


def write_file(target: Path, pieces: Iterable[bytes]) -> None:
    """Write the bytes to ``target`` under a temporary name, then rename it."""
    def write(partial: Path) -> None:
        with partial.open("wb") as out:
            for piece in pieces:
                out.write(piece)
    _write(target, write)


def _write(target: Path, write: Any) -> None:
    """Never a half-written file under a real name (the leftovers sweep removes a killed save's
    ``.partial``)."""
    partial = target.with_suffix(".parquet.partial")
    try:
        write(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
