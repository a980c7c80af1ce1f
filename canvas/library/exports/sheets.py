"""The spreadsheets: an XLSX workbook (one sheet a table) and CSV files, opened by any
spreadsheet with the figures as numbers, never as formulas.

Rates are fractions: the workbook formats them as percentages, a CSV writes the fraction. Every
text cell goes through ``tables.neutralise`` (one rule for both), and the workbook's cells are
written as values of their own type, so nothing a founder or a data file typed runs as a formula.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from canvas.domain.errors import InvalidInput
from canvas.library.exports.content import ATTRIBUTION, NO_DATA, ExportContent
from canvas.library.exports.tables import Table, neutralise, periods_table, segments_table, targets_table

# Number formats of the workbook, by a column's kind (``tables.Column.unit``).
_FORMATS = {"count": "#,##0", "rate": "0.0%", "money": "#,##0.00", "score": "0.0", "ratio": "0.0",
            "value": "General"}

CSV_TABLES = ("segments", "periods", "targets")


def tables_of(content: ExportContent) -> dict[str, Table]:
    """The exported tables by the name ``--table`` takes."""
    return {"segments": segments_table(content), "periods": periods_table(content), "targets": targets_table(content)}


def xlsx_bytes(content: ExportContent) -> bytes:
    """The workbook: a sheet per table (Segments, Months, Targets) and an About sheet naming the
    canvas, when the file was made and the Business Model Canvas's licence."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    about.title = "About"
    canvas = content.board.canvas
    lines: list[tuple[str, Any]] = [
        ("Canvas", canvas.name), ("Description", canvas.description), ("Currency", canvas.currency),
        ("Exported", content.generated_at.strftime("%Y-%m-%d %H:%M UTC")),
        ("Figures", "All the canvas's customer data, by month; rates are fractions shown as percentages."
         if content.metrics is not None else NO_DATA),
        ("Licence", ATTRIBUTION),
    ]
    for label, value in lines:
        about.append([label, neutralise(value)])
        about.cell(row=about.max_row, column=1).font = Font(bold=True)
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 100

    for name, table in (("Segments", segments_table(content)), ("Months", periods_table(content)),
                        ("Targets", targets_table(content))):
        _write_sheet(book.create_sheet(name), table)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_sheet(sheet: Any, table: Table) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.append([neutralise(h) for h in table.headings])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    units = [c.unit for c in table.columns]
    for r, row in enumerate(table.rows, start=2):
        for c, (value, unit) in enumerate(zip(row, units), start=1):
            cell = sheet.cell(row=r, column=c, value=neutralise(value))
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, whatever it starts with
            elif unit in _FORMATS:
                cell.number_format = _FORMATS[_unit_of(table, row, unit)]
    for c, heading in enumerate(table.headings, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = max(12, min(48, len(heading) + 2))
    sheet.freeze_panes = "B2"


def _unit_of(table: Table, row: tuple[Any, ...], unit: str) -> str:
    """A "value" column (targets: measured and target) takes the unit its row names."""
    if unit != "value" or "Unit" not in table.headings:
        return unit
    return str(row[table.headings.index("Unit")])


def csv_text(content: ExportContent, table: str = "segments") -> str:
    """One table as CSV (``table``: segments, periods or targets), its first line the licence
    as a comment (``# ...``); rates as fractions, text cells neutralised."""
    tables = tables_of(content)
    if table not in tables:
        raise InvalidInput(f"There is no table {table!r} to export as CSV: choose one of {', '.join(CSV_TABLES)}.",
                           field="table")
    chosen = tables[table]
    out = io.StringIO()
    out.write(f"# {ATTRIBUTION}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([neutralise(h) for h in chosen.headings])
    for row in chosen.rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return out.getvalue()
