"""Reading a customer data file into a table of cells: CSV, TSV and TXT, Excel (.xlsx) and Parquet.

The format is told by the content, not the name. Text files are decoded from UTF-8 (with or
without BOM), UTF-16 (Excel's "Unicode Text"), Windows-1252 or Latin-1, and their delimiter is
sniffed (comma, semicolon, tab or pipe). Every file is checked against ``limits`` (its bytes,
its rows, an Excel zip's inflated size, a Parquet file's metadata) before a table is built.
Cells stay as they are in the file (text for CSV, typed for XLSX and Parquet); each row keeps
its line in the file so every later message can point at it.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from canvas.customer_data import limits
from canvas.customer_data.errors import IngestError

DELIMITERS = (",", ";", "\t", "|")
PARQUET_MAGIC = b"PAR1"  # a Parquet file's first (and last) four bytes
WORKBOOK_MAGIC = b"PK\x03\x04"  # a zip archive's: an .xlsx workbook


def is_parquet(head: bytes) -> bool:
    """Whether a file starting with ``head`` is Parquet (told by content, never by name)."""
    return head[:4] == PARQUET_MAGIC


def is_workbook(head: bytes) -> bool:
    """Whether a file starting with ``head`` is a zip archive, as an Excel workbook is."""
    return head[:4] == WORKBOOK_MAGIC


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


NOT_A_TABLE = ("is not a table (not a text, Excel or Parquet file): upload the data as CSV (or tab-separated "
               "text), Excel (.xlsx) or Parquet.")


def _too_big(filename: str, size: int) -> IngestError:
    return IngestError(f"{filename} is larger than {limits.megabytes(limits.MAX_FILE_BYTES)} "
                       f"({limits.megabytes(size)}), the limit for one file: split it by date (a year per "
                       "file, say) or save it as Parquet, which is several times smaller.")


def _too_many_rows(filename: str, count: int | str) -> IngestError:
    return IngestError(f"{filename} has {count if isinstance(count, str) else limits.rows(count)}, more than "
                       f"the limit of {limits.rows(limits.MAX_ROWS)} for one file: split it by date (a year "
                       "per file, say) and upload the parts as separate files.")


def _read_bytes(source: str | Path | bytes | IO[bytes], filename: str | None) -> tuple[bytes, str]:
    """The file's bytes and name; a file over ``limits.MAX_FILE_BYTES`` is refused unread."""
    if isinstance(source, bytes):
        name = filename or "upload"
        if len(source) > limits.MAX_FILE_BYTES:
            raise _too_big(name, len(source))
        return source, name
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise IngestError(f"There is no file {str(path)!r}.")
        if path.is_dir():
            raise IngestError(f"{str(path)!r} is a folder, not a file.")
        name = filename or path.name
        size = path.stat().st_size
        if size > limits.MAX_FILE_BYTES:
            raise _too_big(name, size)
        return path.read_bytes(), name
    name = filename or getattr(source, "name", "") or "upload"
    content = source.read(limits.MAX_FILE_BYTES + 1)
    if len(content) > limits.MAX_FILE_BYTES:
        raise _too_big(name, len(content))
    return content, name


def read_table(source: str | Path | bytes | IO[bytes], *, filename: str | None = None) -> RawTable:
    """Read a CSV/TSV/TXT, XLSX or Parquet file; the format is told by its content.

    Raises ``IngestError`` (with what to do) for a file that is no table, damaged, or over one of
    the ``limits``; the limits are checked before the table is built."""
    content, filename = _read_bytes(source, filename)
    if not content.strip():
        raise IngestError(f"{filename} is empty: export the data again and upload the file with its rows.")
    if is_parquet(content):
        return _read_parquet(content, filename)
    if is_workbook(content):
        return _read_xlsx(content, filename)
    if b"\x00" in content[:4096] and _utf16_codec(content) is None:
        raise IngestError(f"{filename} {NOT_A_TABLE}")
    return _read_text(content, filename)


