"""Ingesting a file too big to hold: read in chunks, checked chunk by chunk, written as it goes.

``ingest_file`` reads a CSV/TSV/TXT file with pyarrow's streaming reader (``limits.STREAM_CHUNK_BYTES``
a block, about a million rows) or a Parquet file a row group batch at a time, runs on each chunk the
same checks as ``ingest.ingest`` (``ingest.check_rows``), appends the kept rows to a Parquet file
(the columns and types ``ingest.ingest``'s frame has, which is what a dataset stores) and adds the
chunks' reports up into one ``Report``: the same counts, reasons, lines (the first ones), notices and
exact totals as reading the file whole gives. Memory stays that of one chunk whatever the size.

Decisions reading the whole file makes on whole columns are made on the first chunk and held:
the column mapping (guessed from the first rows either way), the date rule (the first 500 dates
either way) and the decimal separator (voted by the whole column when read whole, by the first
chunk here). A later row that contradicts them (a "1.234,50" among point decimals, a date in
another order) is reported per row like any other bad cell; reading the file whole might have
voted differently. Exact repeats of an earlier row are found across chunks, exactly, by DuckDB over
the written file (rows grouped by a hash of their values, then the rows of groups with more than
one compared value by value), within ``limits.REPEATS_MEMORY_BYTES`` (it spills to disk beyond).

Excel workbooks are not streamed: an Excel sheet is limited in size anyway (``files``).
"""

from __future__ import annotations

import io
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from canvas.customer_data import limits
from canvas.customer_data.errors import IngestError
from canvas.customer_data.files import (
    HEAD_BYTES,
    RawTable,
    csv_options,
    first_ragged_line,
    is_parquet,
    is_workbook,
    ragged_message,
    sniff_header,
)
from canvas.customer_data.ingest import (
    DROPPED_REPEAT,
    Rules,
    canonical,
    check_rows,
    first_future_day,
    repeat_notice,
    stop_at_first,
)
from canvas.customer_data.mapping import check_mapping, fields_of, guess_mapping
from canvas.customer_data.report import SHOWN_LINES, AmountUnits, Problem, Report, amount_units, fill_totals

# Rows the decisions held for a whole file see at least (the first chunks are joined until there
# are as many): more than reading the file whole looks at to guess the columns (200 rows) and the
# date rule (500 dates), so both come out the same.
FIRST_ROWS = 1000

# Encodings tried in turn for a text file without a byte order mark, as ``files`` does for a whole
# file: pyarrow's name, the report's.
_ENCODINGS = (("utf8", "UTF-8"), ("cp1252", "Windows-1252"), ("latin-1", "Latin-1"))


@dataclass(frozen=True)
class Progress:
    """How far a streamed ingestion is: rows read so far, bytes of the file read of ``bytes_total``,
    seconds since it started, rows read per second, and the seconds left at that pace (None
    until a first chunk tells the pace). ``stage``: "reading" while chunks are checked, "repeats"
    while exact repeats are counted, "done"."""

    rows: int
    bytes_done: int
    bytes_total: int
    seconds: float
    stage: str = "reading"

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    @property
    def fraction(self) -> float:
        """The share of the file read, 0-1."""
        return min(1.0, self.bytes_done / self.bytes_total) if self.bytes_total else 1.0

    @property
    def seconds_left(self) -> float | None:
        if self.stage == "done":
            return 0.0
        if not self.bytes_done or self.seconds <= 0:
            return None
        return self.seconds * (self.bytes_total - self.bytes_done) / self.bytes_done

    def sentence(self) -> str:
        """ "1,234,567 rows read (25 %), 410,000 rows/s, about 30 s left"."""
        text = f"{self.rows:,} rows read ({self.fraction:.0%}), {self.rows_per_second:,.0f} rows/s"
        if self.stage == "repeats":
            return text + ", looking for repeated rows"
        left = self.seconds_left
        return text + ("" if left is None or self.stage == "done" else f", about {left:,.0f} s left")


@dataclass
class StreamResult:
    """A streamed ingestion: its report, the Parquet file of the kept rows (``path``, canonical
    columns as ``ingest.ingest``'s frame) and, when asked for, a CSV of the rejected rows (the
    file's cells with their ``line`` and ``problem``; None when no row was rejected)."""

    report: Report
    path: Path
    rejected_path: Path | None = None

    @property
    def rows(self) -> int:
        return self.report.rows_kept


