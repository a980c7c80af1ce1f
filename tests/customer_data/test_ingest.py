"""Reading real exports: every format, encodings, number and date styles, bad rows with lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from canvas.customer_data import ingest
from canvas.customer_data.cells import parse_dates, parse_numbers
from canvas.customer_data.ingest import IngestError

TODAY = date(2026, 11, 22)


def load_bytes(content: bytes, kind: str = "transactions", mapping=None, name: str = "upload.csv", **kw):
    raw = ingest.read_table(content, filename=name)
    return ingest.ingest(raw, kind, mapping, today=TODAY, **kw)


def test_plain_comma_csv_is_guessed_and_parsed():
    result = load_bytes(b"Order ID,Customer ID,Created at,Total\nA1,c1,2024-01-05,10.50\nA2,c2,2024-02-06,-3.00\n")
    frame = result.frame
    assert list(frame.columns) == ["customer_id", "date", "amount", "order_id"]
    assert frame["amount"].tolist() == [10.5, -3.0]
    assert frame["date"].tolist() == [pd.Timestamp("2024-01-05"), pd.Timestamp("2024-02-06")]
    assert result.report.refunds == 1 and result.report.rows_kept == 2


def test_windows_european_csv_needs_no_flags():
    text = ("Kundennummer;Bestelldatum;Betrag;Segment\n"
            "K-1;31.01.2024;1.234,50 €;Bäckereien\n"
            "K-2;01.02.2024;99,90 €;Büros\n")
    result = load_bytes(text.encode("cp1252"))
    report = result.report.to_dict()
    assert report["detected"]["encoding"] == "Windows-1252"
    assert report["detected"]["delimiter"] == "semicolon"
    assert report["detected"]["decimal_separator"] == "comma"
    assert "day-first" in report["detected"]["date_format"]
    assert result.frame["amount"].tolist() == [1234.5, 99.9]
    assert result.frame["segment"].tolist() == ["Bäckereien", "Büros"]
    assert result.frame["date"].iloc[0] == pd.Timestamp("2024-01-31")


def test_utf8_bom_tsv_and_pipe_txt():
    tsv = "\ufeffcustomer\tdate\tamount\nc1\t2024-03-01\t$1,234.50\n".encode()
    assert load_bytes(tsv).frame["amount"].tolist() == [1234.5]
    assert ingest.read_table(tsv).encoding == "UTF-8 with BOM"
    txt = b"client|date|montant\nc1|2024-03-01|(12.00)\n"
    result = load_bytes(txt, name="x.txt")
    assert result.frame["amount"].tolist() == [-12.0]


@pytest.mark.parametrize(
    ("dates", "expected", "why"),
    [
        (["13/01/2024", "02/03/2024"], pd.Timestamp("2024-03-02"), "day-first"),
        (["01/13/2024", "02/03/2024"], pd.Timestamp("2024-02-03"), "month-first"),
        (["01/02/2024", "02/03/2024"], pd.Timestamp("2024-02-03"), "ambiguous"),
    ],
)
def test_day_month_order_is_decided_from_the_data(dates, expected, why):
    body = "customer,date,amount\n" + "".join(f"c{i},{d},1.00\n" for i, d in enumerate(dates))
    result = load_bytes(body.encode())
    assert result.frame["date"].iloc[1] == expected
    assert why in result.report.detected["date_format"]


def test_dates_with_time_zone_and_excel_serials():
    zoned = load_bytes(b"customer,date,amount\nc1,2024-03-01T23:30:00+02:00,1\n")
    assert zoned.frame["date"].iloc[0] == pd.Timestamp("2024-03-01 21:30:00")
    serial = load_bytes(b"customer,date,amount\nc1,45292,1\n")
    assert serial.frame["date"].iloc[0] == pd.Timestamp("2024-01-01")


def test_xlsx_with_date_cells_and_serials(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Customer", "Date", "Amount"])
    sheet.append(["c1", pd.Timestamp("2024-05-01").to_pydatetime(), 12.5])
    sheet.append(["c2", pd.Timestamp("2024-05-02").to_pydatetime(), "oops"])
    path = tmp_path / "orders.xlsx"
    book.save(path)
    result = ingest.load(path, today=TODAY)
    assert result.frame["date"].iloc[0] == pd.Timestamp("2024-05-01")
    [problem] = result.report.problems
    assert (problem.kind, problem.lines) == ("bad_amount", [3])  # sheet row 3


def test_parquet(tmp_path):
    frame = pd.DataFrame({"customer_id": ["a", "b"], "order_date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
                          "amount": [1.0, 2.0]})
    path = tmp_path / "orders.parquet"
    frame.to_parquet(path)
    result = ingest.load(path, today=TODAY)
    assert result.frame["amount"].sum() == 3.0 and result.report.detected["format"] == "parquet"


def test_each_kind_of_bad_row_with_its_line_numbers():
    body = (
        "customer,date,amount\n"
        "c1,2024-01-01,10\n"      # line 2: fine
        ",2024-01-02,10\n"        # line 3: missing id
        "c3,not a date,10\n"      # line 4: bad date
        "c4,2024-01-04,ten\n"     # line 5: bad amount
        "c1,2024-01-01,10\n"      # line 6: exact duplicate of line 2
        "c6,2030-01-01,10\n"      # line 7: in the future
        "c7,2024-01-07,-5\n"      # line 8: a refund, kept
    )
    result = load_bytes(body.encode(), drop_duplicates=True)
    problems = {p.kind: p.lines for p in result.report.problems}
    assert problems == {"missing_id": [3], "bad_date": [4], "future_date": [7], "bad_amount": [5], "duplicate": [6]}
    assert result.report.rows_read == 7 and result.report.rows_kept == 2 and result.report.refunds == 1
    assert result.rejected["line"].tolist() == [3, 4, 5, 6, 7]
    assert "Unreadable amount" in result.rejected.loc[result.rejected["line"] == 5, "problem"].item()


MESSY = (
    "customer,date,amount\n"
    "c1,2024-01-01,0.10\n"    # line 2
    "c1,2024-01-01,0.1\n"     # line 3: repeats line 2 ("0.1" is the same amount)
    "c2,2024-01-02,0.20\n"    # line 4
    ",2024-01-02,5.05\n"      # line 5: missing id
    "c3,not a date,1.11\n"    # line 6: unreadable date
    "c4,2024-01-04,ten\n"     # line 7: unreadable amount
    "c5,2030-01-01,3.33\n"    # line 8: in the future
    "c6,2024-01-07,-0.30\n"   # line 9: a refund, counted
    "c1,2024-01-01,0.10\n"    # line 10: repeats line 2 again
    "c3,also not a date,\n"   # line 11: unreadable date and no amount
)


def test_exact_repeats_are_kept_as_orders_and_named():
    result = load_bytes(MESSY.encode())
    report = result.report
    assert [n.sentence() for n in report.notices] == [
        "2 rows repeat an earlier row exactly (lines 3, 10): counted as separate orders"]
    assert "duplicate" not in {p.kind for p in report.problems}
    assert report.rows_kept == 5 and len(result.frame) == 5
    assert (result.frame["customer_id"] == "c1").sum() == 3
    assert 3 not in result.rejected["line"].tolist() and 10 not in result.rejected["line"].tolist()
    lines = report.problem_lines()
    assert lines[-1] == "2 rows repeat an earlier row exactly (lines 3, 10): counted as separate orders"
    assert all("skipped" not in line for line in lines if "repeat" in line)
    notice = report.to_dict()["notices"][0]
    assert (notice["kind"], notice["count"], notice["lines"], notice["outcome"]) == (
        "duplicate", 2, [3, 10], "counted as separate orders")


def test_many_repeats_list_the_first_lines_and_count_the_rest():
    body = "customer,date,amount\n" + "c1,2024-01-01,1\n" * 31
    [notice] = load_bytes(body.encode()).report.notices
    assert notice.count == 30 and notice.lines == list(range(3, 23))
    assert notice.sentence().startswith("30 rows repeat an earlier row exactly (lines 3, 4, ")
    assert notice.sentence().endswith(", 22 and 10 more): counted as separate orders")


def test_repeats_with_an_order_id_are_lines_of_their_order():
    body = b"order,customer,date,amount\nA1,c1,2024-01-01,2\nA1,c1,2024-01-01,2\nA2,c1,2024-01-01,2\n"
    [notice] = load_bytes(body).report.notices
    assert notice.lines == [3] and notice.sentence().startswith("1 row repeats an earlier row exactly (line 3): kept")


def test_drop_duplicates_skips_the_repeats_with_their_reason():
    result = load_bytes(MESSY.encode(), drop_duplicates=True)
    [duplicate] = [p for p in result.report.problems if p.kind == "duplicate"]
    assert duplicate.lines == [3, 10] and result.report.notices == []
    assert result.report.rows_kept == 3 and (result.frame["customer_id"] == "c1").sum() == 1
    assert set(result.rejected.loc[result.rejected["line"].isin([3, 10]), "problem"]) == {duplicate.message}
    assert "Exact duplicate of an earlier row (dropped as asked): 2 rows skipped (lines 3, 10)" in \
        result.report.problem_lines()


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value))


@pytest.mark.parametrize("drop", [False, True])
def test_the_report_reconciles_the_file_total_exactly(drop):
    report = load_bytes(MESSY.encode(), drop_duplicates=drop).report
    counted_repeats = Decimal("0") if drop else Decimal("0.20")
    assert _decimal(report.file_total) == Decimal("9.69")  # every readable amount, the refund included
    assert _decimal(report.counted_total) == Decimal("0.00") + counted_repeats  # 0.10 + 0.20 - 0.30 (+ repeats)
    expected = {"missing_id": Decimal("5.05"), "bad_date": Decimal("1.11"), "future_date": Decimal("3.33")}
    if drop:
        expected["duplicate"] = Decimal("0.20")
    assert {k: _decimal(v) for k, v in report.skipped_totals.items()} == expected
    assert _decimal(report.file_total) == _decimal(report.counted_total) + sum(map(_decimal,
                                                                                   report.skipped_totals.values()))
    assert report.unreadable_amounts == 2  # lines 7 (bad amount) and 11 (bad date first)
    assert report.rows_read == report.rows_kept + sum(p.count for p in report.problems)
    assert report.counted_total == pytest.approx(load_bytes(MESSY.encode(), drop_duplicates=drop).frame["amount"].sum())
    text = report.reconciliation()
    assert text.startswith(f"Amounts in the file: 9.69 = {report.counted_total:.2f} counted + ")
    assert "Unreadable date in column “date”: 1.11" in text and "2 rows with an unreadable amount: in no total" in text


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["c1", "c2", ""]), st.sampled_from(["2024-01-01", "x", "2099-01-01"]),
                               st.one_of(st.decimals(-1000, 1000, places=2), st.decimals(-10, 10, places=3),
                                         st.just("n/a"))), min_size=1, max_size=40),
       drop=st.booleans())
def test_reconciliation_is_exact_on_any_mix_of_rows(rows, drop):
    body = "customer,date,amount\n" + "".join(f"{c},{d},{a}\n" for c, d, a in rows)
    report = load_bytes(body.encode(), mapping={"customer_id": "customer", "date": "date", "amount": "amount"},
                        drop_duplicates=drop).report
    readable = [a for _, _, a in rows if a != "n/a"]
    assert _decimal(report.file_total) == sum(readable, Decimal("0"))
    assert _decimal(report.file_total) == _decimal(report.counted_total) + sum(
        map(_decimal, report.skipped_totals.values()), Decimal("0"))
    assert report.unreadable_amounts == len(rows) - len(readable)


def test_a_clean_file_is_all_counted_and_the_report_keys_are_stable():
    clean = load_bytes(b"customer,date,amount\nc1,2024-01-01,10\n").report
    messy = load_bytes(MESSY.encode()).report
    assert clean.reconciliation() == "Amounts in the file: 10.00, all counted"
    assert clean.to_dict().keys() == messy.to_dict().keys()
    entries = messy.to_dict()["problems"] + messy.to_dict()["notices"]
    assert len(entries) == 5 and all(e.keys() == entries[-1].keys() for e in entries)
    surveys = load_bytes(b"customer,date,nps\nc1,2024-01-01,9\nc1,2024-01-01,9\n", kind="surveys").report
    assert surveys.to_dict().keys() == clean.to_dict().keys()
    assert surveys.file_total is None and surveys.reconciliation() is None
    assert surveys.notices[0].sentence().endswith(": counted as separate responses")


def test_strict_passes_kept_and_dropped_repeats_but_not_bad_rows():
    body = b"customer,date,amount\nc1,2024-01-01,1\nc1,2024-01-01,1\n"
    assert load_bytes(body, strict=True).report.rows_kept == 2
    assert load_bytes(body, strict=True, drop_duplicates=True).report.rows_kept == 1
    with pytest.raises(IngestError, match="Unreadable amount in column “amount” on line 4"):
        load_bytes(body + b"c2,2024-01-02,x\n", strict=True)


def test_entries_of_reports_saved_before_their_sentences_read_the_same():
    report = load_bytes(MESSY.encode(), drop_duplicates=True).report.to_dict()
    for entry in report["problems"]:
        saved_earlier = {k: entry[k] for k in ("kind", "message", "column", "count", "lines")}
        assert ingest.entry_sentence(saved_earlier) == ingest.entry_sentence(entry) == entry["text"]
        assert "skipped (line" in entry["text"]


def test_many_problems_list_the_first_and_count_the_rest():
    body = "customer,date,amount\n" + "".join(f",2024-01-01,{i}\n" for i in range(30))
    [problem] = load_bytes(body.encode()).report.problems
    assert problem.count == 30 and problem.lines == list(range(2, 22))
    assert "and 10 more" in load_bytes(body.encode()).report.problem_lines()[0]


def test_strict_stops_at_the_first_bad_row():
    with pytest.raises(IngestError, match="on line 3"):
        load_bytes(b"customer,date,amount\nc1,2024-01-01,1\nc2,2024-01-02,x\n", strict=True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"customer,date,amount\n", "no data rows"),
        (b"just one column\nvalue\n", "not a table"),
        (b"\x00\x01\x02binary", "not a table"),
    ],
)
def test_bad_files(content, message):
    with pytest.raises(IngestError, match=message):
        ingest.read_table(content, filename="f.csv")


def test_unknown_column_lists_the_file_columns_and_missing_required_field():
    raw = ingest.read_table(b"who,when,what\nc1,2024-01-01,1\n")
    with pytest.raises(IngestError, match="no column 'Kunde'. Its columns are: who, when, what"):
        ingest.ingest(raw, "transactions", {"customer_id": "Kunde", "date": "when", "amount": "what"})
    with pytest.raises(IngestError, match="No column is mapped to customer id"):
        ingest.ingest(raw, "transactions", {"customer_id": None, "date": "when", "amount": "what"})


def test_missing_file():
    with pytest.raises(IngestError, match="There is no file"):
        ingest.load("/no/such/file.csv")


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["Name", "Email", "Created at", "Total"], {"order_id": "Name", "customer_id": "Email",
                                                   "date": "Created at", "amount": "Total"}),
        (["id", "Customer ID", "Created (UTC)", "Amount"], {"customer_id": "Customer ID", "date": "Created (UTC)",
                                                           "amount": "Amount", "order_id": "id"}),
        (["Client", "Date", "Montant"], {"customer_id": "Client", "date": "Date", "amount": "Montant"}),
        (["Kunde", "Datum", "Betrag", "Kundensegment"], {"customer_id": "Kunde", "date": "Datum",
                                                        "amount": "Betrag", "segment": "Kundensegment"}),
    ],
)
def test_mapping_guesses_from_headers(headers, expected):
    raw = ingest.read_table((",".join(headers) + "\n" + ",".join(["x"] * len(headers)) + "\n").encode())
    guessed = ingest.guess_mapping(raw, "transactions")
    assert {k: v for k, v in guessed.items() if v} == expected


def test_mapping_guesses_from_content_when_headers_say_nothing():
    raw = ingest.read_table(b"a,b,c\nc1,2024-01-01,12.5\nc2,2024-01-02,3.0\n")
    guessed = ingest.guess_mapping(raw, "transactions")
    assert guessed["date"] == "b" and guessed["amount"] == "c"


def test_surveys_scores_out_of_range():
    body = b"customer,date,nps,csat\nc1,2024-01-01,9,5\nc2,2024-01-01,11,4\nc3,2024-01-01,,0\n"
    result = load_bytes(body, kind="surveys")
    problems = {p.kind: p.lines for p in result.report.problems}
    assert problems == {"nps_out_of_range": [3], "csat_out_of_range": [4]}
    assert result.frame["nps"].tolist() == [9.0]


def test_spend_periods():
    body = b"period,segment,amount\n2024-01,A,100\n02/2024,A,200\nMar 2024,B,300\n2024-04-15,B,400\n"
    result = load_bytes(body, kind="spend")
    assert result.frame["period_start"].dt.strftime("%Y-%m").tolist() == ["2024-01", "2024-02", "2024-03", "2024-04"]


def test_demo_files_read_cleanly():
    from canvas.library.demo import DEMO_DATA_DIR

    result = ingest.load(DEMO_DATA_DIR / "transactions.csv", today=TODAY)
    assert result.report.problems == [] and result.report.refunds > 0
    assert result.frame["date"].dtype == np.dtype("datetime64[ns]")


@settings(max_examples=200, deadline=None)
@given(value=st.decimals(min_value=-10**7, max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
       style=st.sampled_from(["us", "eu"]), currency=st.sampled_from(["", "$", "€", " EUR"]))
def test_number_parser_reads_back_formatted_amounts(value, style, currency):
    text = f"{abs(value):,.2f}"
    if style == "eu":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    text = ("-" if value < 0 else "") + (currency + text if currency == "$" else text + currency)
    numbers, _ = parse_numbers(pd.Series([text, "1" + ("," if style == "eu" else ".") + "50"]))
    assert numbers.iloc[0] == pytest.approx(float(value), abs=1e-9)


def test_exact_duplicates_equal_pandas_on_every_mix_of_columns():
    rng = np.random.default_rng(2)
    n = 5000
    frame = pd.DataFrame({
        "customer_id": rng.choice(["a", "b", "c"], n), "order_id": rng.choice(["o1", "o2", None], n),
        "date": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 5, n), "D"),
        "amount": rng.choice([1.0, 2.5, np.nan], n),
    })
    for columns in (["customer_id", "date", "amount", "order_id"], ["date", "amount"], ["customer_id", "order_id"]):
        part = frame[columns]
        assert (ingest.exact_duplicates(part) == part.duplicated(keep="first").to_numpy()).all()


@pytest.mark.parametrize("cells", [
    ["2026-01-31", "2026-02-01 07:36:16", None], ["2026-01-31T07:36:16", "2026-01-31 07:36"],
    ["2026-01-31T07:36:16Z", "2026-01-31T08:00:00+01:00"], ["2026-13-01", "2026-01-31"],
])
def test_iso_dates_read_by_arrow_or_pandas_alike(cells):
    text = pd.Series(cells, dtype="string")
    parsed, detected = parse_dates(text, european=False)
    expected = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True).dt.tz_convert(None)
    pd.testing.assert_series_equal(parsed, expected.astype("datetime64[ns]"), check_names=False)
    assert detected == "ISO 8601 (year-month-day)"
