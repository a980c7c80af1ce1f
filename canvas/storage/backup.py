"""Backups: the whole database and every dataset's file in one zip, and its restore.

A backup is read in one transaction (a consistent snapshot on PostgreSQL and on SQLite), from the
tables the migrations made (reflected, so a table added by a later migration is included
without touching this module). The zip holds ``manifest.json`` (format, version, schema
revision, row counts, and each data file's size and SHA-256), ``tables/<name>.jsonl`` (one row
a line, in the order foreign keys need) and ``files/<path>`` (each dataset's Parquet file, under
the path its record names, wherever the dataset is kept: a file, or chunks in the database whose
rows are not repeated in ``tables/``). It is written to a temporary name and renamed when complete.

Restore goes into an empty database at the same schema revision (a fresh database is migrated
first by ``make_engine``), each dataset going where ``CANVAS_DATASETS`` says now (so a backup of
one kind of deployment restores into the other). Every data file is checked against the manifest.
Kept as files, they are written first and the rows inserted in one transaction; if anything fails,
the new files are removed and no row is left. Kept in the database, the chunks are rows of that
same transaction.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, Engine, MetaData, Table, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from canvas.domain.errors import InvalidInput
from canvas.storage import dataset_store
from canvas.storage.db import DATASETS_IN_DATABASE, data_dir, dataset_store_setting

FORMAT = "business-model-canvas-backup"
VERSION = 1
MANIFEST = "manifest.json"
VERSION_TABLE = "alembic_version"
# A zip's own sizes are checked before anything is inflated: a backup holds at most the
# datasets' files (each at most the upload limit) and the rows.
MAX_ENTRIES = 100_000
MAX_UNCOMPRESSED_BYTES = 50_000_000_000
CHUNK = 1 << 20
DATASET_TABLE = "dataset"
CHUNK_TABLE = dataset_store.CHUNKS.name  # its bytes are the files/ entries, not rows of tables/


@dataclass
class Summary:
    """What a backup holds or a restore wrote: rows per table and the data files."""

    revision: str
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    file_bytes: int = 0

    def sentence(self) -> str:
        counted = ", ".join(f"{name} {count:,}" for name, count in self.rows.items() if count)
        return (f"{sum(self.rows.values()):,} rows ({counted or 'none'}) and {self.files:,} data files "
                f"({self.file_bytes / 1e6:,.1f} MB), schema {self.revision}")


def _tables(connection: Connection) -> list[Table]:
    meta = MetaData()
    meta.reflect(bind=connection)
    return [table for table in meta.sorted_tables if table.name != VERSION_TABLE]


def _row_tables(tables: list[Table]) -> list[Table]:
    """The tables whose rows a backup holds as rows."""
    return [table for table in tables if table.name != CHUNK_TABLE]


def _revision(connection: Connection) -> str:
    return str(connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar_one())


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        raise TypeError("binary columns are not backed up")
    return value


def _rows(connection: Connection, table: Table) -> Iterator[str]:
    order = list(table.primary_key.columns) or list(table.columns)
    for row in connection.execute(select(table).order_by(*order)).mappings():
        yield json.dumps({key: _plain(value) for key, value in row.items()}, ensure_ascii=False)


def write_backup(engine: Engine, target: Path) -> Summary:
    """Write every table and every dataset file to the zip ``target``; returns what it holds."""
    target = Path(target)
    partial = target.with_name(target.name + ".partial")
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        elif engine.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN")  # one read transaction: a snapshot under WAL
        summary = Summary(revision=_revision(connection))
        files: dict[str, dict[str, Any]] = {}
        try:
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
                for table in _row_tables(_tables(connection)):
                    count = 0
                    with archive.open(f"tables/{table.name}.jsonl", "w", force_zip64=True) as out:
                        for line in _rows(connection, table):
                            out.write(line.encode() + b"\n")
                            count += 1
                    summary.rows[table.name] = count
                    if table.name == DATASET_TABLE:
                        located = select(table.c.id, table.c.path, table.c.store, table.c.filename)
                        for dataset in connection.execute(located).all():
                            files[dataset.path] = _add_file(archive, connection, dataset)
                summary.files = len(files)
                summary.file_bytes = sum(entry["bytes"] for entry in files.values())
                manifest = {"format": FORMAT, "version": VERSION, "revision": summary.revision,
                            "created_at": datetime.now().astimezone().isoformat(), "rows": summary.rows,
                            "files": files}
                archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
            connection.rollback()
    return summary


def _add_file(archive: zipfile.ZipFile, connection: Connection, dataset: Any) -> dict[str, Any]:
    """Copy one dataset's bytes, from wherever they are kept, to the zip (a chunk at a time)."""
    if dataset.store != DATASETS_IN_DATABASE and not (data_dir() / dataset.path).is_file():
        raise InvalidInput(f"The data file {dataset.path} named by a dataset is missing from {data_dir()}: the "
                           "backup would not restore that dataset. Delete the dataset or upload its file again, "
                           "then back up.")
    digest = hashlib.sha256()
    size = 0
    with archive.open(f"files/{dataset.path}", "w", force_zip64=True) as out:
        for chunk in dataset_store.read_pieces(connection, dataset):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return {"bytes": size, "sha256": digest.hexdigest()}


