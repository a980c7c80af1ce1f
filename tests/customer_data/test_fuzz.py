"""Fuzzing the way in: whatever bytes or cells arrive, the reader and the cell parsers either
succeed or raise the product's own error (``IngestError``, an ``InvalidInput``), never another
exception. Kept small (a few hundred examples in all) so the suite stays quick."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canvas.customer_data import ingest
from canvas.customer_data.cells import parse_dates, parse_numbers, parse_periods
from canvas.domain.errors import InvalidInput

TODAY = date(2026, 11, 22)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ_TABLES = settings(FUZZ, max_examples=60)  # each example ingests the table as all four kinds


def read_and_ingest(content: bytes, name: str = "fuzz.csv") -> None:
    """Read, guess the mapping and ingest as every kind; only the product's errors may escape."""
    try:
        raw = ingest.read_table(content, filename=name)
    except InvalidInput:
        return
    for kind in ingest.KINDS:
        try:
            result = ingest.ingest(raw, kind, today=TODAY)
        except InvalidInput:
            continue
        assert result.report.rows_kept + sum(p.count for p in result.report.problems) == result.report.rows_read
        if "amount" in result.frame:
            assert result.frame["amount"].map(lambda v: v == v and abs(v) != float("inf")).all()


@FUZZ
@given(content=st.binary(max_size=3000))
def test_any_bytes_are_read_or_refused_with_a_message(content):
    read_and_ingest(content)


@FUZZ
@given(content=st.binary(max_size=2000), prefix=st.sampled_from([b"PK\x03\x04", b"PAR1", b"\xff\xfe", b"\xfe\xff",
                                                                     b"\xef\xbb\xbf"]))
def test_bytes_behind_a_format_signature_are_read_or_refused(content, prefix):
    read_and_ingest(prefix + content)


CELLS = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["inf", "-Infinity", "1e309", "NaN", "9999-12-31", "0001-01-01", "2262-04-12", "31/12/9999",
                     "(12,00)", "1.234,56 €", "$1,234.50", "--5", "2958466", "99999", "\u00a0", "\r", '"', "'"]),
    st.integers(min_value=-10**20, max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates(min_value=date(1, 1, 1)).map(lambda d: d.strftime(st_format_choice(d))),
)


def st_format_choice(day: date) -> str:
    return ("%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y", "%d/%m/%y")[day.toordinal() % 4]


@FUZZ_TABLES
@given(rows=st.lists(st.tuples(CELLS, CELLS, CELLS, CELLS), min_size=1, max_size=30),
       delimiter=st.sampled_from([",", ";", "\t", "|"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]))
def test_any_text_table_is_read_or_refused_with_a_message(rows, delimiter, encoding):
    header = delimiter.join(["customer", "date", "amount", "segment"])
    lines = [header] + [delimiter.join(cells) for cells in rows]
    try:
        content = "\n".join(lines).encode(encoding)
    except UnicodeEncodeError:
        content = "\n".join(lines).encode("utf-8")
    read_and_ingest(content)


@settings(FUZZ, max_examples=80)
@given(values=st.lists(CELLS, max_size=40), european=st.booleans())
def test_the_cell_parsers_never_raise(values, european):
    series = pd.Series(values, dtype=object)
    numbers, _ = parse_numbers(series)
    assert len(numbers) == len(series)
    dates, _ = parse_dates(series, european=european)
    assert len(dates) == len(series) and str(dates.dtype) == "datetime64[ns]"
    periods, _ = parse_periods(series, european=european)
    assert len(periods) == len(series)


@FUZZ
@given(members=st.lists(st.tuples(st.sampled_from(["xl/workbook.xml", "xl/worksheets/sheet1.xml",
                                                   "[Content_Types].xml", "xl/_rels/workbook.xml.rels", "x"]),
                                  st.binary(max_size=300)), max_size=4, unique_by=lambda member: member[0]))
def test_any_zip_is_read_or_refused_with_a_message(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    read_and_ingest(out.getvalue(), "fuzz.xlsx")