def streams(path: str | Path) -> bool:
    """Whether ``path`` is ingested in chunks: a text or Parquet file holding more than
    ``limits.STREAM_FROM_BYTES`` of cells (a text file's size, a Parquet file's uncompressed
    size). Excel workbooks never are."""
    path = Path(path)
    if not path.is_file():
        return False
    with path.open("rb") as file:
        magic = file.read(4)
    if is_workbook(magic):
        return False
    if is_parquet(magic):
        import pyarrow.parquet as pq

        try:
            metadata = pq.ParquetFile(path).metadata
        except Exception:  # a damaged file: the whole-file reading says so  # noqa: BLE001
            return False
        size = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
        return size > limits.STREAM_FROM_BYTES
    return path.stat().st_size > limits.STREAM_FROM_BYTES


class _Throttled(io.RawIOBase):
    """A file pyarrow's reader may read only so far ahead of the chunks taken from it: its
    background thread would otherwise read the whole file into memory while the first chunk is
    checked. Counts the bytes read, for the progress."""

    def __init__(self, file: IO[bytes], ahead: int):
        self.file, self.count, self.allowed, self.ahead = file, 0, ahead, ahead
        self._moved = threading.Condition()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        with self._moved:  # a bound, not a lock step: after a while it reads on (it cannot deadlock)
            self._moved.wait_for(lambda: self.count < self.allowed, timeout=_READ_AHEAD_WAIT_SECONDS)
        read = self.file.readinto(buffer)  # type: ignore[attr-defined]
        self.count += read or 0
        return read

    @property
    def done(self) -> int:
        """Bytes of the chunks taken so far (about: a chunk is about a block)."""
        return min(self.count, self.allowed - self.ahead)

    def taken(self, nbytes: int) -> None:
        """A chunk of about ``nbytes`` was taken: the reader may read that much further."""
        with self._moved:
            self.allowed += nbytes
            self._moved.notify_all()


_READ_AHEAD_BLOCKS = 3  # blocks pyarrow may read beyond the chunks taken (it parses one while one is checked)
_READ_AHEAD_WAIT_SECONDS = 30.0  # a chunk takes 1-10 s; past this something else holds it up


@dataclass
class _Source:
    """A file opened for chunks: its chunks (cells, lines), how it was read, bytes read so far."""

    chunks: Iterator[tuple[pd.DataFrame, np.ndarray]]
    file_format: str
    encoding: str | None
    delimiter: str | None
    bytes_read: Callable[[], int]
    size: int


def _open_text(path: Path, filename: str, block_bytes: int, encoding: str, label: str) -> _Source:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with path.open("rb") as file:
        head = file.read(HEAD_BYTES)
    delimiter, names = sniff_header(head.decode(_python_codec(encoding), errors="replace"), filename)
    raw = path.open("rb")
    counting = _Throttled(raw, _READ_AHEAD_BLOCKS * block_bytes)
    read, parse, convert = csv_options(names, delimiter, block_size=block_bytes, encoding=encoding)

    def chunks() -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        start = 2  # the header is line 1
        try:
            reader = pacsv.open_csv(counting, read_options=read, parse_options=parse, convert_options=convert)
            for batch in reader:
                counting.taken(block_bytes)
                frame = batch.to_pandas()
                lines = np.arange(start, start + len(frame))
                start += len(frame)
                blank = (frame == "").all(axis=1).to_numpy()
                if blank.any():
                    frame, lines = frame[~blank].reset_index(drop=True), lines[~blank]
                if len(frame):
                    yield frame, lines
        except pa.ArrowInvalid as error:
            if "UTF8" in str(error) or "decode" in str(error):
                raise _WrongEncoding from None
            raise IngestError(ragged_message(filename, error, lambda: _ragged_line(path, encoding, delimiter,
                                                                                   len(names))), line=None) from None
        except UnicodeDecodeError:  # a transcoded file with a byte its encoding does not have
            raise _WrongEncoding from None
        finally:
            raw.close()

    return _Source(chunks(), "csv", label, delimiter, lambda: counting.done, path.stat().st_size)


class _WrongEncoding(Exception):
    """The text is not in the encoding tried: the next one is."""


def _python_codec(encoding: str) -> str:
    return {"utf8": "utf-8"}.get(encoding, encoding)


def _ragged_line(path: Path, encoding: str, delimiter: str, width: int) -> int | None:
    with path.open(encoding=_python_codec(encoding), errors="replace", newline="") as text:
        return first_ragged_line(text, delimiter, width)