def _bad(source: Path, what: str) -> InvalidInput:
    return InvalidInput(f"{source.name} is not a backup this app can restore: {what}. Use a file made by "
                        "`python -m canvas backup`.")


def _open(source: Path) -> tuple[zipfile.ZipFile, dict[str, Any]]:
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as error:
        raise _bad(source, f"it cannot be opened as a zip file ({error})") from None
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNCOMPRESSED_BYTES:
        archive.close()
        raise _bad(source, "it would unpack to more entries or bytes than any backup holds")
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError, zipfile.BadZipFile) as error:
        archive.close()
        raise _bad(source, f"its {MANIFEST} is missing or unreadable ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        archive.close()
        raise _bad(source, "its manifest does not name the backup format")
    if manifest.get("version") != VERSION:
        archive.close()
        raise _bad(source, f"it is of format version {manifest.get('version')!r}, this app reads version {VERSION}")
    return archive, manifest


def _safe_path(source: Path, path: Any) -> Path:
    if not isinstance(path, str) or not path.startswith("datasets/") or ".." in Path(path).parts:
        raise _bad(source, f"a data file's path {path!r} points outside the data folder")
    return data_dir() / path


def _checked(archive: zipfile.ZipFile, source: Path, path: str, expected: Any) -> Iterator[bytes]:
    """A data file's bytes from the zip, a chunk at a time; raises after the last one if they do
    not match the manifest (so nothing written from them is kept)."""
    digest, size = hashlib.sha256(), 0
    try:
        read = archive.open(f"files/{path}")
    except KeyError:
        raise _bad(source, f"the data file {path} named in its manifest is not in it") from None
    with read:
        while chunk := read.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            yield chunk
    if not isinstance(expected, dict) or size != expected.get("bytes") or digest.hexdigest() != expected.get("sha256"):
        raise _bad(source, f"the data file {path} does not match its manifest (damaged or edited)")


def _restore_files(archive: zipfile.ZipFile, source: Path, files: dict[str, Any]) -> list[Path]:
    """Write each data file under a temporary name, check it against the manifest, then rename."""
    written: list[Path] = []
    try:
        for path, expected in files.items():
            target = _safe_path(source, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            dataset_store.write_file(target, _checked(archive, source, path, expected))
            written.append(target)
    except BaseException:
        for target in written:
            target.unlink(missing_ok=True)
        raise
    return written


def _restore_datasets(connection: Connection, archive: zipfile.ZipFile, source: Path, tables: list[Table],
                      files: dict[str, Any], store: str) -> None:
    """Check every restored dataset has its file in the backup; kept in the database, write its chunks."""
    table = next(t for t in tables if t.name == DATASET_TABLE)
    for dataset_id, path in connection.execute(select(table.c.id, table.c.path)).all():
        if path not in files:
            raise _bad(source, f"the data file {path} of a dataset is not in its manifest")
        if store == DATASETS_IN_DATABASE:
            dataset_store.insert_chunks(connection, dataset_id, _checked(archive, source, path, files[path]))


def _value(column: Any, value: Any) -> Any:
    if isinstance(value, str) and isinstance(column.type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(value, str) and isinstance(column.type, Date):
        return date.fromisoformat(value)
    return value


def _insert_rows(connection: Connection, archive: zipfile.ZipFile, source: Path, table: Table,
                 store: str) -> int:
    try:
        lines = archive.open(f"tables/{table.name}.jsonl")
    except KeyError:
        return 0  # a table this app has and the backup's schema revision did not
    count = 0
    batch: list[dict[str, Any]] = []
    with lines:
        for number, line in enumerate(lines, start=1):
            try:
                row = json.loads(line)
                values = {c.name: _value(c, row[c.name]) for c in table.columns if c.name in row}
                if table.name == DATASET_TABLE:
                    values["store"] = store  # where this deployment keeps datasets
                batch.append(values)
            except (ValueError, TypeError):
                raise _bad(source, f"line {number} of tables/{table.name}.jsonl is not a row of that table") from None
            if len(batch) >= 1000:
                count += _insert(connection, source, table, batch)
                batch = []
    return count + _insert(connection, source, table, batch)


def _insert(connection: Connection, source: Path, table: Table, batch: list[dict[str, Any]]) -> int:
    if not batch:
        return 0
    try:
        connection.execute(insert(table), batch)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise _bad(source, f"its rows of {table.name} do not fit this database ({reason})") from None
    return len(batch)


def _reset_sequences(connection: Connection, tables: list[Table]) -> None:
    """PostgreSQL: integer keys continue after the restored rows, not from 1."""
    for table in tables:
        for column in table.primary_key.columns:
            if column.autoincrement is not False and column.type.python_type is int:
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                    f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"))


def restore_backup(engine: Engine, source: Path) -> Summary:
    """Restore the backup ``source`` into ``engine``'s database, which must hold no canvas."""
    source = Path(source)
    archive, manifest = _open(source)
    with archive:
        with engine.begin() as connection:
            revision = _revision(connection)
            if manifest.get("revision") != revision:
                raise _bad(source, f"it was made at schema revision {manifest.get('revision')!r} and this "
                                   f"database is at {revision!r}: restore it with the app version that made it, "
                                   "then upgrade")
            tables = _tables(connection)
            occupied = [t.name for t in tables if connection.execute(select(t).limit(1)).first() is not None]
            if occupied:
                raise InvalidInput(f"The database is not empty (it has rows in {', '.join(occupied)}): a backup "
                                   "is restored into an empty database only. Point CANVAS_DATABASE_URL at a new "
                                   "database and run restore again.")
            files = manifest.get("files") or {}
            if not isinstance(files, dict) or not all(isinstance(f, dict) for f in files.values()):
                raise _bad(source, "its list of data files is malformed")
            for path in files:
                _safe_path(source, path)
            store = dataset_store_setting()
            written = [] if store == DATASETS_IN_DATABASE else _restore_files(archive, source, files)
            try:
                summary = Summary(revision=revision, files=len(files),
                                  file_bytes=sum(int(f.get("bytes", 0)) for f in files.values()))
                for table in _row_tables(tables):
                    summary.rows[table.name] = _insert_rows(connection, archive, source, table, store)
                _restore_datasets(connection, archive, source, tables, files, store)
                if engine.dialect.name == "postgresql":
                    _reset_sequences(connection, tables)
            except BaseException:
                for target in written:
                    target.unlink(missing_ok=True)
                raise
    return summary
