"""XLSX and CSV exports: opened by openpyxl and csv, with the right numbers and no formulas."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from canvas.domain.errors import InvalidInput
from canvas.library.exports import ATTRIBUTION, export_file, neutralise
from canvas.library.exports.sheets import csv_text, xlsx_bytes
from tests.library.export_canvases import FORMULA_SEGMENT


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+cmd", "@SUM(A1)", "\t=1", "\r=1"])
def test_neutralise_makes_formula_looking_text_inert(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Home brewers", "a = b", "", 12, -3.5, None, "1-2"])
def test_neutralise_leaves_other_values_alone(value):
    assert neutralise(value) == value


def rows_of(sheet) -> list[dict]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row)) for row in values[1:]]


def test_workbook_holds_the_measures_per_segment(demo_content):
    book = load_workbook(io.BytesIO(xlsx_bytes(demo_content)))
    assert book.sheetnames == ["About", "Segments", "Months", "Targets"]
    rows = {row["Segment"]: row for row in rows_of(book["Segments"])}
    names = demo_content.segment_names
    assert len(rows) == len(names) == 3
    for segment_id, measures in demo_content.measures.items():
        row = rows[names[segment_id] if not names[segment_id].startswith("@") else "'" + names[segment_id]]
        assert row["Customers"] == measures["customers"]
        assert row["Customer lifetime value (EUR)"] == pytest.approx(measures["clv"], abs=0.005)
        assert row["Monthly retention rate"] == pytest.approx(measures["retention_rate"], abs=1e-6)
    assert book["Segments"]["H2"].number_format == "0.0%"  # rates shown as percentages


def test_workbook_holds_the_months(demo_content):
    book = load_workbook(io.BytesIO(xlsx_bytes(demo_content)))
    months = rows_of(book["Months"])
    active = demo_content.metrics.figures.active
    assert len(months) == len(active) > 12
    assert [m["Active customers"] for m in months] == active["active"].tolist()
    assert months[-1]["Revenue (EUR)"] == pytest.approx(active["revenue"].iloc[-1], abs=0.005)


def test_workbook_text_never_runs_as_a_formula(demo_content):
    book = load_workbook(io.BytesIO(xlsx_bytes(demo_content)))
    cell = next(c for row in book["Segments"].iter_rows() for c in row if c.value and "SUM" in str(c.value))
    assert cell.value == "'" + FORMULA_SEGMENT and cell.data_type == "s"
    for sheet in book.worksheets:  # no formula anywhere
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    about = dict(book["About"].iter_rows(values_only=True))
    assert about["Licence"] == ATTRIBUTION and about["Canvas"] == "Kettle & Crema (demo)"


def test_csv_of_each_table(demo_content):
    lines = csv_text(demo_content).splitlines()
    assert lines[0] == f"# {ATTRIBUTION}"
    rows = list(csv.DictReader(lines[1:]))
    assert {r["Segment"] for r in rows} == {"Office teams", "Gift buyers", "'" + FORMULA_SEGMENT}
    office = next(r for r in rows if r["Segment"] == "Office teams")
    office_id = next(sid for sid, name in demo_content.segment_names.items() if name == "Office teams")
    assert float(office["Customers"]) == demo_content.measures[office_id]["customers"]
    months = list(csv.DictReader(csv_text(demo_content, "periods").splitlines()[1:]))
    assert int(months[0]["Active customers"]) == demo_content.metrics.figures.active["active"].iloc[0]
    targets = list(csv.DictReader(csv_text(demo_content, "targets").splitlines()[1:]))
    assert {t["Status"] for t in targets} <= {"met", "missed", "no data"} and targets


def test_csv_of_an_unknown_table_is_a_clear_message(demo_content):
    with pytest.raises(InvalidInput, match="no table 'orders'.*segments, periods, targets"):
        csv_text(demo_content, "orders")


def test_a_canvas_without_data_exports_its_segments_without_figures(bare_content):
    book = load_workbook(io.BytesIO(xlsx_bytes(bare_content)))
    [row] = rows_of(book["Segments"])
    assert row["Segment"] == "Walk-ins" and row["Customers"] is None
    assert rows_of(book["Months"]) == []
    assert "No customer data" in dict(book["About"].iter_rows(values_only=True))["Figures"]
    exported = export_file(bare_content, "csv")
    assert exported.file_name.endswith("-canvas-segments.csv") and exported.data.startswith(b"\xef\xbb\xbf# ")
