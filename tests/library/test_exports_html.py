"""The HTML report and the PDF's page: self-contained, escaped, every note, the licence."""

from __future__ import annotations

import html
import re
import subprocess
import sys

import pytest

from canvas.library.exports import ChromiumMissing, export_file
from canvas.library.exports.board_html import PAPERS, poster_document
from canvas.library.exports.pdf import find_chromium
from canvas.library.exports.report_html import key_charts, pdf_document, report_document
from tests.library.export_canvases import HOSTILE_NOTE


def visible_text(page: str) -> str:
    """The page's text as a reader sees it: scripts and tags out, entities decoded, and the
    invisible word joiners ``markup.escape_text`` puts in link-like text gone."""
    page = re.sub(r"<script>.*?</script>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page)).replace("\u2060", "")


def test_report_is_self_contained_and_escapes_user_text(demo_content):
    page = report_document(demo_content)
    assert "<script>alert(2)</script>" not in page and "<img src=x" not in page
    assert not re.search(r"<(script|link|img|iframe)[^>]*\b(src|href)=", page)  # nothing loaded from anywhere
    text = visible_text(page)
    assert HOSTILE_NOTE in text
    for notes in demo_content.board.notes.values():
        for note in notes:
            assert note.text in text
    assert "Strategyzer AG" in text and "CC BY-SA 3.0" in text
    assert page.count('class="chart"') == len(key_charts(demo_content)) >= 8
    assert "Plotly.newPlot" in page and "window.Plotly" in page  # the library itself, inlined


def test_report_shows_targets_met_and_missed_and_the_coach(demo_content):
    text = visible_text(report_document(demo_content))
    assert "missed" in text and "met" in text
    for finding in demo_content.findings:
        assert finding.title in text


def test_report_of_a_canvas_without_data(bare_content):
    page = report_document(bare_content)
    text = visible_text(page)
    assert "Bare <b>canvas</b>" in text and "<b>canvas</b>" not in page
    assert "No customer data" in text and "Corner shop" in text
    assert 'class="chart"' not in page


@pytest.mark.parametrize("paper", ["a3", "a4"])
def test_poster_page_is_the_paper_in_landscape(demo_content, paper):
    size = PAPERS[paper]
    page = poster_document(demo_content, size)
    assert f"@page {{ size: {size.width}mm {size.height}mm;" in page and size.width > size.height
    assert "Strategyzer" in visible_text(pdf_document(demo_content, size))


def test_pdf_without_chromium_is_a_clear_message(demo_content, monkeypatch):
    monkeypatch.setenv("CANVAS_CHROMIUM", "no-such-chromium")
    with pytest.raises(ChromiumMissing, match="CANVAS_CHROMIUM"):
        export_file(demo_content, "pdf")
    monkeypatch.delenv("CANVAS_CHROMIUM")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ChromiumMissing, match="apt-get install chromium"):
        find_chromium()


def test_exports_do_not_import_streamlit():
    """The CLI exports without the UI: the builders reused from canvas.ui are Streamlit-free."""
    code = ("import sys, canvas.library.exports.report_html, canvas.library.exports.slides, "
            "canvas.library.exports.sheets; print('streamlit' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
