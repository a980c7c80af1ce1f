"""`python -m canvas export --canvas ID --format ...`: each file written and readable, clean failures."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from pptx import Presentation

from canvas.cli import main
from canvas.library.demo import DEMO_CANVAS_ID


@pytest.fixture
def demo(demo_database_url) -> str:
    return DEMO_CANVAS_ID


def test_xlsx_pptx_and_html_files(demo, tmp_path, capsys):
    for format in ("xlsx", "pptx", "html"):
        out = tmp_path / f"demo.{format}"
        assert main(["export", "--canvas", demo, "--format", format, "-o", str(out)]) == 0
        assert f"as {format.upper()} to {out}" in capsys.readouterr().err
    book = load_workbook(tmp_path / "demo.xlsx")
    segments = [row[0] for row in book["Segments"].iter_rows(min_row=2, values_only=True)]
    assert segments == ["Home brewers", "Office teams", "Gift buyers"]
    assert any(shape.has_chart for slide in Presentation(tmp_path / "demo.pptx").slides for shape in slide.shapes)
    assert (tmp_path / "demo.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_csv_goes_to_standard_output(demo, capsys):
    assert main(["export", demo, "--format", "csv", "--table", "periods"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("# The Business Model Canvas is by Strategyzer")
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))
    assert rows[0]["Month"] == "2024-11" and int(rows[0]["Active customers"]) > 0


def test_the_json_document_stays_the_default(demo, capsys):
    assert main(["export", "--canvas", demo]) == 0
    assert json.loads(capsys.readouterr().out)["canvas"]["id"] == demo


@pytest.mark.parametrize(("argv", "message"), [
    (["export", "--format", "html"], "Which canvas?"),
    (["export", "nope", "--format", "html"], "There is no canvas with id “nope”"),
    (["export", "--canvas", DEMO_CANVAS_ID, "--format", "pptx"], "cannot go to the terminal"),
    (["export", "a", "--canvas", "b"], "Two canvases named"),
])
def test_mistakes_are_one_clear_message(demo, capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err


def test_pdf_without_chromium_says_what_to_install(demo, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    out = tmp_path / "demo.pdf"
    assert main(["export", "--canvas", demo, "--format", "pdf", "-o", str(out)]) == 2
    assert "needs Chromium" in capsys.readouterr().err and not out.exists()


def test_unwritable_output(demo, tmp_path, capsys):
    assert main(["export", "--canvas", demo, "--format", "xlsx", "-o", str(tmp_path / "missing" / "x.xlsx")]) == 2
    assert "Cannot write" in capsys.readouterr().err
