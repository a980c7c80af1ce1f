"""A bundle's customer data, checked as strictly as an upload: each Parquet file within the
customer data limits (from its metadata, before its rows are read), holding exactly the columns
the ingestion of its kind keeps, of the right types, with no value ingestion would have skipped;
and its dataset's record fields (the report, the column mapping) of the shape the pages read.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from canvas.customer_data import limits
from canvas.customer_data.mapping import KINDS
from canvas.domain.errors import InvalidInput

_TEXT = ("customer_id", "order_id", "segment")
_DATES = ("date", "period_start")
_SCORES = {"nps": (0, 10), "csat": (1, 5)}
_AGAIN = "Export the bundle again from the canvas, or upload the data on the Customer data page."


def columns_of(kind: str) -> tuple[list[str], list[str]]:
    """The columns ingestion keeps for ``kind`` (all of them, and those always there)."""
    names = ["period_start" if f.name == "period" else f.name for f in KINDS[kind]]
    required = ["period_start" if f.name == "period" else f.name for f in KINDS[kind] if f.required]
    if kind == "surveys":  # ingestion adds both scores, empty when the file had none
        required += [n for n in ("nps", "csat") if n not in required]
    return names, required


def _fail(where: str, message: str) -> InvalidInput:
    return InvalidInput(f"{where}: {message}. It was not imported. {_AGAIN}", field=where)


def read_frame(content: bytes, kind: str, where: str) -> pd.DataFrame:
    """The rows of a bundle's data file for ``kind``; ``InvalidInput`` naming ``where`` if the
    file is too big, damaged, or not what ingestion keeps."""
    import pyarrow.parquet as pq

    try:
        metadata = pq.ParquetFile(io.BytesIO(content)).metadata
        inflated = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    except Exception as error:  # a damaged file: pyarrow raises several kinds
        raise _fail(where, f"not a readable Parquet file ({error})") from None
    if metadata.num_rows > limits.MAX_ROWS:
        raise _fail(where, f"{limits.rows(metadata.num_rows)}, more than the limit of {limits.rows(limits.MAX_ROWS)}")
    if inflated > limits.MAX_PARQUET_UNCOMPRESSED_BYTES:
        raise _fail(where, f"{limits.megabytes(inflated)} once uncompressed, more than the limit of "
                           f"{limits.megabytes(limits.MAX_PARQUET_UNCOMPRESSED_BYTES)}")
    try:
        frame = pd.read_parquet(io.BytesIO(content))
    except Exception as error:  # a damaged file: pyarrow raises several kinds
        raise _fail(where, f"not a readable Parquet file ({error})") from None
    check_frame(frame.reset_index(drop=True), kind, where)
    return frame.reset_index(drop=True)


def check_frame(frame: pd.DataFrame, kind: str, where: str) -> None:
    """The frame holds what ingestion of ``kind`` keeps, and nothing it would have skipped."""
    names, required = columns_of(kind)
    columns = [str(c) for c in frame.columns]
    unknown = [c for c in columns if c not in names]
    if unknown or len(set(columns)) != len(columns):
        raise _fail(where, f"unexpected columns {', '.join(map(repr, unknown or columns))} "
                           f"(a {kind} file holds {', '.join(names)})")
    missing = [c for c in required if c not in columns]
    if missing:
        raise _fail(where, f"the column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                           f"{'are' if len(missing) > 1 else 'is'} missing")
    for name in columns:
        values = frame[name]
        if name in _TEXT:
            if pd.api.types.infer_dtype(values, skipna=False) not in ("string", "empty"):
                raise _fail(where, f"the column {name} must hold text only")
            if name == "customer_id" and (values == "").any():
                raise _fail(where, "a row has no customer id")
        elif name in _DATES:
            if not pd.api.types.is_datetime64_dtype(values) or values.isna().any():
                raise _fail(where, f"the column {name} must hold a date on every row")
        else:
            if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
                raise _fail(where, f"the column {name} must hold numbers")
            numbers = values.to_numpy(dtype=float, na_value=np.nan)
            if name == "amount" and not np.isfinite(numbers).all():
                raise _fail(where, "an amount is missing or not a finite number")
            if name in _SCORES:
                low, high = _SCORES[name]
                given = numbers[~np.isnan(numbers)]
                if ((given < low) | (given > high)).any():
                    raise _fail(where, f"a {name.upper()} score is outside {low}-{high}")


# --- The dataset's record fields ---------------------------------------------------------------------

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _Entry(_Strict):
    """A problem or notice of ``Report.to_dict()``."""

    kind: str = Field(max_length=100)
    message: str = Field(max_length=2000)
    lines: list[int] = Field(max_length=1000)
    count: int = Field(ge=0)
    column: str | None = Field(default=None, max_length=1000)
    outcome: str = Field(default="skipped", max_length=1000)
    text: str | None = Field(default=None, max_length=5000)


class _Report(_Strict):
    """``Report.to_dict()``, as the Customer data page shows it."""

    kind: str = Field(max_length=20)
    rows_read: int = Field(ge=0)
    rows_kept: int = Field(default=0, ge=0)
    refunds: int = Field(default=0, ge=0)
    detected: dict[str, str | int | float | bool | None] = Field(default_factory=dict, max_length=50)
    problems: list[_Entry] = Field(default_factory=list, max_length=200)
    notices: list[_Entry] = Field(default_factory=list, max_length=200)
    file_total: float | None = None
    counted_total: float | None = None
    skipped_totals: dict[str, float] = Field(default_factory=dict, max_length=200)
    unreadable_amounts: int = Field(default=0, ge=0)
    reconciliation: str | None = Field(default=None, max_length=5000)


def check_report(value: Any, where: str) -> dict[str, Any]:
    """The report as the page reads it (only the fields it knows), or ``InvalidInput`` naming the field."""
    if value == {}:
        return {}
    try:
        report = _Report.model_validate(value)
    except ValidationError as error:
        item = error.errors()[0]
        field = ".".join(str(p) for p in item.get("loc", ()))
        raise _fail(f"{where}.{field}" if field else where, item.get("msg", "is not valid").lower()) from None
    dumped = report.model_dump()
    for entry in dumped["problems"] + dumped["notices"]:
        if entry["text"] is None:
            del entry["text"]
    return dumped
