"""The data page's Streamlit helpers: an upload read and checked once per file, its widget keys,
and how its preview table shows dates.

Streamlit reruns the page on every interaction, with the uploaded file still there: the file is
hashed once per upload (``upload_digest``), and parsed and checked once per content and choices
(``read_upload``, ``check_upload``, cached under that digest, the bytes themselves not hashed).

A big upload (over ``limits.STREAM_FROM_BYTES``) is written to a file once (``spooled``), its
columns guessed from its first rows (``read_big_head``), and checked in chunks in a worker process
in the background (``start_big_check``): the page shows the check's progress (rows per second,
time left) and then its report; the kept rows are already a Parquet file, stored as it is.
Streamlit itself holds an upload in the server's memory while it is on the page (1.67 has no
way to stream it to disk), so ``server.maxUploadSize`` bounds what the browser can send.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from canvas.customer_data import ingest, limits, stream, worker

log = logging.getLogger(__name__)

KIND_LABELS = {
    "transactions": "Transactions (orders)",
    "surveys": "Survey responses (NPS / CSAT)",
    "spend": "Acquisition spend",
    "customers": "Customers file (customer → segment)",
}
DIGEST = "data_upload_digest"  # (file id, SHA-256) of the upload on screen
HEAD_ROWS = 200  # rows of the file the column choices see (guess_mapping reads as many)


def upload_digest(upload: UploadedFile) -> str:
    """The SHA-256 (hex) of an uploaded file's bytes, computed on the first run that sees this
    upload and kept in the session for the reruns that follow."""
    known = st.session_state.get(DIGEST)
    if known is not None and known[0] == upload.file_id:
        return known[1]
    digest = hashlib.sha256(upload.getvalue()).hexdigest()
    st.session_state[DIGEST] = (upload.file_id, digest)
    return digest


@st.cache_data(show_spinner=False, max_entries=8)
def read_upload(digest: str, name: str, _content: bytes) -> ingest.RawTable:
    """Read and check an upload once per file content (``digest`` of ``_content``; the bytes are
    not hashed), in a worker process with time and memory limits; its first ``HEAD_ROWS`` rows."""
    return worker.isolated(worker.read_head, _content, name, HEAD_ROWS, filename=name)


@st.cache_data(show_spinner=False, max_entries=8)
def check_upload(digest: str, name: str, _content: bytes, kind: str, mapping: tuple,
                 drop_duplicates: bool = False) -> ingest.IngestResult:
    """Check every row of an upload once per content, kind, column mapping and duplicates choice,
    in a worker process with time and memory limits."""
    return worker.isolated(worker.read_and_ingest, _content, name, kind, dict(mapping), drop_duplicates,
                           filename=name)


UPLOADS = Path(tempfile.gettempdir()) / "canvas-uploads"  # big uploads and their checked rows
UPLOADS_KEPT_SECONDS = 24 * 3600  # then swept when the next big upload arrives
SPOOL_PIECE_BYTES = 16 * 2**20


def is_big(upload: UploadedFile) -> bool:
    """Whether an upload is checked in chunks in the background (``limits.STREAM_FROM_BYTES``)."""
    return upload.size > limits.STREAM_FROM_BYTES


def spooled(upload: UploadedFile, digest: str) -> Path:
    """The upload written to a file (once per content, a piece at a time), for the chunked check;
    files of earlier big uploads older than ``UPLOADS_KEPT_SECONDS`` are removed."""
    target = UPLOADS / f"{digest}.upload"
    if target.exists():
        return target
    UPLOADS.mkdir(parents=True, exist_ok=True)
    for old in UPLOADS.iterdir():
        if time.time() - old.stat().st_mtime > UPLOADS_KEPT_SECONDS:
            old.unlink(missing_ok=True)
    partial = target.with_suffix(f".{threading.get_ident()}.partial")
    upload.seek(0)
    with partial.open("wb") as file:
        shutil.copyfileobj(upload, file, SPOOL_PIECE_BYTES)
    partial.replace(target)
    return target


@st.cache_data(show_spinner=False, max_entries=8)
def read_big_head(digest: str, name: str, _path: Path) -> ingest.RawTable:
    """A big upload's first ``HEAD_ROWS`` rows, for the column choices (the rest is not read)."""
    return stream.read_head(_path, filename=name, rows=HEAD_ROWS)


@dataclass
class BigCheck:
    """A big upload being checked in chunks in the background: its latest progress, then its
    result or the message of why it failed."""

    progress: stream.Progress | None = None
    result: stream.StreamResult | None = None
    error: str | None = None

    @property
    def done(self) -> bool:
        return self.result is not None or self.error is not None


_checks: dict[tuple, BigCheck] = {}
_checks_lock = threading.Lock()


def start_big_check(digest: str, name: str, path: Path, kind: str, mapping: tuple,
                    drop_duplicates: bool) -> BigCheck:
    """The background check of a big upload for these choices, started on first call (once per
    content and choices for the whole app server, as ``check_upload`` is cached)."""
    key = (digest, kind, mapping, drop_duplicates)
    with _checks_lock:
        check = _checks.get(key)
        if check is None or check.error is not None:  # a failed check is tried again on the next visit
            check = _checks[key] = BigCheck()
            label = hashlib.sha1(repr(key).encode()).hexdigest()[:12]
            threading.Thread(target=_run_big_check, daemon=True, name=f"canvas-check-{label}",
                             args=(check, path, UPLOADS / f"{digest}-{label}.parquet",
                                   UPLOADS / f"{digest}-{label}.rejected.csv", name, kind, dict(mapping),
                                   drop_duplicates)).start()
        return check


def _run_big_check(check: BigCheck, path: Path, out: Path, rejected: Path, name: str, kind: str,
                   mapping: dict[str, str | None], drop_duplicates: bool) -> None:
    def progress(report: stream.Progress) -> None:
        check.progress = report

    try:
        check.result = worker.streamed(path, out, filename=name, progress=progress, kind=kind, mapping=mapping,
                                       drop_duplicates=drop_duplicates, rejected_path=rejected)
    except ingest.IngestError as error:
        check.error = str(error)
    except Exception:  # logged here: the page only shows that it failed
        log.exception("checking %s in chunks failed", name)
        check.error = (f"{name} could not be checked (an unexpected error, logged on the server). Save it as CSV "
                       "and upload it again; if it fails again, report it with the file.")


def link_key(prefix: str, value: str) -> str:
    """The widget key of a segment value's link select box."""
    # From the value, not its position: a value keeps its select box (and the founder's choice)
    # when another mapping changes the list of values.
    return f"{prefix}_{hashlib.sha1(value.encode()).hexdigest()[:12]}"


def detected_notes(report: Mapping[str, Any]) -> str:
    """What the reading detected (delimiter, encoding, ...), as "name: value · name: value"."""
    notes = [f"{k.replace('_', ' ')}: {v}" for k, v in report.get("detected", {}).items() if v not in (None, "")]
    return " · ".join(notes)


def preview_columns(table: pd.DataFrame) -> dict[str, Any]:
    """Dates show as dates; a time of day only where the preview has one ("00:00:00" says nothing)."""
    config: dict[str, Any] = {}
    for name in table.columns:
        column = table[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            times = column.dropna()
            plain = bool((times == times.dt.normalize()).all())
            config[name] = (st.column_config.DateColumn(format="YYYY-MM-DD") if plain
                            else st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss"))
    return config