def _open_parquet(path: Path, filename: str, batch_rows: int) -> _Source:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as error:  # a damaged file: pyarrow raises several kinds
        raise IngestError(f"{filename} could not be read as Parquet ({error}).") from None
    total = max(parquet.metadata.num_rows, 1)
    size = path.stat().st_size
    done = [0]

    def chunks() -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        try:
            for batch in parquet.iter_batches(batch_size=batch_rows):
                frame = pa.Table.from_batches([batch], schema=parquet.schema_arrow).to_pandas()
                yield frame, np.arange(done[0] + 1, done[0] + len(frame) + 1)
                done[0] += len(frame)
        except (OSError, pa.ArrowException) as error:
            raise IngestError(f"{filename} could not be read as Parquet ({error}).") from None
        finally:
            parquet.close()

    return _Source(chunks(), "parquet", None, None, lambda: size * done[0] // total, size)


def _open(path: Path, filename: str, block_bytes: int, attempt: int) -> _Source:
    """The file's chunks; ``attempt``: which of ``_ENCODINGS`` a text file without a byte order
    mark is read in."""
    from canvas.customer_data.files import NOT_A_TABLE, _utf16_codec

    with path.open("rb") as file:
        head = file.read(HEAD_BYTES)
    if not head.strip():
        raise IngestError(f"{filename} is empty: export the data again and upload the file with its rows.")
    if is_parquet(head):
        return _open_parquet(path, filename, max(1, block_bytes // 64))
    if is_workbook(head):
        raise IngestError(f"{filename} is an Excel workbook: it is read whole, not in chunks.")  # see streams()
    if head.startswith(b"\xef\xbb\xbf"):
        return _open_text(path, filename, block_bytes, "utf8", "UTF-8 with BOM")
    utf16 = _utf16_codec(head)
    if utf16 is not None:
        return _open_text(path, filename, block_bytes, utf16[0], utf16[1])
    if b"\x00" in head[:4096]:
        raise IngestError(f"{filename} {NOT_A_TABLE}")
    encoding, label = _ENCODINGS[attempt]
    return _open_text(path, filename, block_bytes, encoding, label)


def ingest_file(path: str | Path, out_path: str | Path, kind: str = "transactions",
                mapping: Mapping[str, str | None] | None = None, *, strict: bool = False,
                today: date | None = None, drop_duplicates: bool = False, filename: str | None = None,
                rejected_path: str | Path | None = None, chunk_bytes: int | None = None,
                first_rows: int | None = None, progress: Callable[[Progress], None] | None = None) -> StreamResult:
    """Ingest ``path`` in chunks into the Parquet file ``out_path`` (what ``ingest.load`` does with
    the file held whole: the same mapping rule, checks, report and rows).

    ``mapping`` may name some fields only: the others are guessed from the file's first rows.
    ``chunk_bytes``: bytes of text per chunk (``limits.STREAM_CHUNK_BYTES``; a Parquet file is
    read in batches of ``chunk_bytes // 64`` rows); the first chunk has at least ``first_rows``
    rows (``FIRST_ROWS``; the decisions held for the file are made on it). ``progress`` is called
    after every chunk and once at the end. ``rejected_path``: where to write the rows with a bad
    cell as CSV (none by default; repeats dropped as asked are named in the report only, their
    cells as read are gone by the time the repeats are known). Raises ``IngestError`` as the
    whole-file reading does; the output file is then removed."""
    path, out_path = Path(path), Path(out_path)
    filename = filename or path.name
    if not path.is_file():
        raise IngestError(f"There is no file {str(path)!r}.")
    size = path.stat().st_size
    if size > limits.MAX_STREAMED_FILE_BYTES:
        raise IngestError(f"{filename} is larger than {limits.megabytes(limits.MAX_STREAMED_FILE_BYTES)} "
                          f"({limits.megabytes(size)}), the limit for one file: split it by date (a year per file, "
                          "say) or save it as Parquet, which is several times smaller.")
    block_bytes = chunk_bytes or limits.STREAM_CHUNK_BYTES
    for attempt in range(len(_ENCODINGS)):
        try:
            source = _open(path, filename, block_bytes, attempt)
            source.chunks = _first_at_least(source.chunks, FIRST_ROWS if first_rows is None else first_rows)
            return _ingest(source, out_path, kind, mapping, strict=strict,
                           today=today, drop_duplicates=drop_duplicates, filename=filename,
                           rejected_path=Path(rejected_path) if rejected_path else None, progress=progress)
        except _WrongEncoding:
            continue
        except BaseException:
            out_path.unlink(missing_ok=True)
            raise
    raise IngestError(f"{filename} is not text in any encoding we know: save it as UTF-8 CSV.")  # latin-1 reads all


def _first_at_least(chunks: Iterator[tuple[pd.DataFrame, np.ndarray]],
                    rows: int) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
    """The chunks, the first ones joined until they hold ``rows`` rows (or the file ends)."""
    frames: list[pd.DataFrame] = []
    lines: list[np.ndarray] = []
    for frame, numbers in chunks:
        frames.append(frame)
        lines.append(numbers)
        if sum(map(len, frames)) >= rows:
            break
    if frames:
        yield (frames[0], lines[0]) if len(frames) == 1 else (pd.concat(frames, ignore_index=True),
                                                               np.concatenate(lines))
    yield from chunks


class _Totals:
    """The chunks' checks added up: counts and first lines per check (same order in every chunk),
    exact amounts per check, rows read, kept and refunds."""

    def __init__(self) -> None:
        self.checks: list[Problem] = []
        self.amounts: AmountUnits | None = None
        self.rows_read = self.rows_kept = self.refunds = 0

    def add(self, checks: list[Problem], amounts: AmountUnits | None) -> None:
        if not self.checks:
            self.checks = [Problem(c.kind, c.message, [], 0, c.column, c.outcome) for c in checks]
        for total, check in zip(self.checks, checks, strict=True):
            total.count += check.count
            total.lines.extend(check.lines[:SHOWN_LINES - len(total.lines)])
        if amounts is not None:
            self.amounts = amounts if self.amounts is None else self.amounts.plus(amounts)


def _ingest(source: _Source, out_path: Path, kind: str, mapping: Mapping[str, str | None] | None, *,
            strict: bool, today: date | None, drop_duplicates: bool, filename: str, rejected_path: Path | None,
            progress: Callable[[Progress], None] | None) -> StreamResult:
    import pyarrow as pa

    started = time.perf_counter()
    fields = fields_of(kind)
    before = first_future_day(today)
    rules, totals = Rules(), _Totals()
    report = Report(kind=kind, rows_read=0)
    report.detected.update({"format": source.file_format, "encoding": source.encoding, "delimiter":
                            {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(source.delimiter or "")})

    def tell(stage: str) -> None:
        if progress is not None:
            progress(Progress(totals.rows_read, source.bytes_read() if stage == "reading" else source.size,
                              source.size, time.perf_counter() - started, stage))

    writer: _BackgroundWriter | None = None
    checked_mapping: dict[str, str | None] = {}
    rejected_header = True
    with tempfile.TemporaryDirectory(prefix="canvas-stream-", dir=out_path.parent) as work:
        lines_path = Path(work) / "lines.int64"
        try:
            with lines_path.open("wb") as kept_lines:
                for frame, lines in source.chunks:
                    if writer is None:  # the first chunk: the decisions held for the rest
                        first = RawTable(frame, lines, filename, source.file_format, source.encoding, source.delimiter)
                        guessed = guess_mapping(first, kind)
                        chosen = guessed if mapping is None else {**guessed, **mapping}
                        checked_mapping = check_mapping(first, kind, fields, chosen)
                    checked = check_rows(frame, lines, kind, checked_mapping, european=source.delimiter == ";",
                                         before=before, rules=rules)
                    if writer is None:
                        report.detected.update(checked.detected)
                    if strict:
                        stop_at_first(checked.checks)
                    keep = checked.bad == 0
                    amounts = None
                    if "amount" in checked.out:
                        amounts = amount_units(checked.out["amount"].to_numpy(dtype=float), checked.bad,
                                               len(checked.checks))
                    totals.add(checked.checks, amounts)
                    kept = canonical(checked.out, keep, kind)
                    table = pa.Table.from_pandas(kept, preserve_index=False,
                                                 schema=None if writer is None else writer.schema)
                    if writer is None:
                        writer = _BackgroundWriter(out_path, table.schema)
                    if len(kept):
                        writer.write(table)
                    lines[keep].astype(np.int64).tofile(kept_lines)
                    totals.rows_read += len(frame)
                    totals.rows_kept += len(kept)
                    if kind == "transactions":
                        totals.refunds += int((kept["amount"] < 0).sum())
                    if rejected_path is not None and not keep.all():
                        reasons = np.asarray([""] + [c.message for c in checked.checks], dtype=object)
                        rejected = frame[~keep].copy()
                        rejected.insert(0, "line", lines[~keep])
                        rejected.insert(1, "problem", reasons[checked.bad[~keep]])
                        rejected.to_csv(rejected_path, mode="w" if rejected_header else "a", index=False,
                                        header=rejected_header)
                        rejected_header = False
                    tell("reading")
        finally:
            if writer is not None:
                writer.close()
        if writer is None:
            raise IngestError(f"{filename} has a header but no data rows.")
        tell("repeats")
        repeats = _repeats(out_path, Path(work), list(canonical_columns(kind, checked_mapping)),
                           everything=drop_duplicates)
        kept_lines_map = np.memmap(lines_path, dtype=np.int64, mode="r") if totals.rows_kept else np.zeros(0, np.int64)
        shown = [int(x) for x in kept_lines_map[repeats.first]]
        problems = [c for c in totals.checks if c.count]
        numbers = [i for i, c in enumerate(totals.checks, start=1) if c.count]
        sums = totals.amounts
        if sums is not None:
            sums = AmountUnits([sums.per_reason[0]] + [sums.per_reason[i] for i in numbers], sums.scale,
                               sums.unreadable)
        if repeats.count and drop_duplicates:
            dropped = _drop_rows(out_path, repeats.rows, kind, sums.scale if sums else 1)
            problems.append(Problem("duplicate", DROPPED_REPEAT, shown, repeats.count, None))
            totals.rows_kept -= repeats.count
            totals.refunds -= dropped.refunds
            if sums is not None:
                sums = AmountUnits([sums.per_reason[0] - dropped.units] + sums.per_reason[1:] + [dropped.units],
                                   sums.scale, sums.unreadable)
        elif repeats.count:
            report.notices.append(repeat_notice(kind, bool(checked_mapping.get("order_id")), repeats.count,
                                                shown))
        del kept_lines_map
    report.problems = problems
    report.rows_read, report.rows_kept = totals.rows_read, totals.rows_kept
    if kind == "transactions":
        report.refunds = totals.refunds
    if sums is not None:
        fill_totals(report, sums)
    tell("done")
    return StreamResult(report, out_path, rejected_path if not rejected_header else None)


class _BackgroundWriter:
    """Appends tables to a Parquet file on another thread (pyarrow lets go of the GIL while it
    encodes and compresses), so the next chunk is checked meanwhile; one table at a time, so at
    most one chunk waits in memory."""

    def __init__(self, path: Path, schema: Any):
        import pyarrow.parquet as pq

        self.schema = schema
        self._writer = pq.ParquetWriter(path, schema)
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="canvas-parquet")
        self._pending: Future | None = None

    def write(self, table: Any) -> None:
        self._wait()
        self._pending = self._pool.submit(self._writer.write_table, table)

    def _wait(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def close(self) -> None:
        try:
            self._wait()
        finally:
            self._writer.close()
            self._pool.shutdown()


def canonical_columns(kind: str, mapping: Mapping[str, str | None]) -> list[str]:
    """The canonical frame's columns for ``kind`` and a mapping, in ``ingest.ingest``'s order."""
    names = {"period": "period_start"}
    columns = [names.get(f.name, f.name) for f in fields_of(kind) if mapping.get(f.name)]
    if kind == "surveys":
        columns += [n for n in ("nps", "csat") if n not in columns]
    return columns


@dataclass
class _Repeats:
    """Rows (their positions in the written file) repeating an earlier row exactly: how many, the
    first ``SHOWN_LINES`` of them, and all of them when asked (else empty)."""

    count: int
    first: np.ndarray
    rows: np.ndarray


def _repeats(path: Path, work: Path, columns: list[str], *, everything: bool) -> _Repeats:
    """The exact repeats among the rows of the Parquet file ``path``, by DuckDB: rows are grouped
    by a hash of their values first (one number a row: fast, and few groups have two rows), then
    the rows of the groups that do are compared value by value, in file order (the first of equal
    rows is no repeat, as ``pandas.DataFrame.duplicated``)."""
    import duckdb

    quoted = ", ".join(f'"{c}"' for c in columns)
    connection = duckdb.connect(config={"memory_limit": f"{limits.REPEATS_MEMORY_BYTES // 2**20}MB",
                                        "temp_directory": str(work / "duckdb"), "threads": 2,
                                        "preserve_insertion_order": False})
    try:
        source = f"read_parquet('{_sql_text(path)}', file_row_number = true)"
        connection.execute(f"CREATE TEMP TABLE twice AS SELECT hash({quoted}) AS h FROM {source} "
                           "GROUP BY h HAVING count(*) > 1")
        connection.execute(
            f"CREATE TEMP TABLE repeats AS SELECT file_row_number AS row FROM ("
            f"SELECT file_row_number, row_number() OVER (PARTITION BY {quoted} ORDER BY file_row_number) AS n "
            f"FROM {source} WHERE hash({quoted}) IN (SELECT h FROM twice)) WHERE n > 1")
        count_row = connection.execute("SELECT count(*) FROM repeats").fetchone()
        count = int(count_row[0]) if count_row else 0
        first = connection.execute(f"SELECT row FROM repeats ORDER BY row LIMIT {SHOWN_LINES}").fetchnumpy()["row"]
        rows = (connection.execute("SELECT row FROM repeats ORDER BY row").fetchnumpy()["row"] if everything and count
                else np.zeros(0, dtype=np.int64))
    finally:
        connection.close()
    return _Repeats(count, np.asarray(first, dtype=np.int64), np.asarray(rows, dtype=np.int64))


def _sql_text(path: Path) -> str:
    return str(path).replace("'", "''")


@dataclass
class _Dropped:
    units: int  # their amounts, in whole units of the report's scale
    refunds: int


def _drop_rows(path: Path, rows: np.ndarray, kind: str, scale: int) -> _Dropped:
    """Rewrite the Parquet file ``path`` without the rows at positions ``rows`` (sorted); their
    amounts and refunds, for the report."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    partial = path.with_suffix(".dropping")
    units = refunds = 0
    start = 0
    with pq.ParquetFile(path) as source:
        writer = pq.ParquetWriter(partial, source.schema_arrow)
        try:
            for batch in source.iter_batches(batch_size=1 << 20):
                end = start + batch.num_rows
                mine = rows[np.searchsorted(rows, start):np.searchsorted(rows, end)] - start
                drop = np.zeros(batch.num_rows, dtype=bool)
                drop[mine] = True
                if "amount" in batch.schema.names:
                    amounts = batch.column("amount").to_numpy(zero_copy_only=False)[drop]
                    units += int(np.rint(amounts * scale).astype(np.int64).sum())
                    if kind == "transactions":
                        refunds += int((amounts < 0).sum())
                writer.write_table(pa.Table.from_batches([batch]).filter(pa.array(~drop)))
                start = end
        finally:
            writer.close()
    partial.replace(path)
    return _Dropped(units, refunds)


def read_frame(result: StreamResult) -> pd.DataFrame:
    """The kept rows of a streamed ingestion as a pandas DataFrame (for files that fit memory)."""
    return pd.read_parquet(result.path)




def read_head(path: str | Path, *, filename: str | None = None, rows: int = 200) -> RawTable:
    """The first ``rows`` rows of a big file as cells, for the column choices, without reading the
    rest (a text file's first megabyte or so, a Parquet file's first batch)."""
    path = Path(path)
    filename = filename or path.name
    for attempt in range(len(_ENCODINGS)):
        try:
            source = _open(path, filename, 1 << 20, attempt)
            for frame, lines in source.chunks:
                return RawTable(frame.head(rows), lines[:rows], filename, source.file_format, source.encoding,
                                source.delimiter)
            raise IngestError(f"{filename} has a header but no data rows.")
        except _WrongEncoding:
            continue
    raise IngestError(f"{filename} is not text in any encoding we know: save it as UTF-8 CSV.")


def segment_values_of(path: str | Path) -> list[str]:
    """The distinct segment values of an ingested Parquet file (``ingest_file``'s), most frequent
    first (as ``linking.segment_values`` of its frame), read a row group at a time."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    if "segment" not in parquet.schema_arrow.names:
        return []
    counts: dict[str, int] = {}
    for group in range(parquet.num_row_groups):
        column = parquet.read_row_group(group, columns=["segment"]).column("segment")
        for entry in pc.value_counts(column.combine_chunks()).to_pylist():
            if entry["values"] is not None:
                counts[entry["values"]] = counts.get(entry["values"], 0) + entry["counts"]
    return [str(v) for v, _ in sorted(counts.items(), key=lambda item: -item[1])]


def preview(path: str | Path, rows: int = 20) -> pd.DataFrame:
    """The first ``rows`` rows of an ingested Parquet file."""
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    if not parquet.num_row_groups:
        return pd.read_parquet(path)
    return parquet.read_row_group(0).slice(0, rows).to_pandas()
