"""The data page's Streamlit helpers: an upload read and checked once per file, its widget keys,
and how its preview table shows dates.

Streamlit reruns the page on every interaction, with the uploaded file still there: the file is
hashed once per upload (``upload_digest``), and parsed and checked once per content and choices
(``read_upload``, ``check_upload``, cached under that digest, the bytes themselves not hashed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from canvas.customer_data import ingest, worker

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
