"""Files a hostile or unlucky user uploads: refused before the expensive work, with a message
naming the limit, or read; never a traceback, never infinite amounts in the metrics."""

from __future__ import annotations

import random
import time
import tracemalloc
from datetime import date

import pytest

from canvas.customer_data import ingest, limits
from canvas.customer_data.ingest import IngestError
from tests.customer_data.hostile import parquet_of_rows, workbook, xlsx_bomb

TODAY = date(2026, 11, 22)


def load_bytes(content: bytes, name: str = "upload.csv", kind: str = "transactions", mapping=None):
    return ingest.ingest(ingest.read_table(content, filename=name), kind, mapping, today=TODAY)


def refused(content: bytes, name: str) -> tuple[str, float, int]:
    """The message refusing ``content``, the seconds and the peak bytes (Python's) it took."""
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(IngestError) as caught:
        ingest.read_table(content, filename=name)
    took = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return str(caught.value), took, peak


# --- Limits checked before the work ------------------------------------------------------------

def test_an_xlsx_zip_bomb_is_refused_from_its_central_directory_at_once():
    bomb = xlsx_bomb(600 * 2**20)  # 2 MB on disk, 600 MB of sheet
    assert len(bomb) < 3e6
    message, took, peak = refused(bomb, "bomb.xlsx")
    assert took < 0.5 and peak < 20e6
    assert "bomb.xlsx" in message and "uncompress to 629 MB" in message
    assert f"limit of {limits.megabytes(limits.MAX_XLSX_UNCOMPRESSED_BYTES)}" in message
    assert "CSV" in message  # what to do


def test_a_zip_entry_compressed_far_beyond_any_real_workbook_is_refused():
    bomb = xlsx_bomb(100 * 2**20)  # under the size limit, but 290 times smaller on disk
    message, took, _ = refused(bomb, "dense.xlsx")
    assert took < 0.5
    assert f"{limits.MAX_COMPRESSION_RATIO}" in message and "times" in message


def test_a_parquet_file_announcing_millions_of_rows_is_refused_from_its_metadata():
    content = parquet_of_rows(limits.MAX_ROWS + 1)
    assert len(content) < 1e6
    message, took, peak = refused(content, "many.parquet")
    assert took < 0.5 and peak < 20e6
    assert "6,000,001 rows" in message and "limit of 6,000,000 rows" in message


def test_text_files_over_the_row_limit_are_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 1000)
    content = b"customer,date,amount\n" + b"c1,2024-01-01,10\n" * 1001
    message, _, _ = refused(content, "rows.csv")
    assert "1,000 rows" in message and "split" in message
    load_bytes(b"customer,date,amount\n" + b"c1,2024-01-01,10\n" * 1000)  # at the limit: read


def test_workbooks_over_the_row_limit_are_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 5)
    content = workbook([["customer", "date", "amount"]] + [["c1", "2024-01-01", 10]] * 6)
    message, _, _ = refused(content, "rows.xlsx")
    assert "5 rows" in message
    assert load_bytes(workbook([["customer", "date", "amount"]] + [["c1", "2024-01-01", 10]] * 5),
                      "ok.xlsx").report.rows_kept == 5


def test_files_over_the_byte_limit_are_refused_before_reading(monkeypatch, tmp_path):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1000)
    content = b"customer,date,amount\n" + b"c1,2024-01-01,10\n" * 100
    message, _, _ = refused(content, "big.csv")
    assert "big.csv" in message and "larger than" in message
    path = tmp_path / "big.csv"
    path.write_bytes(content)
    monkeypatch.setattr(type(path), "read_bytes", lambda self: pytest.fail("read before the size check"))
    with pytest.raises(IngestError, match="larger than"):
        ingest.read_table(path)


def test_the_limits_are_named_constants_with_the_benchmarked_figures():
    assert limits.MAX_ROWS == 6_000_000 > 5_117_131  # the rows of the "5M" benchmark file
    assert limits.MAX_FILE_BYTES >= 341e6  # its bytes


# --- Infinite amounts ---------------------------------------------------------------------------

@pytest.mark.parametrize("delimiter", [",", ";"])
def test_infinite_amounts_are_refused_per_row_with_their_lines(delimiter):
    rows = ["customer,date,amount", "c1,2024-01-01,inf", "c2,2024-01-02,Infinity", "c3,2024-01-03,1e309",
            "c4,2024-01-04,-inf", "c5,2024-01-05,10"]
    result = load_bytes("\n".join(rows).replace(",", delimiter).encode())
    assert result.frame["amount"].tolist() == [10.0]
    [problem] = result.report.problems
    assert problem.kind == "bad_amount" and problem.lines == [2, 3, 4, 5]
    assert result.report.file_total == 10.0 and result.report.counted_total == 10.0


