"""Customer data in: read any real export, map its columns, validate every row, report exactly.

``read_table`` reads CSV/TSV/TXT (delimiter sniffed, encoding detected), XLSX and Parquet into
a ``RawTable`` of cells with their file line numbers; ``guess_mapping`` proposes which column
holds which field; ``ingest`` parses and validates the mapped columns, vectorised, into a
canonical frame plus a ``Report`` and the rejected rows. Nothing is silently changed or
dropped: every row that is not kept is in ``rejected`` with its line and reason, rows that repeat
an earlier row exactly are kept (unless asked otherwise) and named, and the report reconciles the
file's total amount with the amounts counted and skipped.

The steps live in their own modules (``files``: reading; ``mapping``: kinds, fields and the
mapping guess; ``cells``: parsing amounts, dates and ids; ``report``: the report and its
reconciliation); this module runs them and keeps every name callers use as ``ingest.X``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from canvas.customer_data import limits
from canvas.customer_data.cells import clean_text, parse_dates_in_range, parse_numbers, parse_periods
from canvas.customer_data.errors import IngestError
from canvas.customer_data.files import RawTable, read_table
from canvas.customer_data.mapping import KINDS, Field, check_mapping, fields_of, guess_mapping
from canvas.customer_data.report import SHOWN_LINES, SKIPPED, Problem, Report, entry_sentence, reconcile

# Callers use ``ingest.X`` for the whole way in; the parts live in the modules above.
__all__ = [
    "KINDS",
    "SHOWN_LINES",
    "SKIPPED",
    "Field",
    "IngestError",
    "IngestResult",
    "Problem",
    "RawTable",
    "Report",
    "entry_sentence",
    "exact_duplicates",
    "guess_mapping",
    "ingest",
    "load",
    "read_table",
]

# What an exact repeat of an earlier row counts as when it is kept (DOMAIN.md: without an order
# id, each row is an order; nothing in the file tells a repeat from a second purchase).
_REPEAT_OUTCOMES = {
    "transactions": "counted as separate orders",
    "surveys": "counted as separate responses",
    "spend": "added to their period's spend",
    "customers": "kept (a repeat changes nothing)",
}


@dataclass
class IngestResult:
    """The canonical frame of the kept rows, the report, and the rejected rows (the file's cells
    with their ``line`` and ``problem``)."""

    frame: pd.DataFrame
    report: Report
    rejected: pd.DataFrame


def exact_duplicates(frame: pd.DataFrame) -> np.ndarray:
    """``frame.duplicated(keep="first")``, fast on big frames: rows equal on every column are
    equal on the numeric and date columns, so only rows repeated there (few, when dates have
    times and amounts cents) are compared on their text columns too."""
    cheap = [c for c in frame.columns if frame[c].dtype.kind in "fiumM"]
    if not cheap or len(cheap) == len(frame.columns):
        return frame.duplicated(keep="first").to_numpy()
    out = np.zeros(len(frame), dtype=bool)
    candidates = frame.duplicated(subset=cheap, keep=False).to_numpy()
    if candidates.any():
        out[candidates] = frame[candidates].duplicated(keep="first").to_numpy()
    return out


def ingest(raw: RawTable, kind: str, mapping: Mapping[str, str | None] | None = None, *,
           strict: bool = False, today: date | None = None, drop_duplicates: bool = False) -> IngestResult:
    """Validate and convert the mapped columns into the canonical frame of ``kind``.

    Transactions: customer_id, date, amount (refunds negative, kept), optional order_id and
    segment. Surveys: customer_id, date, nps (0-10), csat (1-5). Spend: period_start, amount,
    optional segment. Customers: customer_id, segment.

    A row that repeats an earlier row exactly is kept (each row is an order when there is no
    order id) and listed in ``report.notices``; with ``drop_duplicates`` it is skipped as a
    problem instead. ``strict`` raises on the first bad row; repeats are not bad rows.
    """
    fields = fields_of(kind)
    mapping = check_mapping(raw, kind, fields, mapping if mapping is not None else guess_mapping(raw, kind))
    frame, lines = raw.frame, raw.lines
    report = Report(kind=kind, rows_read=len(frame))
    report.detected.update({"format": raw.file_format, "encoding": raw.encoding, "delimiter":
                            {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(raw.delimiter or "")})
    today = pd.Timestamp(today or date.today()) + pd.Timedelta(days=1)
    out: dict[str, pd.Series] = {}
    # The first reason each row is rejected: its problem's number in ``report.problems``, from 1
    # (0: kept).
    bad = np.zeros(len(frame), dtype=np.int16)

    def first_hits(mask: pd.Series | np.ndarray) -> tuple[np.ndarray, list[int]]:
        """The rows not yet rejected that ``mask`` hits, and their first lines for the report."""
        hit = np.flatnonzero(np.asarray(pd.Series(mask).fillna(False), dtype=bool) & (bad == 0))
        return hit, [int(x) for x in lines[hit[:SHOWN_LINES]]]

    def reject(mask: pd.Series | np.ndarray, problem_kind: str, message: str, column: str | None) -> None:
        hit, shown = first_hits(mask)
        if len(hit):
            report.problems.append(Problem(problem_kind, message, shown, len(hit), column))
            bad[hit] = len(report.problems)

    for f in fields:
        column = mapping.get(f.name)
        if column is None:
            continue
        values = frame[column]
        if f.name in ("customer_id", "order_id", "segment"):
            text = clean_text(values)
            if f.name == "customer_id":
                reject(text.isna() | (text == ""), "missing_id", f"Missing customer id in column “{column}”", column)
            out[f.name] = text.fillna("")
        elif f.name == "date":
            parsed, how, outside = parse_dates_in_range(values, european=raw.european)
            report.detected["date_format"] = how
            blank = values.astype("string").str.strip().fillna("").eq("") if values.dtype == object or \
                pd.api.types.is_string_dtype(values) else values.isna()
            reject(blank, "missing_date", f"Missing date in column “{column}”", column)
            reject(outside, "date_out_of_range", f"Date outside the years 1678 to 2261 in column “{column}” "
                   "(fix the year; a placeholder such as 9999-12-31 is no order date)", column)
            reject(parsed.isna(), "bad_date", f"Unreadable date in column “{column}”", column)
            reject(parsed >= today, "future_date", f"Date in the future in column “{column}”", column)
            out["date"] = parsed
        elif f.name == "period":
            parsed, _ = parse_periods(values, european=raw.european)
            reject(parsed.isna(), "bad_period", f"Unreadable period in column “{column}” (use 2024-01)", column)
            out["period_start"] = parsed
        elif f.name in ("amount", "nps", "csat"):
            numbers, decimal = parse_numbers(values)
            if f.name == "amount":
                report.detected["decimal_separator"] = "comma" if decimal == "," else "point"
                # "inf" reads as a number but is no amount: it would make every total infinite.
                reject(~np.isfinite(numbers), "bad_amount", f"Unreadable amount in column “{column}”", column)
                reject(np.isfinite(numbers) & (numbers.abs() > limits.MAX_AMOUNT), "bad_amount",
                       f"Amount beyond ±{limits.MAX_AMOUNT:,} in column “{column}” (a typo or a code, not an "
                       "order: fix it or leave the row out)", column)
            else:
                low, high = (0, 10) if f.name == "nps" else (1, 5)
                given = values.astype("string").str.strip().fillna("").ne("")
                reject(given & numbers.isna(), f"bad_{f.name}", f"Unreadable {f.name.upper()} score in “{column}”",
                       column)
                reject(given & ~numbers.between(low, high), f"{f.name}_out_of_range",
                       f"{f.name.upper()} score outside {low}-{high} in “{column}”", column)
            out[f.name] = numbers
    if kind == "surveys" and "nps" not in out and "csat" not in out:
        raise IngestError("Map an NPS or a CSAT column: survey responses need at least one score.", column="nps")
    if strict and report.problems:  # before the repeats: a repeat is no bad row, dropping one a choice
        first = min(report.problems, key=lambda p: p.lines[0])
        raise IngestError(f"{first.message} on line {first.lines[0]} (--strict stops at the first bad row).",
                          line=first.lines[0], column=first.column)

    # Exact repeats, compared on the parsed values: "10.0" and "10" are the same amount.
    repeats = exact_duplicates(pd.DataFrame(out))
    if drop_duplicates:
        reject(repeats, "duplicate", "Exact duplicate of an earlier row (dropped as asked)", None)
    else:
        hit, shown = first_hits(repeats)
        if len(hit):
            outcome = _REPEAT_OUTCOMES[kind]
            if kind == "transactions" and "order_id" in out:
                outcome = "kept as lines of their order (their amounts add up)"
            verb = "row repeats" if len(hit) == 1 else "rows repeat"
            report.notices.append(Problem("duplicate", f"{len(hit):,} {verb} an earlier row exactly", shown,
                                          len(hit), None, outcome))

    keep = bad == 0
    result = pd.DataFrame({name: series[keep] for name, series in out.items()}).reset_index(drop=True)
    for name in ("nps", "csat"):
        if kind == "surveys" and name not in result:
            result[name] = np.nan
    report.rows_kept = int(keep.sum())
    if "amount" in out:
        reconcile(report, out["amount"].to_numpy(dtype=float), bad)
    if kind == "transactions":
        report.refunds = int((result["amount"] < 0).sum())
    reasons = np.asarray([""] + [p.message for p in report.problems], dtype=object)
    rejected = raw.frame[~keep].copy()
    rejected.insert(0, "line", lines[~keep])
    rejected.insert(1, "problem", reasons[bad[~keep]])
    return IngestResult(result, report, rejected.reset_index(drop=True))



def load(path: str | Path, kind: str = "transactions", mapping: Mapping[str, str | None] | None = None,
         strict: bool = False, today: date | None = None, drop_duplicates: bool = False) -> IngestResult:
    """Read and ingest a file in one call (the CLI's way in)."""
    raw = read_table(path)
    if mapping:
        mapping = {**guess_mapping(raw, kind), **mapping}
    return ingest(raw, kind, mapping, strict=strict, today=today, drop_duplicates=drop_duplicates)
