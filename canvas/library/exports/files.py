"""One entry for every export format: a format's name in, the file out (bytes, name, type).

The CLI (``python -m canvas export --format``) and the download buttons both call
``export_file``, so a format means the same file everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from canvas.domain.errors import InvalidInput
from canvas.library.exports.content import ExportContent

# name -> (file suffix, media type, what it is)
FORMATS: dict[str, tuple[str, str, str]] = {
    "html": (".html", "text/html", "HTML report (opens offline, interactive charts)"),
    "pdf": (".pdf", "application/pdf", "PDF: the board as a poster, then the report"),
    "pptx": (".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
             "PowerPoint deck with native charts"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "Excel workbook: metrics per segment, per month, targets"),
    "csv": (".csv", "text/csv", "CSV: one table (metrics per segment by default)"),
}


@dataclass(frozen=True)
class ExportFile:
    data: bytes
    file_name: str
    media_type: str


def file_name(canvas_id: str, format: str, *, paper: str | None = None, table: str = "segments") -> str:
    """The file's name: the canvas id (ids are safe in file names), what it holds, the suffix."""
    from canvas.library.exports.pdf import paper_of

    extra = {"pdf": f"-{paper_of(paper).name.lower()}", "csv": f"-{table}"}.get(format, "")
    return f"{canvas_id}-canvas{extra}{FORMATS[format][0]}"


def export_file(content: ExportContent, format: str, *, paper: str | None = None,
                table: str = "segments") -> ExportFile:
    """The canvas in ``format`` (see ``FORMATS``); ``paper`` (a3, a4) is the PDF's, ``table``
    (segments, periods, targets) the CSV's. Raises ``ChromiumMissing`` for a PDF without Chromium."""
    if format not in FORMATS:
        raise InvalidInput(f"There is no export format {format!r}: choose one of {', '.join(FORMATS)}.",
                           field="format")
    media_type = FORMATS[format][1]
    if format == "html":
        from canvas.library.exports.report_html import report_document

        data = report_document(content).encode("utf-8")
    elif format == "pdf":
        from canvas.library.exports.pdf import pdf_bytes

        data = pdf_bytes(content, paper)
    elif format == "pptx":
        from canvas.library.exports.slides import pptx_bytes

        data = pptx_bytes(content)
    elif format == "xlsx":
        from canvas.library.exports.sheets import xlsx_bytes

        data = xlsx_bytes(content)
    else:
        from canvas.library.exports.sheets import csv_text

        data = csv_text(content, table).encode("utf-8-sig")  # the mark tells Excel the file is UTF-8
    name = file_name(content.board.canvas.id, format, paper=paper, table=table)
    return ExportFile(data=data, file_name=name, media_type=media_type)
