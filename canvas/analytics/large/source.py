"""A normalized transactions Parquet file, known from its metadata before any row is read.

Normalized is what the ingestion writes (``canvas.customer_data.ingest``, the data page's
datasets, the streaming ingestion of big CSV files): columns ``customer_id``, ``date`` (a
timestamp or a date), ``amount`` (a number), and optionally ``order_id`` and ``segment``, with
no missing customer, date or amount. Such a file needs no validation row by row, so it can be
reported out of core; any other file goes through the ingestion first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from canvas.domain.errors import InvalidInput

REQUIRED = ("customer_id", "date", "amount")
OPTIONAL = ("order_id", "segment")


class LargeDataError(InvalidInput):
    """A file the out-of-core engine cannot read; the message says why and what to do."""


@dataclass(frozen=True)
class ParquetSource:
    """A Parquet file as its metadata describes it. ``version`` changes whenever the file does
    (its size and modification time), so work derived from it can be cached under it."""

    path: Path
    rows: int
    columns: tuple[str, ...]
    normalized: bool  # the columns and types the ingestion writes
    version: str

    @property
    def has_orders(self) -> bool:
        return "order_id" in self.columns

    @property
    def has_segments(self) -> bool:
        return "segment" in self.columns


def inspect_parquet(path: str | Path) -> ParquetSource:
    """The rows and columns of a Parquet file from its footer alone (nothing else is read).
    Raises :class:`LargeDataError` when the file is missing or not Parquet."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    try:
        stat = os.stat(path)
        meta = pq.ParquetFile(path)
    except FileNotFoundError:
        raise LargeDataError(f"{path} does not exist: check the path.") from None
    except (OSError, pa.ArrowException) as error:
        raise LargeDataError(f"{path} cannot be read as a Parquet file ({error}). Give a Parquet "
                             "file written by the ingestion, or a CSV/XLSX file.") from None
    schema = meta.schema_arrow
    names = tuple(schema.names)
    types = {name: schema.field(name).type for name in names}
    normalized = (
        all(name in types for name in REQUIRED)
        and set(names) <= set(REQUIRED + OPTIONAL)
        and (pa.types.is_timestamp(types["date"]) or pa.types.is_date(types["date"]))
        and (pa.types.is_floating(types["amount"]) or pa.types.is_integer(types["amount"])
             or pa.types.is_decimal(types["amount"]))
    )
    version = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    return ParquetSource(path, meta.metadata.num_rows, names, normalized, version)


def require_normalized(source: ParquetSource) -> None:
    """Refuse a file that is not normalized, naming what it lacks."""
    if not source.normalized:
        raise LargeDataError(
            f"{source.path} ({source.rows:,} rows) is too big to read into memory, and only a "
            f"normalized Parquet file (columns {', '.join(REQUIRED)}, optionally "
            f"{', '.join(OPTIONAL)}, with dates as timestamps and amounts as numbers) is read "
            f"out of core; its columns are {', '.join(source.columns)}. Ingest it first (the "
            "data page, or the streaming ingestion of a CSV file).")