def test_amounts_beyond_the_limit_are_refused_per_row_and_the_totals_stay_finite():
    # Found by the fuzz test: 1.8e306 is finite, but in cents it is not (OverflowError in the totals).
    rows = ["customer,date,amount", "c1,2024-01-01,1.797693134862316e+306", "c2,2024-01-02,-2000000000",
            "c3,2024-01-03,1000000000", "c4,2024-01-04,10"]
    result = load_bytes("\n".join(rows).encode())
    assert result.frame["amount"].tolist() == [1_000_000_000.0, 10.0]  # the limit itself is an amount
    [problem] = result.report.problems
    assert problem.kind == "bad_amount" and problem.lines == [2, 3]
    assert f"beyond ±{limits.MAX_AMOUNT:,}" in problem.message
    assert result.report.file_total == result.report.counted_total == 1_000_000_010.0


def test_infinite_amounts_in_parquet_and_excel_are_refused_too():
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"customer": ["c1", "c2"], "date": ["2024-01-01", "2024-01-02"],
                      "amount": [float("inf"), 5.0]})
    out = io.BytesIO()
    pq.write_table(table, out)
    for content, name, line in ((out.getvalue(), "f.parquet", 1),  # Parquet rows count from 1: no header
                                (workbook([["customer", "date", "amount"], ["c1", "2024-01-01", "1e309"],
                                           ["c2", "2024-01-02", 5]]), "f.xlsx", 2)):
        result = load_bytes(content, name)
        assert result.frame["amount"].tolist() == [5.0], name
        assert [p.lines for p in result.report.problems] == [[line]], name


# --- Encodings and binary files -----------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_unicode_text_from_excel_is_read(encoding):
    text = "Kunde\tDatum\tBetrag\nK-ä1\t2024-01-05\t10.5\nK-2\t2024-02-06\t3\n"
    content = text.encode(encoding)
    result = load_bytes(content, "unicode.txt")
    assert result.frame["customer_id"].tolist() == ["K-ä1", "K-2"]
    assert result.frame["amount"].tolist() == [10.5, 3.0]
    assert result.report.detected["encoding"].startswith("UTF-16")
    assert result.report.detected["delimiter"] == "tab"


@pytest.mark.parametrize("seed", range(5))
def test_binary_files_without_nul_bytes_get_a_clear_message(seed):
    generator = random.Random(seed)
    content = bytes(generator.randrange(1, 256) for _ in range(20_000))
    message, _, _ = refused(content, "photo.jpg")
    assert "not a text, Excel or Parquet file" in message


def test_every_byte_but_nul_repeated_is_not_a_table():
    message, _, _ = refused(bytes(range(1, 256)) * 40, "bytes.bin")
    assert "not a text, Excel or Parquet file" in message


# --- Dates beyond pandas' range ------------------------------------------------------------------

@pytest.mark.parametrize("cell", ["2262-05-01", "9999-12-31", "31/12/9999", "9999-12-31T10:00:00+02:00",
                                  "0001-01-01", "1500-06-01 10:00"])
def test_dates_beyond_the_nanosecond_range_are_a_problem_per_row(cell):
    other = "13/01/2024" if "/" in cell else "2024-01-13"
    result = load_bytes(f"customer,date,amount\nc1,{cell},10\nc2,{other},5\n".encode())
    assert result.frame["amount"].tolist() == [5.0]
    [problem] = result.report.problems
    assert problem.lines == [2] and problem.column == "date"
    assert "1678" in problem.message and "2261" in problem.message


def test_dates_beyond_the_range_in_parquet_and_excel_are_a_problem_per_row():
    import datetime
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    day = pa.array([datetime.date(9999, 12, 31), datetime.date(2024, 1, 1)], pa.date32())
    stamp = pa.array([datetime.datetime(9999, 12, 31), datetime.datetime(2024, 1, 1)], pa.timestamp("us"))
    files = []
    for dates in (day, stamp):
        out = io.BytesIO()
        pq.write_table(pa.table({"customer": ["c1", "c2"], "date": dates, "amount": [1.0, 2.0]}), out)
        files.append((out.getvalue(), "f.parquet", 1))
    files.append((workbook([["customer", "date", "amount"], ["c1", datetime.datetime(9999, 12, 31), 1],
                            ["c2", datetime.datetime(2024, 1, 1), 2]]), "f.xlsx", 2))
    out = io.BytesIO()  # Excel serial numbers: 2958465 is 9999-12-31
    pq.write_table(pa.table({"customer": ["c1", "c2"], "date": [2958465.0, 45000.0], "amount": [1.0, 2.0]}), out)
    files.append((out.getvalue(), "serial.parquet", 1))
    for content, name, line in files:
        result = load_bytes(content, name, mapping={"customer_id": "customer", "date": "date", "amount": "amount"})
        assert result.frame["amount"].tolist() == [2.0], name
        assert [p.lines for p in result.report.problems] == [[line]], name
