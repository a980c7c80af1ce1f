"""The "Share as" menu: download buttons for a canvas's exports (``canvas.library.exports``), and
the licence line the board carries.

Each file is made only when its button is clicked (Streamlit's deferred downloads: the button
holds a function, not the bytes), so drawing the menu costs nothing; the function opens its own
session on the process's engine, as it runs outside the page's script. The PDF button is
disabled, with the reason in its tooltip, on a server without Chromium.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session

from canvas.library import exports
from canvas.library.exports.pdf import find_chromium
from canvas.ui import frame, markup

# (format, paper, table, label, icon): the menu's buttons, in its order.
_BUTTONS = (
    ("html", None, "segments", "HTML report (opens offline)", ":material/html:"),
    ("pdf", "a3", "segments", "PDF poster and report, A3", ":material/picture_as_pdf:"),
    ("pdf", "a4", "segments", "PDF poster and report, A4", ":material/picture_as_pdf:"),
    ("pptx", None, "segments", "PowerPoint slides", ":material/slideshow:"),
    ("xlsx", None, "segments", "Excel workbook (metrics)", ":material/table_view:"),
    ("csv", None, "segments", "CSV: metrics per segment", ":material/csv:"),
    ("csv", None, "periods", "CSV: metrics per month", ":material/csv:"),
)

ATTRIBUTION_HTML = ('<p class="bmc-attribution">The Business Model Canvas is by '
                    '<a href="https://www.strategyzer.com/" target="_blank">Strategyzer AG</a>, licensed under '
                    '<a href="https://creativecommons.org/licenses/by-sa/3.0/" target="_blank">CC BY-SA 3.0</a>.</p>')


def _maker(engine: Engine, canvas_id: str, format: str, paper: str | None, table: str) -> Callable[[], bytes]:
    def make() -> bytes:
        with Session(engine, expire_on_commit=False) as db:
            content = exports.gather(session=db, canvas_id=canvas_id)
        return exports.export_file(content, format, paper=paper, table=table).data

    return make


def pdf_unavailable() -> str | None:
    """Why this server cannot make PDFs (no Chromium), or None when it can."""
    try:
        find_chromium()
    except exports.ChromiumMissing as missing:
        return str(missing)
    return None


def share_menu(canvas_id: str, *, key: str, where=st) -> None:
    """A "Share as" popover at ``where`` with a download button per export of ``canvas_id``;
    ``key`` makes the buttons' keys unique on the page."""
    engine = frame.engine()
    no_pdf = pdf_unavailable()
    with where.popover("Share as", icon=":material/ios_share:", help="Download the canvas as a report, slides or a "
                       "spreadsheet: files that open without this app"):
        for format, paper, table, label, icon in _BUTTONS:
            name = exports.file_name(canvas_id, format, paper=paper, table=table)
            disabled = format == "pdf" and no_pdf is not None
            st.download_button(
                label, _maker(engine, canvas_id, format, paper, table), file_name=name,
                mime=exports.FORMATS[format][1], icon=icon, key=f"{key}_{format}_{paper or table}",
                disabled=disabled, on_click="ignore", width="stretch",
                help=markup.literal(no_pdf) if disabled and no_pdf else exports.FORMATS[format][2],
            )
        if no_pdf:
            st.caption(markup.literal(no_pdf))


def attribution(where=st) -> None:
    """The Business Model Canvas's licence line (static HTML, no user text)."""
    markup.show(where, ATTRIBUTION_HTML)