def _read_parquet(content: bytes, filename: str) -> RawTable:
    import pyarrow.parquet as pq

    try:
        metadata = pq.ParquetFile(io.BytesIO(content)).metadata
    except Exception as error:  # a damaged file: pyarrow raises several kinds
        raise IngestError(f"{filename} could not be read as Parquet ({error}).") from None
    if metadata.num_rows > limits.MAX_ROWS:
        raise _too_many_rows(filename, metadata.num_rows)
    inflated = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    if inflated > limits.MAX_PARQUET_UNCOMPRESSED_BYTES:
        raise IngestError(f"{filename} holds {limits.megabytes(inflated)} of data once uncompressed, more than "
                          f"the limit of {limits.megabytes(limits.MAX_PARQUET_UNCOMPRESSED_BYTES)}: keep only the "
                          "columns the data needs (customer, date, amount, segment), or split the file by date.")
    try:
        frame = pd.read_parquet(io.BytesIO(content))
    except Exception as error:  # a damaged file: pyarrow raises several kinds
        raise IngestError(f"{filename} could not be read as Parquet ({error}).") from None
    _check_rows(frame, filename)
    return RawTable(frame.reset_index(drop=True), np.arange(1, len(frame) + 1), filename, "parquet")


def _check_zip(content: bytes, filename: str) -> None:
    """Refuse a workbook whose zip would inflate beyond the limits, from its central directory
    alone (Python's zip reader never yields more than the sizes written there)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise IngestError(f"{filename} could not be read as an Excel workbook ({error}).") from None
    inflated = sum(entry.file_size for entry in entries)
    if inflated > limits.MAX_XLSX_UNCOMPRESSED_BYTES:
        raise IngestError(f"{filename} would uncompress to {limits.megabytes(inflated)}, more than the limit of "
                          f"{limits.megabytes(limits.MAX_XLSX_UNCOMPRESSED_BYTES)} for an Excel workbook: save "
                          "the sheet as CSV and upload that, or split it by date.")
    for entry in entries:
        if entry.file_size >= limits.RATIO_CHECKED_FROM_BYTES and \
                entry.file_size > limits.MAX_COMPRESSION_RATIO * max(entry.compress_size, 1):
            ratio = entry.file_size / max(entry.compress_size, 1)
            raise IngestError(f"{filename} is not a workbook Excel writes: its part {entry.filename!r} is "
                              f"{ratio:,.0f} times smaller compressed than uncompressed (real workbooks: under "
                              f"{limits.MAX_COMPRESSION_RATIO} times). Open it in Excel, save it as CSV and "
                              "upload that.")


def _read_xlsx(content: bytes, filename: str) -> RawTable:
    _check_zip(content, filename)
    try:  # one row more than the limit tells the limit is passed, without reading the rest
        frame = pd.read_excel(io.BytesIO(content), sheet_name=0, dtype=object, engine="openpyxl",
                              nrows=limits.MAX_ROWS + 1)
    except Exception as error:  # openpyxl raises several kinds for damaged or non-Excel zips
        raise IngestError(f"{filename} could not be read as an Excel workbook ({error}).") from None
    if len(frame) > limits.MAX_ROWS:
        raise _too_many_rows(filename, f"more than {limits.rows(limits.MAX_ROWS)}")
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
    utf16 = _utf16(content)
    if utf16 is not None:
        return utf16
    try:
        content.decode("utf-8")  # validates only; the decoded text is dropped at once
        return content, "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252").encode("utf-8"), "Windows-1252"
    except UnicodeDecodeError:
        return content.decode("latin-1").encode("utf-8"), "Latin-1"


def _utf16_codec(sample: bytes) -> tuple[str, str, int] | None:
    """The codec, its name and the length of its byte order mark when ``sample`` (the file's
    start) is UTF-16 text (Excel's "Unicode Text" export): told by the mark, or by NUL bytes at
    every other position of mostly ASCII text."""
    if sample[:2] == b"\xff\xfe":
        return "utf-16-le", "UTF-16 LE", 2
    if sample[:2] == b"\xfe\xff":
        return "utf-16-be", "UTF-16 BE", 2
    half = len(sample[:4096]) // 2
    if half < 2:
        return None
    odd, even = sample[1:4096:2].count(0), sample[0:4096:2].count(0)
    if odd > 0.9 * half and even < 0.1 * half:
        return "utf-16-le", "UTF-16 LE", 0
    if even > 0.9 * half and odd < 0.1 * half:
        return "utf-16-be", "UTF-16 BE", 0
    return None


def _utf16(content: bytes) -> tuple[bytes, str] | None:
    found = _utf16_codec(content)
    if found is None:
        return None
    codec, label, mark = found
    try:
        return content[mark:].decode(codec).encode("utf-8"), label
    except UnicodeDecodeError:
        return None


def _looks_binary(sample: str) -> bool:
    """Control characters other than tab and line ends, or NUL, in more than one character of a
    hundred: no export writes those, images and archives are full of them."""
    if "\x00" in sample:
        return True
    controls = sum(1 for c in sample if c not in "\t\r\n\x0c" and unicodedata.category(c) in ("Cc", "Cs", "Co"))
    return controls > len(sample) / 100


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


HEAD_BYTES = 65536  # the start of a text file its delimiter and header are told from


def sniff_header(head: str, filename: str) -> tuple[str, list[str]]:
    """The delimiter and the column names of a text file from its start (``HEAD_BYTES`` decoded);
    ``IngestError`` when it is no table."""
    if _looks_binary(head):
        raise IngestError(f"{filename} {NOT_A_TABLE}")
    sample = head.splitlines()[:50]
    try:
        delimiter = _sniff_delimiter(sample)
        header = next(csv.reader(sample[:1], delimiter=delimiter), [])
    except csv.Error:  # a line the csv module refuses (a lone carriage return in a field, say)
        raise IngestError(f"{filename} {NOT_A_TABLE}") from None
    if len(header) < 2:
        raise IngestError(f"{filename} is not a table: its first line has a single column. A customer data "
                          "file needs at least a customer, a date and an amount column, separated by commas, "
                          "semicolons or tabs.")
    return delimiter, _clean_headers(header)


def csv_options(names: list[str], delimiter: str, *, block_size: int, encoding: str = "utf8") -> tuple[Any, ...]:
    """pyarrow's read, parse and convert options for a text table: every cell as text, the header
    line skipped (``names`` replace it), empty lines kept (so row numbers stay lines)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    return (pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=block_size, encoding=encoding),
            pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False, invalid_row_handler=None),
            pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                                 quoted_strings_can_be_null=False))


