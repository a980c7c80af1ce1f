"""What a killed save can leave on disk, and its removal.

Only datasets kept as files (``CANVAS_DATASETS=files``, the default) leave anything: those kept in
the database are written in the record's own transaction. A dataset's file is written to
``<id>.parquet.partial``, renamed to ``<id>.parquet``, then its record committed; the replaced
dataset's file is removed after the commit. A process killed between those steps leaves a
``.partial`` file, a Parquet file no record names, or the replaced file: the database stays
consistent (no record without its file), but the folder grows. The app sweeps them once per
process at start (``ui.frame``), and ``python -m canvas backup`` too.

Only files older than ``GRACE`` go: a save in progress in another process (another app server,
a CLI import) writes its file seconds before committing its record.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, select

from canvas.domain.models import Dataset
from canvas.storage.db import DATASETS_IN_FILES, data_dir

log = logging.getLogger(__name__)
GRACE = timedelta(hours=1)
FOLDER = "datasets"


def sweep_dataset_files(*, session: Session, grace: timedelta = GRACE) -> list[Path]:
    """Remove the files under the datasets folder that no dataset record names and that are older
    than ``grace``; returns what was removed."""
    root = data_dir() / FOLDER
    if not root.is_dir():
        return []
    named = {data_dir() / path
             for path in session.exec(select(Dataset.path).where(Dataset.store == DATASETS_IN_FILES)).all()}
    cutoff = time.time() - grace.total_seconds()
    removed = []
    for path in root.rglob("*"):
        try:
            if path.is_file() and path not in named and path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except OSError as error:  # gone meanwhile, or not ours to remove: leave it
            log.warning("could not remove leftover %s: %s", path, error)
    if removed:
        log.info("removed %d leftover dataset files under %s", len(removed), root)
    return removed
