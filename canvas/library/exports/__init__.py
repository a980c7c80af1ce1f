"""Exports people open without the app: an HTML report, a PDF (poster and report), a PowerPoint
deck and spreadsheets (XLSX, CSV), each with the Business Model Canvas's CC BY-SA 3.0 licence.

``content.gather`` reads a canvas once into an ``ExportContent``; ``report_html``, ``pdf``,
``slides`` and ``sheets`` turn it into a file's bytes or text (``tables`` holds the rows the
spreadsheets and the slides share, and ``neutralise``, the one rule that keeps a spreadsheet
from running user text as a formula). The board's HTML and the charts are those of
``canvas.ui.markup`` and ``canvas.ui.charts``: pure builders with no Streamlit in them, reused
here so an export looks like the pages. ``export_file`` is what the CLI and the download buttons
call: a format's name in, the file's bytes, name and media type out.
"""

from canvas.library.exports.content import ATTRIBUTION, ExportContent, gather
from canvas.library.exports.files import FORMATS, ExportFile, export_file, file_name
from canvas.library.exports.pdf import ChromiumMissing, PrintFailed
from canvas.library.exports.tables import neutralise

__all__ = ["ATTRIBUTION", "FORMATS", "ChromiumMissing", "ExportContent", "ExportFile", "PrintFailed", "export_file",
           "file_name", "gather", "neutralise"]
