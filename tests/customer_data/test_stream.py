"""Streamed ingestion: a file read in chunks gives the rows and the report reading it whole gives."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canvas.customer_data import ingest, stream
from canvas.customer_data.errors import IngestError

TODAY = date(2026, 11, 22)

# Files whose tricky rows sit in later chunks when read 64 bytes at a time.
FILES = {
    "repeats across chunks": "customer,date,amount\n" + "c1,2024-01-01,10.00\nc2,2024-01-02,5.5\n" * 30,
    "bad rows late": ("customer,date,amount,segment\n" + "".join(f"c{i},2024-01-{i % 28 + 1:02d},{i}.25,S{i % 3}\n"
                                                               for i in range(60))
                      + ",2024-02-01,1,S\nc9,someday,2,S\nc9,2024-02-01,ten,S\nc9,2031-01-01,4.125,S\n"
                      + "c9,9999-12-31,3,S\n"),
    "decimal commas": ("Kundennummer;Bestelldatum;Betrag;Segment\n"
                       + "K-1;31.01.2024;1.234,50 €;Bäckereien\nK-2;01.02.2024;99,90 €;Büros\n" * 20
                       + "K-3;02.02.2024;7,5;Büros\nK-3;02.02.2024;(12,00);Büros\n"),
    "quoted fields": ('order,customer,date,amount\n'
                      + "".join(f'"A{i}","Smith, {i % 4}","2024-03-{i % 9 + 1:02d}","1,{i:03d}.50"\n'
                                for i in range(40))
                      + '"A1","Smith, 1","2024-03-02","1,001.50"\n"A9","Line\nbreak","2024-03-05","3.00"\n'),
    "month first with time": ("email,created at,total\n"
                              + "".join(f"u{i}@x.org,01/{i % 12 + 13}/2024 10:{i % 60:02d},{i % 7}.00\n"
                                        for i in range(50))),
}
# A day-first date among month-first ones: reading whole, the date rule sees it among the first 500.
CONTRADICTING = (FILES["month first with time"] + "u1@x.org,13/12/2024 10:00,1.00\n"
                 + "u2@x.org,01/20/2024 10:00,2\n" * 9)


def whole_and_streamed(tmp_path, text: str, encoding: str = "utf-8", chunk_bytes: int = 64, first_rows: int = 20,
                       **options):
    path = tmp_path / "orders.csv"
    path.write_bytes(text.encode(encoding))
    whole = ingest.load(path, today=TODAY, **options)
    calls: list[stream.Progress] = []
    streamed = stream.ingest_file(path, tmp_path / "rows.parquet", today=TODAY, chunk_bytes=chunk_bytes,
                                  first_rows=first_rows, progress=calls.append,
                                  rejected_path=tmp_path / "rejected.csv", **options)
    return whole, streamed, calls


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("drop_duplicates", [False, True])
def test_a_file_in_small_chunks_gives_the_rows_and_report_of_the_whole_file(tmp_path, name, drop_duplicates):
    whole, streamed, calls = whole_and_streamed(tmp_path, FILES[name], drop_duplicates=drop_duplicates)
    assert len(calls) > 3  # it did read in chunks
    assert streamed.report.to_dict() == whole.report.to_dict()
    pd.testing.assert_frame_equal(pd.read_parquet(streamed.path), whole.frame)


def test_decisions_are_made_on_the_first_rows_and_held(tmp_path):
    whole, streamed, _ = whole_and_streamed(tmp_path, CONTRADICTING, first_rows=1000)
    assert "day-first" in whole.report.detected["date_format"]  # voted by the one day-first date
    assert streamed.report.to_dict() == whole.report.to_dict()  # the first rows held all of them
    _, held, _ = whole_and_streamed(tmp_path, CONTRADICTING, first_rows=20)
    assert "month-first" in held.report.detected["date_format"]
    [problem] = held.report.problems  # the contradicting row, reported like any unreadable date
    assert (problem.kind, problem.lines) == ("bad_date", [52])


def test_repeats_across_chunks_are_counted_and_named(tmp_path):
    _, streamed, _ = whole_and_streamed(tmp_path, FILES["repeats across chunks"])
    [notice] = streamed.report.notices
    assert notice.count == 58 and notice.lines[:3] == [4, 5, 6] and len(notice.lines) == 20
    _, dropped, _ = whole_and_streamed(tmp_path, FILES["repeats across chunks"], drop_duplicates=True)
    assert dropped.report.rows_kept == 2 and dropped.report.counted_total == 15.5
    assert dropped.report.skipped_totals == {"duplicate": 29 * 15.5}


def test_rejected_rows_are_written_with_their_lines_and_reasons(tmp_path):
    whole, streamed, _ = whole_and_streamed(tmp_path, FILES["bad rows late"])
    rejected = pd.read_csv(streamed.rejected_path, dtype=str, keep_default_na=False)
    assert rejected["line"].astype(int).tolist() == whole.rejected["line"].tolist() == [62, 63, 64, 65, 66]
    assert rejected["problem"].tolist() == whole.rejected["problem"].tolist()


def test_windows_1252_found_late_restarts_in_that_encoding(tmp_path):
    text = "customer;date;amount\n" + "c1;01.02.2024;1,00\n" * 50 + "Bäckerei;01.02.2024;2,00\n"
    whole, streamed, _ = whole_and_streamed(tmp_path, text, encoding="cp1252")
    assert streamed.report.detected["encoding"] == "Windows-1252"
    assert streamed.report.to_dict() == whole.report.to_dict()


def test_progress_counts_up_to_the_file(tmp_path):
    _, streamed, calls = whole_and_streamed(tmp_path, FILES["bad rows late"])
    size = (tmp_path / "orders.csv").stat().st_size
    reading = [c for c in calls if c.stage == "reading"]
    assert [c.rows for c in reading] == sorted(c.rows for c in reading)
    assert all(0 < c.bytes_done <= size == c.bytes_total and c.seconds >= 0 for c in reading)
    assert all(c.seconds_left is None or c.seconds_left >= 0 for c in calls)
    assert calls[-1].stage == "done" and calls[-1].rows == streamed.report.rows_read == 65
    assert calls[-1].fraction == 1 and calls[-1].seconds_left == 0
    assert "rows/s" in calls[-1].sentence()


def test_strict_stops_at_the_first_bad_row_of_a_later_chunk(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(FILES["bad rows late"])
    with pytest.raises(IngestError, match="line 62"):
        stream.ingest_file(path, tmp_path / "rows.parquet", today=TODAY, strict=True, chunk_bytes=64, first_rows=1)
    assert not (tmp_path / "rows.parquet").exists()


def test_a_ragged_line_in_a_later_chunk_is_named(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("customer,date,amount\n" + "c1,2024-01-01,1\n" * 40 + "c2,2024-01-02,1,extra\n")
    with pytest.raises(IngestError, match="Line 42 has 4 fields"):
        stream.ingest_file(path, tmp_path / "rows.parquet", today=TODAY, chunk_bytes=64)


def test_parquet_in_batches(tmp_path):
    frame = pd.DataFrame({"customer_id": ["a", "b", "a", ""] * 10,
                          "order_date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01", "2024-01-03"] * 10),
                          "amount": [1.0, 2.0, 1.0, 3.0] * 10})
    path = tmp_path / "orders.parquet"
    frame.to_parquet(path)
    whole = ingest.load(path, today=TODAY)
    streamed = stream.ingest_file(path, tmp_path / "rows.parquet", today=TODAY, chunk_bytes=64 * 3, first_rows=1)
    assert streamed.report.to_dict() == whole.report.to_dict()
    pd.testing.assert_frame_equal(pd.read_parquet(streamed.path), whole.frame)


def test_only_big_text_and_parquet_files_stream(tmp_path, monkeypatch):
    from canvas.customer_data import limits

    path = tmp_path / "orders.csv"
    path.write_text(FILES["bad rows late"])
    assert not stream.streams(path)
    monkeypatch.setattr(limits, "STREAM_FROM_BYTES", 100)
    assert stream.streams(path)
    (tmp_path / "book.xlsx").write_bytes(b"PK\x03\x04" + b"\0" * 200)
    assert not stream.streams(tmp_path / "book.xlsx")


CELLS = st.sampled_from(["c1", "c2", "", " c3 ", "Émile"])
AMOUNTS = st.sampled_from(["10", "10.00", "0.1", "-3.50", "ten", "", "1e400", "2000000000", "7.125"])
DATES = st.sampled_from(["2024-01-05", "2024-01-05 10:00:00", "", "2031-01-01", "9999-12-31", "2024-13-45"])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(CELLS, DATES, AMOUNTS), min_size=1, max_size=40), chunk=st.integers(32, 200),
       drop=st.booleans())
def test_any_chunk_size_gives_the_whole_file_result(tmp_path, rows, chunk, drop):
    text = "customer,date,amount\n" + "".join(f'"{c}",{d},{a}\n' for c, d, a in rows)
    if not any(d for _, d, _ in rows[:1]):  # the date rule is decided on the first dates either way
        rows[0] = (rows[0][0], "2024-01-05", rows[0][2])
        text = "customer,date,amount\n" + "".join(f'"{c}",{d},{a}\n' for c, d, a in rows)
    try:
        whole, streamed, _ = whole_and_streamed(tmp_path, text, chunk_bytes=chunk, first_rows=1, drop_duplicates=drop)
    except IngestError as error:  # refused whole: refused streamed with the same words
        with pytest.raises(IngestError) as streamed_error:
            stream.ingest_file(tmp_path / "orders.csv", tmp_path / "rows.parquet", today=TODAY, chunk_bytes=chunk,
                               first_rows=1, drop_duplicates=drop)
        assert str(streamed_error.value) == str(error)
        return
    assert streamed.report.to_dict() == whole.report.to_dict()
    pd.testing.assert_frame_equal(pd.read_parquet(streamed.path), whole.frame)
