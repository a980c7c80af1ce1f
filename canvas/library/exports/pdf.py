"""The PDF: the exports' HTML printed by headless Chromium (the Debian ``chromium`` package).

No PDF library of our own: Chromium lays out the board and the charts exactly as a browser
shows them, honours the page size of the print stylesheet (A3 or A4 landscape), and prints the
charts as they are drawn, static. The HTML is written to a temporary folder and opened from
disk; it needs nothing from the network, and Chromium is told not to go there on its own.
``ChromiumMissing`` says what to install when there is no Chromium.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from canvas.domain.errors import CanvasError, InvalidInput
from canvas.library.exports.board_html import DEFAULT_PAPER, PAPERS, Paper
from canvas.library.exports.content import ExportContent

CHROMIUM_ENV = "CANVAS_CHROMIUM"  # a Chromium (or Chrome) binary to use instead of the one found
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PRINT_TIMEOUT_SECONDS = 120
# Headless, no first-run work, and none of the background requests Chromium makes by itself.
_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage",
          "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw", "--virtual-time-budget=15000")


class ChromiumMissing(CanvasError):
    """No Chromium to print with; the message says how to get one."""


class PrintFailed(CanvasError):
    """Chromium ran but gave no PDF."""


def paper_of(name: str | None) -> Paper:
    """The paper named ``a3`` or ``a4`` (any case; None: A3)."""
    key = (name or DEFAULT_PAPER).lower()
    if key not in PAPERS:
        raise InvalidInput(f"There is no paper size {name!r}: choose one of {', '.join(PAPERS)}.", field="paper")
    return PAPERS[key]


def find_chromium() -> str:
    """The Chromium binary: $CANVAS_CHROMIUM, else the first of chromium, chromium-browser,
    google-chrome on the PATH (Debian's /usr/bin/chromium)."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        if shutil.which(configured) is None:
            raise ChromiumMissing(f"${CHROMIUM_ENV} is {configured!r}, which is not a program that can be run: "
                                  "point it at a Chromium or Chrome binary, or unset it.")
        return configured
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise ChromiumMissing(
        "PDF export needs Chromium, which is not installed on this machine. On Debian or Ubuntu: "
        "`sudo apt-get install chromium` (scripts/setup.sh installs it), or set "
        f"${CHROMIUM_ENV} to a Chromium or Chrome binary. The HTML, PowerPoint and spreadsheet exports work "
        "without it.")


def print_html(html: str, *, timeout: float = PRINT_TIMEOUT_SECONDS) -> bytes:
    """``html`` (a whole self-contained page) printed to PDF bytes by headless Chromium."""
    binary = find_chromium()
    with tempfile.TemporaryDirectory(prefix="canvas-pdf-") as folder:
        page, out = Path(folder) / "page.html", Path(folder) / "out.pdf"
        page.write_text(html, encoding="utf-8")
        command = [binary, *_FLAGS, f"--user-data-dir={Path(folder) / 'profile'}", f"--print-to-pdf={out}",
                   page.as_uri()]
        try:
            run = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise PrintFailed(f"Chromium took longer than {timeout:.0f} s to print the PDF; try again, or export "
                              "the HTML report and print it from a browser.") from None
        if not out.exists() or out.stat().st_size == 0:
            detail = run.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
            raise PrintFailed(f"Chromium did not write the PDF (exit status {run.returncode}: {detail[0]}).")
        return out.read_bytes()


def pdf_bytes(content: ExportContent, paper: str | None = None) -> bytes:
    """The canvas as a PDF: the board as a poster on the first page (every note, scaled to fit),
    then the report's pages with static charts; landscape ``paper`` (a3 or a4)."""
    from canvas.library.exports.report_html import pdf_document

    return print_html(pdf_document(content, paper_of(paper)))
