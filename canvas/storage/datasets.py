"""A canvas's customer data: one dataset record per kind, its rows as one Parquet file's bytes,
and the segment links the founder confirmed, remembered for the next upload.

Where the bytes are kept (files under the data folder, or chunks in the database: the
``CANVAS_DATASETS`` setting) is ``dataset_store``'s business alone. A record never exists without
its bytes: both are stored in one step, all or nothing. ``add_datasets`` (a bundle's import) and
``copy_datasets`` (a duplicate) store several at once, all or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy.orm import object_session
from sqlmodel import Session, col, delete, select

from canvas.domain.errors import InvalidInput
from canvas.domain.models import DATASET_KINDS, Dataset, RememberedLink
from canvas.domain.value_keys import value_key
from canvas.storage.access import authorize
from canvas.storage.board import list_segments
from canvas.storage.dataset_store import Writes, load_frame, parquet_rows, read_bytes
from canvas.storage.db import DATASETS_IN_DATABASE
from canvas.storage.records import get_canvas

REMEMBERED_KEY_MAX_CHARS = 255  # the column's width; longer values are not segment names


def list_datasets(*, session: Session, canvas_id: str) -> dict[str, Dataset]:
    """The canvas's datasets by kind (at most one of each kind)."""
    rows = session.exec(select(Dataset).where(Dataset.canvas_id == canvas_id).order_by(col(Dataset.created_at))).all()
    return {row.kind: row for row in rows}


def save_dataset(*, session: Session, canvas_id: str, kind: str, frame: Any = None, filename: str,
                 mapping: dict[str, str | None], report: dict[str, Any],
                 segment_links: dict[str, str] | None = None,
                 confirmed_links: dict[str, str] | None = None, parquet: Path | None = None) -> Dataset:
    """Store a confirmed dataset for the canvas, replacing its previous dataset of that kind.

    ``frame`` is the cleaned rows (a pandas DataFrame), or ``parquet`` the Parquet file a streamed
    ingestion wrote them to (``customer_data.stream``), stored as it is, a piece at a time, without
    reading it into memory. ``confirmed_links`` (value -> segment id,
    "" for Unassigned) are the links the founder confirmed: they are remembered for the next
    upload of the canvas, in the same transaction. The rows are stored with the record, all or
    nothing (``dataset_store.Writes``): never a record without its rows, nor half-written rows.
    """
    authorize(session, canvas_id)
    get_canvas(session=session, canvas_id=canvas_id)
    if kind not in DATASET_KINDS:
        raise InvalidInput(f"Unknown kind of data {kind!r}; use one of {', '.join(DATASET_KINDS)}.")
    _check_links(session, canvas_id, segment_links or {})
    if (frame is None) == (parquet is None):
        raise ValueError("give the rows either as a frame or as a Parquet file")  # a programming error
    rows = len(frame) if parquet is None else parquet_rows(parquet)
    dataset = Dataset(canvas_id=canvas_id, kind=kind, filename=filename[:255], rows=rows,
                      mapping=mapping, report=report, segment_links=segment_links or {}, path="")
    writes = Writes(session)
    try:
        previous = list_datasets(session=session, canvas_id=canvas_id).get(kind)
        if previous is not None:
            writes.remove(previous)
        if parquet is None:
            writes.add_frame(dataset, frame)
        else:
            writes.add_file(dataset, parquet)
        _remember_links(session, canvas_id, confirmed_links or {})
    except BaseException:
        writes.abandon()
        raise
    writes.commit()
    session.refresh(dataset)
    return dataset


def load_dataset(dataset: Dataset, *, session: Session | None = None) -> Any:
    """The dataset's rows as a pandas DataFrame. ``session``: one on the dataset's database (the
    session that read the record when not given), to read datasets kept in the database."""
    return load_frame(_session_of(dataset, session), dataset)


def read_dataset_file(dataset: Dataset, *, session: Session | None = None) -> bytes:
    """The dataset's Parquet file as stored (what a canvas bundle carries)."""
    return read_bytes(_session_of(dataset, session), dataset)


def _session_of(dataset: Dataset, session: Session | None) -> Session:
    session = session or cast(Session | None, object_session(dataset))
    if session is None and dataset.store == DATASETS_IN_DATABASE:
        raise ValueError("reading a dataset kept in the database needs a session")  # a programming error
    return cast(Session, session)


@dataclass
class NewDataset:
    """One dataset to store with ``add_datasets``: its rows (a pandas DataFrame) and record fields."""

    kind: str
    frame: Any
    filename: str
    mapping: dict[str, str | None] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    segment_links: dict[str, str] = field(default_factory=dict)


