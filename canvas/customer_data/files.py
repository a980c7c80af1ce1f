"""Reading a customer data file into a table of cells: CSV, TSV and TXT, Excel (.xlsx) and Parquet.

The format is told by the content, not the name. Text files are decoded from UTF-8 (with or
without BOM), Windows-1252 or Latin-1, and their delimiter is sniffed (comma, semicolon, tab or
pipe). Cells stay as they are in the file (text for CSV, typed for XLSX and Parquet); each row
keeps its line in the file so every later message can point at it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from canvas.customer_data.errors import IngestError

DELIMITERS = (",", ";", "\t", "|")


@dataclass
class RawTable:
    """The file's cells (text for CSV, typed for XLSX/Parquet) and where each row stood."""

    frame: pd.DataFrame
    lines: np.ndarray  # 1-based file line (CSV) or sheet row (XLSX) of each row
    filename: str
    file_format: str  # csv, xlsx or parquet
    encoding: str | None = None
    delimiter: str | None = None

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]

    @property
    def european(self) -> bool:
        """A ';' delimiter suggests a European export (decimal commas, day-first dates)."""
        return self.delimiter == ";"


def _read_bytes(source: str | Path | bytes | IO[bytes]) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, ""
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise IngestError(f"There is no file {str(path)!r}.")
        if path.is_dir():
            raise IngestError(f"{str(path)!r} is a folder, not a file.")
        return path.read_bytes(), path.name
    return source.read(), getattr(source, "name", "") or ""


def read_table(source: str | Path | bytes | IO[bytes], *, filename: str | None = None) -> RawTable:
    """Read a CSV/TSV/TXT, XLSX or Parquet file; the format is told by its content."""
    content, name = _read_bytes(source)
    filename = filename or name or "upload"
    if not content.strip():
        raise IngestError(f"{filename} is empty: export the data again and upload the file with its rows.")
    if content[:4] == b"PAR1":
        return _read_parquet(content, filename)
    if content[:4] == b"PK\x03\x04":
        return _read_xlsx(content, filename)
    if b"\x00" in content[:4096]:
        raise IngestError(f"{filename} is not a table: it looks like a binary file. Upload CSV, Excel (.xlsx) "
                          "or Parquet.")
    return _read_text(content, filename)


def _read_parquet(content: bytes, filename: str) -> RawTable:
    try:
        frame = pd.read_parquet(io.BytesIO(content))
    except Exception as error:  # a damaged file: pyarrow raises several kinds
        raise IngestError(f"{filename} could not be read as Parquet ({error}).") from None
    _check_rows(frame, filename)
    return RawTable(frame.reset_index(drop=True), np.arange(1, len(frame) + 1), filename, "parquet")


def _read_xlsx(content: bytes, filename: str) -> RawTable:
    try:
        frame = pd.read_excel(io.BytesIO(content), sheet_name=0, dtype=object, engine="openpyxl")
    except Exception as error:  # openpyxl raises several kinds for damaged or non-Excel zips
        raise IngestError(f"{filename} could not be read as an Excel workbook ({error}).") from None
    frame.columns = _clean_headers([str(c) for c in frame.columns])
    frame = frame.dropna(how="all")
    _check_rows(frame, filename)
    lines = frame.index.to_numpy() + 2  # sheet row: the header is row 1
    return RawTable(frame.reset_index(drop=True), lines, filename, "xlsx")


def _as_utf8(content: bytes) -> tuple[bytes, str]:
    """The content as UTF-8 bytes and the encoding it was in. UTF-8 input is not copied: a
    large file must not be held three times (bytes, text, bytes again)."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:], "UTF-8 with BOM"
    try:
        content.decode("utf-8")  # validates only; the decoded text is dropped at once
        return content, "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252").encode("utf-8"), "Windows-1252"
    except UnicodeDecodeError:
        return content.decode("latin-1").encode("utf-8"), "Latin-1"


def _sniff_delimiter(sample_lines: list[str]) -> str:
    """The delimiter that splits the header into the most fields, consistently across lines."""
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        rows = list(csv.reader(sample_lines, delimiter=delimiter))
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(1 for row in rows[1:] if len(row) == width)
        score = (consistent, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _clean_headers(headers: list[str]) -> list[str]:
    cleaned, seen = [], set()
    for i, header in enumerate(headers):
        name = header.strip() or f"column {i + 1}"
        if name.lower().startswith("unnamed:"):
            name = f"column {i + 1}"
        while name in seen:
            name = f"{name} ({i + 1})"
        seen.add(name)
        cleaned.append(name)
    return cleaned


def _read_text(content: bytes, filename: str) -> RawTable:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    data, encoding = _as_utf8(content)
    del content
    sample = data[:65536].decode("utf-8", errors="replace").splitlines()[:50]
    delimiter = _sniff_delimiter(sample)
    header = next(csv.reader(sample[:1], delimiter=delimiter), [])
    if len(header) < 2:
        raise IngestError(f"{filename} is not a table: its first line has a single column. A customer data "
                          "file needs at least a customer, a date and an amount column, separated by commas, "
                          "semicolons or tabs.")
    names = _clean_headers(header)
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False,
                                             invalid_row_handler=None),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid as error:
        match = re.search(r"Expected (\d+) columns, got (\d+)", str(error))
        where = ""
        if match:
            bad_line = _first_ragged_line(data.decode("utf-8", errors="replace"), delimiter, len(names))
            where = f" Line {bad_line} has {match.group(2)} fields where the header has {match.group(1)}."
        raise IngestError(f"{filename} could not be read as a table.{where} Check the delimiter and quoting "
                          "of that line.", line=None) from None
    frame = table.to_pandas()
    lines = np.arange(2, len(frame) + 2)
    blank = (frame == "").all(axis=1).to_numpy()
    frame, lines = frame[~blank].reset_index(drop=True), lines[~blank]
    _check_rows(frame, filename)
    return RawTable(frame, lines, filename, "csv", encoding=encoding, delimiter=delimiter)


def _first_ragged_line(text: str, delimiter: str, width: int) -> int | None:
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        if row and len(row) != width:
            return number
    return None


def _check_rows(frame: pd.DataFrame, filename: str) -> None:
    if len(frame.columns) == 0:
        raise IngestError(f"{filename} has no columns: is it really a table?")
    if len(frame) == 0:
        raise IngestError(f"{filename} has a header but no data rows.")

