"""A canvas's customer data: one dataset record per kind, its rows in a Parquet file on disk, and
the segment links the founder confirmed, remembered for the next upload.

Files live under ``db.data_dir()`` at ``datasets/<canvas id>/<dataset id>.parquet``. A record
never exists without its file: the file is written first (to a temporary name, then renamed) and
removed again if the record's commit fails. ``add_datasets`` (a bundle's import) and
``copy_datasets`` (a duplicate) store several at once, all or nothing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, delete, select

from canvas.domain.errors import InvalidInput
from canvas.domain.models import DATASET_KINDS, Dataset, RememberedLink
from canvas.domain.value_keys import value_key
from canvas.storage.access import authorize
from canvas.storage.board import list_segments
from canvas.storage.db import data_dir
from canvas.storage.records import get_canvas

REMEMBERED_KEY_MAX_CHARS = 255  # the column's width; longer values are not segment names


def list_datasets(*, session: Session, canvas_id: str) -> dict[str, Dataset]:
    """The canvas's datasets by kind (at most one of each kind)."""
    rows = session.exec(select(Dataset).where(Dataset.canvas_id == canvas_id).order_by(col(Dataset.created_at))).all()
    return {row.kind: row for row in rows}


def save_dataset(*, session: Session, canvas_id: str, kind: str, frame: Any, filename: str,
                 mapping: dict[str, str | None], report: dict[str, Any],
                 segment_links: dict[str, str] | None = None,
                 confirmed_links: dict[str, str] | None = None) -> Dataset:
    """Store a confirmed dataset for the canvas, replacing its previous dataset of that kind.

    ``frame`` is the cleaned rows (a pandas DataFrame). ``confirmed_links`` (value -> segment id,
    "" for Unassigned) are the links the founder confirmed: they are remembered for the next
    upload of the canvas, in the same transaction. The rows go to a Parquet file first (written
    to a temporary name, then renamed); the record is committed after; if the commit fails the
    new file is removed, so there is never a record without its file, nor a half-written file
    under a real name.
    """
    authorize(session, canvas_id)
    get_canvas(session=session, canvas_id=canvas_id)
    if kind not in DATASET_KINDS:
        raise InvalidInput(f"Unknown kind of data {kind!r}; use one of {', '.join(DATASET_KINDS)}.")
    _check_links(session, canvas_id, segment_links or {})
    dataset = Dataset(canvas_id=canvas_id, kind=kind, filename=filename[:255], rows=len(frame),
                      mapping=mapping, report=report, segment_links=segment_links or {}, path="")
    target = _place(dataset)
    _write(target, lambda partial: frame.to_parquet(partial, index=False))
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


def _place(dataset: Dataset) -> Path:
    """Give a new dataset record its file's path; the folder is made if needed."""
    dataset.path = f"datasets/{dataset.canvas_id}/{dataset.id}.parquet"
    target = data_dir() / dataset.path
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def _write(target: Path, write: Any) -> None:
    """Write a file under a temporary name, then rename it: never a half-written file under a real name."""
    partial = target.with_suffix(".parquet.partial")
    try:
        write(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _existing_file(dataset: Dataset) -> Path:
    path = data_dir() / dataset.path
    if not path.is_file():
        raise InvalidInput(
            f"The data file of “{dataset.filename}” is missing from {data_dir()}. Upload the file again."
        )
    return path


def load_dataset(dataset: Dataset) -> Any:
    """The dataset's rows as a pandas DataFrame."""
    import pandas as pd

    return pd.read_parquet(_existing_file(dataset))


def read_dataset_file(dataset: Dataset) -> bytes:
    """The dataset's Parquet file as stored (what a canvas bundle carries)."""
    return _existing_file(dataset).read_bytes()


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
    first (flushed, not committed), so the canvas, its contents, the records and the files appear
    together or not at all. Every file is written before the commit; if anything fails, the
    session is rolled back and the files written are removed. A dataset of a kind the canvas
    already has replaces it (its file is removed after the commit).
    """
    authorize(session, canvas_id)
    kinds = [d.kind for d in datasets]
    if len(set(kinds)) != len(kinds):
        raise InvalidInput("At most one dataset of each kind can be linked to a canvas.")
    written: list[Path] = []
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
            target = _place(record)
            _write(target, lambda partial, frame=item.frame: frame.to_parquet(partial, index=False))
            written.append(target)
            if item.kind in previous:
                session.delete(previous[item.kind])
            session.add(record)
            records.append(record)
        session.commit()
    except BaseException:
        session.rollback()
        _remove(written)
        raise
    for kind in kinds:
        if kind in previous:
            (data_dir() / previous[kind].path).unlink(missing_ok=True)
    for record in records:
        session.refresh(record)
    return records


def copy_datasets(*, session: Session, source_id: str, target_id: str, segment_ids: dict[str, str]) -> list[Path]:
    """Give ``target_id`` a copy of every dataset of ``source_id`` and of its remembered links,
    each link moved to the copy's segment (``segment_ids``: original segment id -> copy's; a link
    to a segment not copied becomes Unassigned). The files are copied now; the records are added
    but not committed: the caller commits, and removes the returned files if the commit fails.
    """
    authorize(session, target_id)
    written: list[Path] = []
    try:
        for original in list_datasets(session=session, canvas_id=source_id).values():
            source = _existing_file(original)
            links = {value: segment_ids.get(sid, "") if sid else "" for value, sid in original.segment_links.items()}
            copy = Dataset(canvas_id=target_id, kind=original.kind, filename=original.filename, rows=original.rows,
                           mapping=dict(original.mapping), report=dict(original.report), segment_links=links, path="")
            target = _place(copy)
            _write(target, lambda partial, source=source: shutil.copyfile(source, partial))
            written.append(target)
            session.add(copy)
        remembered = session.exec(select(RememberedLink).where(RememberedLink.canvas_id == source_id)).all()
        session.add_all(RememberedLink(canvas_id=target_id, value_key=r.value_key, segment_id=segment_ids[r.segment_id])
                        for r in remembered if r.segment_id in segment_ids)
    except BaseException:
        _remove(written)
        raise
    return written


def commit_or_remove(session: Session, written: Sequence[Path]) -> None:
    """Commit the session; if that fails, roll back and remove the files written for it."""
    try:
        session.commit()
    except BaseException:
        session.rollback()
        _remove(written)
        raise


def _remove(paths: Sequence[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


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
    """Remove a dataset and its file."""
    authorize(session, canvas_id)
    dataset = session.get(Dataset, dataset_id)
    if dataset is None or dataset.canvas_id != canvas_id:
        raise InvalidInput("That dataset is no longer linked to this canvas. Reload the page.")
    path = data_dir() / dataset.path
    session.delete(dataset)
    session.commit()
    path.unlink(missing_ok=True)