def ragged_message(filename: str, error: Exception, bad_line: Callable[[], int | None]) -> str:
    """What to say about a table pyarrow refused (``bad_line``: finds the first line whose count
    of fields differs from the header's)."""
    match = re.search(r"Expected (\d+) columns, got (\d+)", str(error))
    where = ""
    if match:
        where = f" Line {bad_line()} has {match.group(2)} fields where the header has {match.group(1)}."
    return f"{filename} could not be read as a table.{where} Check the delimiter and quoting of that line."


def _read_text(content: bytes, filename: str) -> RawTable:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    data, encoding = _as_utf8(content)
    del content
    head = data[:HEAD_BYTES].decode("utf-8", errors="replace")
    if _looks_binary(head):
        raise IngestError(f"{filename} {NOT_A_TABLE}")
    lines_in_file = data.count(b"\n") + (not data.endswith(b"\n"))  # an upper bound of the rows, at once
    if lines_in_file - 1 > limits.MAX_ROWS:
        raise _too_many_rows(filename, f"{lines_in_file - 1:,} lines")
    delimiter, names = sniff_header(head, filename)
    read, parse, convert = csv_options(names, delimiter, block_size=1 << 24)
    try:
        table = pacsv.read_csv(io.BytesIO(data), read_options=read, parse_options=parse, convert_options=convert)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
        text = lambda: data.decode("utf-8", errors="replace")  # noqa: E731
        raise IngestError(ragged_message(filename, error, lambda: first_ragged_line(
            io.StringIO(text()), delimiter, len(names))), line=None) from None
    frame = table.to_pandas()
    lines = np.arange(2, len(frame) + 2)
    blank = (frame == "").all(axis=1).to_numpy()
    frame, lines = frame[~blank].reset_index(drop=True), lines[~blank]
    _check_rows(frame, filename)
    return RawTable(frame, lines, filename, "csv", encoding=encoding, delimiter=delimiter)


def first_ragged_line(text: Iterable[str], delimiter: str, width: int) -> int | None:
    """The number of the first line of ``text`` (lines, or an open text file) whose count of
    fields is not ``width``."""
    try:
        for number, row in enumerate(csv.reader(text, delimiter=delimiter), start=1):
            if row and len(row) != width:
                return number
    except csv.Error:
        return None
    return None


def _check_rows(frame: pd.DataFrame, filename: str) -> None:
    if len(frame.columns) == 0:
        raise IngestError(f"{filename} has no columns: is it really a table?")
    if len(frame) == 0:
        raise IngestError(f"{filename} has a header but no data rows.")

