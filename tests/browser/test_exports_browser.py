"""Exports opened by real readers: the HTML report in Chromium from disk with no network, the PDF
rendered to pages by poppler (pdftoppm) with every note's text on the poster (pdftotext), and the
board printed with its print stylesheet."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from canvas import storage
from canvas.domain.blocks import Block
from canvas.domain.models import NoteCreate
from canvas.library.exports import ExportContent, export_file, gather
from tests.library.export_canvases import HOSTILE_NOTE, canvas_without_data, hostile_demo
from tools.browser import running_app, wait_for_app

pytestmark = pytest.mark.browser


def words(text: str) -> str:
    """The text without white space: a PDF line may break a long word anywhere (a note's text
    wraps there), and pdftotext then puts a line break inside it."""
    return re.sub(r"[\s\u2060]+", "", text)  # and escape_text's invisible word joiners


def read(database_url: str, make) -> ExportContent:
    engine = storage.make_engine(database_url, migrate_schema=False)
    with Session(engine, expire_on_commit=False) as session:
        content = gather(session=session, canvas_id=make(session))
    engine.dispose()
    return content


def note_texts(content: ExportContent) -> list[str]:
    return [note.text for notes in content.board.notes.values() for note in notes]


def pdf_pages(pdf: Path, out: Path) -> tuple[int, list[Path]]:
    """(pages pdfinfo counts, the PNGs pdftoppm rendered of them)."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(out / "page")], check=True)
    return pages, sorted(out.glob("page-*.png"))


def page_text(pdf: Path, page: int) -> str:
    return words(subprocess.run(["pdftotext", "-raw", "-f", str(page), "-l", str(page), str(pdf), "-"],
                                capture_output=True, text=True, check=True).stdout)


def test_html_report_opens_from_disk_with_its_charts_drawn_and_no_network(browser, demo_database_url, tmp_path):
    content = read(demo_database_url, hostile_demo)
    report = tmp_path / "report.html"
    report.write_bytes(export_file(content, "html").data)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(re.compile(r"^(?!file://)"), lambda route: route.abort())  # the network is not there
    page.add_init_script("window.alert = () => { window.__alerted = true; };")
    page.goto(report.as_uri())
    charts = page.locator(".chart")
    expect(charts.first).to_be_visible()
    count = charts.count()
    assert count >= 8
    expect(page.locator(".chart .js-plotly-plot .main-svg").first).to_be_visible()
    drawn = page.evaluate("() => [...document.querySelectorAll('.chart .js-plotly-plot')]"
                          ".map(plot => (plot._fullData || []).length)")
    assert len(drawn) == count and all(traces > 0 for traces in drawn)
    assert [url for url in requests if not url.startswith("file://")] == []
    assert errors == [] and page.evaluate("() => window.__alerted === undefined")
    text = words(page.locator("body").inner_text())
    for note in note_texts(content):
        assert words(note) in text
    assert words(HOSTILE_NOTE) in text and words("Strategyzer AG") in text
    page.screenshot(path=tmp_path / "report.png", full_page=True)
    context.close()


@pytest.mark.parametrize("paper", ["a3", "a4"])
def test_pdf_poster_holds_every_note_and_the_report_follows(demo_database_url, tmp_path, paper):
    content = read(demo_database_url, hostile_demo)
    exported = export_file(content, "pdf", paper=paper)
    pdf = tmp_path / exported.file_name
    pdf.write_bytes(exported.data)
    pages, images = pdf_pages(pdf, tmp_path)
    assert pages >= 3 and len(images) == pages  # the poster, then the report's pages
    poster = page_text(pdf, 1)
    for note in note_texts(content):
        assert words(note) in poster, note
    assert words("Strategyzer AG") in poster and words("CC BY-SA 3.0") in poster
    report = " ".join(page_text(pdf, n) for n in range(2, pages + 1))
    assert words("Relationship design per segment") in report and words("What the coach finds") in report


def test_a_crowded_poster_still_shows_every_note(database_url, tmp_path):
    def crowded(session: Session) -> str:
        canvas_id = canvas_without_data(session)
        for i in range(90):
            block = list(Block)[i % len(Block)]
            if block != Block.CUSTOMER_SEGMENTS:
                storage.add_note(session=session, canvas_id=canvas_id, data=storage.parse(
                    NoteCreate, block=block, text=f"Note {i}: a longer idea that takes two lines or so on a poster"))
        session.commit()
        return canvas_id

    content = read(database_url, crowded)
    exported = export_file(content, "pdf", paper="a4")
    pdf = tmp_path / "crowded.pdf"
    pdf.write_bytes(exported.data)
    poster = page_text(pdf, 1)
    for note in note_texts(content):
        assert words(note) in poster, note


def test_board_prints_without_buttons_and_with_every_note(page, demo_database_url, tmp_path):
    content = read(demo_database_url, lambda session: "demo-kettle-crema")
    with running_app(demo_database_url) as url:
        page.goto(url)
        wait_for_app(page)
        expect(page.get_by_role("button", name="Undo")).to_be_visible()
        expect(page.get_by_text("CC BY-SA 3.0")).to_be_visible()
        # The Share as menu: a button per export, each making its file when clicked.
        page.get_by_role("button", name="Share as").click()
        for label in ("HTML report (opens offline)", "PowerPoint slides", "Excel workbook (metrics)",
                      "PDF poster and report, A3"):
            expect(page.get_by_role("button", name=label)).to_be_enabled(timeout=30_000)
        with page.expect_download(timeout=60_000) as download:  # made on the click, named for the canvas
            page.get_by_role("button", name="Excel workbook (metrics)").click()
        assert download.value.suggested_filename == "demo-kettle-crema-canvas.xlsx"
        saved = tmp_path / download.value.suggested_filename  # openpyxl goes by the file's extension
        download.value.save_as(saved)
        workbook = openpyxl.load_workbook(saved, read_only=True)
        assert len(workbook.sheetnames) >= 2 and workbook.worksheets[0].max_row > 1
        page.keyboard.press("Escape")
        page.emulate_media(media="print")
        for hidden in ("Undo", "Share as", "Add", "Edit"):
            expect(page.get_by_role("button", name=hidden).first).to_be_hidden()
        notes = page.locator(".bmc-note")
        assert notes.count() >= len(note_texts(content))
        for i in range(notes.count()):
            expect(notes.nth(i)).to_be_visible()
        pdf = tmp_path / "board.pdf"
        pdf.write_bytes(page.pdf(format="A4", landscape=True, print_background=True))
    printed = " ".join(page_text(pdf, n) for n in range(1, pdf_pages(pdf, tmp_path)[0] + 1))
    for note in note_texts(content):
        assert words(note) in printed, note
    assert words("CC BY-SA 3.0") in printed