def add_datasets(*, session: Session, canvas_id: str, datasets: Sequence[NewDataset]) -> list[Dataset]:
    """Store several datasets (one of each kind) for the canvas and commit, all or nothing.

    This commits whatever the session holds with them: a bundle's import adds the new canvas
    first (flushed, not committed), so the canvas, its contents, the records and their rows appear
    together or not at all; if anything fails, the session is rolled back and the files written
    are removed. A dataset of a kind the canvas already has replaces it.
    """
    authorize(session, canvas_id)
    kinds = [d.kind for d in datasets]
    if len(set(kinds)) != len(kinds):
        raise InvalidInput("At most one dataset of each kind can be linked to a canvas.")
    writes = Writes(session)
    try:
        get_canvas(session=session, canvas_id=canvas_id)
        previous = list_datasets(session=session, canvas_id=canvas_id)
        records = []
        for item in datasets:
            if item.kind not in DATASET_KINDS:
                raise InvalidInput(f"Unknown kind of data {item.kind!r}; use one of {', '.join(DATASET_KINDS)}.")
            _check_links(session, canvas_id, item.segment_links)
            record = Dataset(canvas_id=canvas_id, kind=item.kind, filename=item.filename[:255], rows=len(item.frame),
                             mapping=dict(item.mapping), report=dict(item.report),
                             segment_links=dict(item.segment_links), path="")
            if item.kind in previous:
                writes.remove(previous[item.kind])
            writes.add_frame(record, item.frame)
            records.append(record)
    except BaseException:
        writes.abandon()
        raise
    writes.commit()
    for record in records:
        session.refresh(record)
    return records


def copy_datasets(*, session: Session, source_id: str, target_id: str, segment_ids: dict[str, str]) -> Writes:
    """Give ``target_id`` a copy of every dataset of ``source_id`` and of its remembered links,
    each link moved to the copy's segment (``segment_ids``: original segment id -> copy's; a link
    to a segment not copied becomes Unassigned). The records and their rows are stored but not
    committed: the caller commits with ``commit_or_remove`` (the files written are removed if the
    commit fails). If a copy fails, the files written so far are removed.
    """
    authorize(session, target_id)
    writes = Writes(session)
    try:
        for original in list_datasets(session=session, canvas_id=source_id).values():
            links = {value: segment_ids.get(sid, "") if sid else "" for value, sid in original.segment_links.items()}
            copy = Dataset(canvas_id=target_id, kind=original.kind, filename=original.filename, rows=original.rows,
                           mapping=dict(original.mapping), report=dict(original.report), segment_links=links, path="")
            writes.add_copy(copy, original)
        remembered = session.exec(select(RememberedLink).where(RememberedLink.canvas_id == source_id)).all()
        session.add_all(RememberedLink(canvas_id=target_id, value_key=r.value_key, segment_id=segment_ids[r.segment_id])
                        for r in remembered if r.segment_id in segment_ids)
    except BaseException:
        for path in writes.written:
            path.unlink(missing_ok=True)
        raise
    return writes


def commit_or_remove(session: Session, writes: Writes) -> None:
    """Commit the session (``writes``'s own); if that fails, roll back and remove the files
    written for it."""
    writes.commit()


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
    authorize(session, canvas_id)
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
    """The links the founder confirmed on this canvas: ``value_key`` of a segment value ->
    segment id, leaving out segments no longer on the canvas."""
    segment_ids = {s.id for s in list_segments(session=session, canvas_id=canvas_id)}
    rows = session.exec(select(RememberedLink).where(RememberedLink.canvas_id == canvas_id)).all()
    return {row.value_key: row.segment_id for row in rows if row.segment_id in segment_ids}


def _remember_links(session: Session, canvas_id: str, links: dict[str, str]) -> None:
    """Remember each confirmed link; a value confirmed as Unassigned forgets its earlier link, so
    a segment added later can still be suggested by name."""
    latest = {value_key(value): segment_id for value, segment_id in links.items()}
    latest = {key: sid for key, sid in latest.items() if 0 < len(key) <= REMEMBERED_KEY_MAX_CHARS}
    if not latest:
        return
    session.exec(delete(RememberedLink).where(col(RememberedLink.canvas_id) == canvas_id,
                                              col(RememberedLink.value_key).in_(list(latest))))
    session.add_all(RememberedLink(canvas_id=canvas_id, value_key=key, segment_id=sid)
                    for key, sid in latest.items() if sid)


def delete_dataset(*, session: Session, canvas_id: str, dataset_id: str) -> None:
    """Remove a dataset and its rows (its chunks with the record, or its file after the commit)."""
    authorize(session, canvas_id)
    dataset = session.get(Dataset, dataset_id)
    if dataset is None or dataset.canvas_id != canvas_id:
        raise InvalidInput("That dataset is no longer linked to this canvas. Reload the page.")
    writes = Writes(session)
    try:
        writes.remove(dataset)
    except BaseException:
        writes.abandon()
        raise
    writes.commit()
