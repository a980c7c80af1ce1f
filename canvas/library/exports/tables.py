"""The exports' tables: the metrics per segment, per period, and the targets, as plain rows.

The spreadsheets (``sheets``), the slides' charts and the HTML report read these, so a number is
the same in each. Every cell that holds user text goes through ``neutralise`` on its way into a
spreadsheet: a value a spreadsheet would run as a formula becomes inert text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from canvas.analytics.metrics import period_label
from canvas.analytics.tiles import number
from canvas.domain.blocks import RELATIONSHIP_TYPES
from canvas.domain.measures import TARGETS
from canvas.domain.relationships import total_monthly_cost
from canvas.library.exports.content import ExportContent

# What makes a spreadsheet read a cell as a formula (or, for tab and carriage return, lets a
# formula hide behind white space): OWASP's list for CSV injection.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` safe to put in a spreadsheet cell: text starting like a formula gets a leading
    apostrophe, so Excel, LibreOffice and Google Sheets show it as text and never run it. Numbers,
    dates and other text are returned as they are (a negative number is a number, not text)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    """A table's column: its heading, its kind (``count``, ``rate`` as a fraction, ``money``,
    ``score``, ``ratio``, ``text``) and where its value comes from."""

    heading: str
    unit: str
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Table:
    """A titled table: columns and rows of plain values (None for a missing figure)."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]

    @property
    def headings(self) -> list[str]:
        return [c.heading for c in self.columns]

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.rows), columns=self.headings)


# Decimals a figure keeps in a spreadsheet, by kind: cents, and rates to a ten-thousandth of a percent.
_DECIMALS = {"money": 2, "rate": 6, "score": 4, "ratio": 4, "value": 6}


def _cell(value: Any, unit: str) -> Any:
    """A figure as the spreadsheet stores it: counts as whole numbers, others rounded (``_DECIMALS``)."""
    if not isinstance(value, float):
        return value
    if unit == "count" and value.is_integer():
        return int(value)
    return round(value, _DECIMALS.get(unit, 6))


def _table(title: str, columns: list[Column], items: list[Any]) -> Table:
    rows = tuple(tuple(_cell(c.value(item), c.unit) for c in columns) for item in items)
    return Table(title, tuple(columns), rows)


def _measure(key: str) -> Callable[[Any], Any]:
    return lambda item: number(item[2].get(key)) if item[2] else None


def segments_table(content: ExportContent) -> Table:
    """One row per segment of the board: its size and relationship design, and its monthly
    measures (as the targets are; empty without data). Customers linked to no segment have no
    design and no targets, so they have no row."""
    cur = content.currency
    relationships = content.board.relationships
    measures = content.measures
    items = [(s, relationships.get(s.id), measures.get(s.id)) for s in content.board.segments]

    def primary(item: Any) -> str:
        design = item[1]
        return RELATIONSHIP_TYPES[design.primary_type].label if design and design.primary_type else ""

    def cost(item: Any) -> float | None:
        segment, design = item[0], item[1]
        return None if design is None else total_monthly_cost(design, segment.estimated_size)

    columns = [
        Column("Segment", "text", lambda item: item[0].name),
        Column("Estimated size (customers)", "count", lambda item: item[0].estimated_size),
        Column("Primary relationship type", "text", primary),
        Column(f"Relationship cost per customer a month ({cur})", "money",
               lambda item: item[1].cost_per_customer_month if item[1] else None),
        Column(f"Relationship fixed cost a month ({cur})", "money",
               lambda item: item[1].cost_fixed_month if item[1] else None),
        Column(f"Relationship cost a month ({cur})", "money", cost),
        Column("Customers", "count", _measure("customers")),
    ]
    for key, (label, unit, _, _) in TARGETS.items():
        columns.append(Column(f"{label} ({cur})" if unit == "money" else label, unit, _measure(key)))
    return _table("Metrics per segment", columns, items)


def periods_table(content: ExportContent) -> Table:
    """One row per month of the canvas's data: customers, revenue, retention, NRR and CAC
    (rates as fractions); no rows without data."""
    cur = content.currency
    if content.metrics is None:
        frame = pd.DataFrame()
    else:
        f = content.metrics.figures
        parts = [f.active[["active", "new", "returning", "revenue", "partial"]],
                 f.retention[["retention_rate", "churn_rate"]], f.revenue_retention[["nrr", "grr"]]]
        if f.cac is not None:
            parts.append(f.cac[["spend", "new_customers", "cac"]])
        frame = pd.concat(parts, axis=1)
    items = list(frame.iterrows())

    def field(name: str) -> Callable[[Any], Any]:
        return lambda item: number(item[1].get(name))

    columns = [
        Column("Month", "text", lambda item: period_label(item[0])),
        Column("Active customers", "count", field("active")),
        Column("New customers", "count", field("new")),
        Column("Returning customers", "count", field("returning")),
        Column(f"Revenue ({cur})", "money", field("revenue")),
        Column("Retention rate", "rate", field("retention_rate")),
        Column("Churn rate", "rate", field("churn_rate")),
        Column("Net revenue retention", "rate", field("nrr")),
        Column("Gross revenue retention", "rate", field("grr")),
        Column(f"Acquisition spend ({cur})", "money", field("spend")),
        Column(f"CAC ({cur})", "money", field("cac")),
        Column("Partial month", "text", lambda item: "yes" if bool(item[1].get("partial")) else "no"),
    ]
    return _table("Metrics per month", columns, items)


def targets_table(content: ExportContent) -> Table:
    """One row per segment and target: measured (None without data), target, met or missed."""
    rows = list(content.targets.itertuples(index=False))
    columns = [
        Column("Segment", "text", lambda row: row.segment),
        Column("Metric", "text", lambda row: row.metric),
        Column("Unit", "text", lambda row: row.unit),
        Column("Measured", "value", lambda row: number(row.measured)),
        Column("Target", "value", lambda row: number(row.target)),
        Column("Status", "text", lambda row: row.status),
    ]
    return _table("Targets", columns, rows)
