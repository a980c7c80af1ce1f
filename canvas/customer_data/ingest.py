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
from canvas.customer_data.cells import DateRule, clean_text, parse_dates_with_rule, parse_numbers, parse_periods
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


@dataclass
class Rules:
    """What is decided once for a whole column: how its dates are read and its decimal separator.
    Empty, each is decided from the cells checked; a streamed file (``stream``) holds what its
    first chunk decided for the chunks after it."""

    date: DateRule | None = None
    decimal: str | None = None


class Checked:
    """The rows of a table (or of one chunk of a file) checked: their parsed values (``out``, one
    Series per canonical column), each row's first failed check (``bad``: its number in
    ``checks``, from 1; 0 for a row kept) and every check run, in the order they ran, with how
    many rows it rejected (maybe none) and their first lines. The same checks run in the same
    order on every chunk of a file, so chunks' checks add up one to one."""

    def __init__(self, lines: np.ndarray):
        self.lines = lines
        self.out: dict[str, pd.Series] = {}
        self.bad = np.zeros(len(lines), dtype=np.int16)
        self.checks: list[Problem] = []
        self.detected: dict[str, str] = {}

    def first_hits(self, mask: pd.Series | np.ndarray) -> tuple[np.ndarray, list[int]]:
        """The rows not yet rejected that ``mask`` hits, and their first lines for the report."""
        hit = np.flatnonzero(np.asarray(pd.Series(mask).fillna(False), dtype=bool) & (self.bad == 0))
        return hit, [int(x) for x in self.lines[hit[:SHOWN_LINES]]]

    def reject(self, mask: pd.Series | np.ndarray, problem_kind: str, message: str, column: str | None) -> None:
        hit, shown = self.first_hits(mask)
        self.checks.append(Problem(problem_kind, message, shown, len(hit), column))
        self.bad[hit] = len(self.checks)

    def problems(self) -> tuple[list[Problem], np.ndarray]:
        """The checks that rejected rows (the report's problems) and each row's number among them
        (0: kept)."""
        found = [c for c in self.checks if c.count]
        numbers = np.zeros(len(self.checks) + 1, dtype=np.int16)
        numbers[[i for i, c in enumerate(self.checks, start=1) if c.count]] = np.arange(1, len(found) + 1)
        return found, numbers[self.bad]


def check_rows(frame: pd.DataFrame, lines: np.ndarray, kind: str, mapping: Mapping[str, str | None], *,
               european: bool, before: pd.Timestamp, rules: Rules) -> Checked:
    """Parse and check the mapped columns of ``frame`` (cells as read; ``lines``: each row's line),
    vectorised. ``before``: the first day counted as the future. The column-wide decisions are
    ``rules``'s where set; those made here are written into ``rules``."""
    checked = Checked(lines)
    reject, out = checked.reject, checked.out
    for f in fields_of(kind):
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
            parsed, rule, outside = parse_dates_with_rule(values, european=european, rule=rules.date)
            if rule.method != "none":
                rules.date = rules.date or rule
            checked.detected["date_format"] = rule.how
            blank = values.astype("string").str.strip().fillna("").eq("") if values.dtype == object or \
                pd.api.types.is_string_dtype(values) else values.isna()
            reject(blank, "missing_date", f"Missing date in column “{column}”", column)
            reject(outside, "date_out_of_range", f"Date outside the years 1678 to 2261 in column “{column}” "
                   "(fix the year; a placeholder such as 9999-12-31 is no order date)", column)
            reject(parsed.isna(), "bad_date", f"Unreadable date in column “{column}”", column)
            reject(parsed >= before, "future_date", f"Date in the future in column “{column}”", column)
            out["date"] = parsed
        elif f.name == "period":
            parsed, _ = parse_periods(values, european=european)
            reject(parsed.isna(), "bad_period", f"Unreadable period in column “{column}” (use 2024-01)", column)
            out["period_start"] = parsed
        elif f.name in ("amount", "nps", "csat"):
            numbers, decimal = parse_numbers(values, rules.decimal if f.name == "amount" else None)
            if f.name == "amount":
                rules.decimal = decimal
                checked.detected["decimal_separator"] = "comma" if decimal == "," else "point"
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
    return checked


def stop_at_first(problems: list[Problem]) -> None:
    """``--strict``: an ``IngestError`` naming the first bad row of ``problems``, if any."""
    found = [p for p in problems if p.count]
    if found:
        first = min(found, key=lambda p: p.lines[0])
        raise IngestError(f"{first.message} on line {first.lines[0]} (--strict stops at the first bad row).",
                          line=first.lines[0], column=first.column)


def repeat_notice(kind: str, has_order_id: bool, count: int, lines: list[int]) -> Problem:
    """The notice naming kept rows that repeat an earlier row exactly, and what they count as."""
    outcome = _REPEAT_OUTCOMES[kind]
    if kind == "transactions" and has_order_id:
        outcome = "kept as lines of their order (their amounts add up)"
    verb = "row repeats" if count == 1 else "rows repeat"
    return Problem("duplicate", f"{count:,} {verb} an earlier row exactly", lines, count, None, outcome)


DROPPED_REPEAT = "Exact duplicate of an earlier row (dropped as asked)"


def canonical(out: Mapping[str, pd.Series], keep: np.ndarray, kind: str) -> pd.DataFrame:
    """The canonical frame of the kept rows (what a dataset stores)."""
    result = pd.DataFrame({name: series[keep] for name, series in out.items()}).reset_index(drop=True)
    for name in ("nps", "csat"):
        if kind == "surveys" and name not in result:
            result[name] = np.nan
    return result


def detected_of(raw: RawTable) -> dict[str, str | None]:
    """What the reading found out about the file, for ``Report.detected``."""
    return {"format": raw.file_format, "encoding": raw.encoding,
            "delimiter": {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(raw.delimiter or "")}


def first_future_day(today: date | None) -> pd.Timestamp:
    """The first day a date counts as in the future (tomorrow, or the day after ``today``)."""
    return pd.Timestamp(today or date.today()) + pd.Timedelta(days=1)


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
    report = Report(kind=kind, rows_read=len(raw.frame))
    report.detected.update(detected_of(raw))
    checked = check_rows(raw.frame, raw.lines, kind, mapping, european=raw.european, before=first_future_day(today),
                         rules=Rules())
    report.detected.update(checked.detected)
    if strict:  # before the repeats: a repeat is no bad row, dropping one a choice
        stop_at_first(checked.checks)

    # Exact repeats, compared on the parsed values: "10.0" and "10" are the same amount.
    repeats = exact_duplicates(pd.DataFrame(checked.out))
    if drop_duplicates:
        checked.reject(repeats, "duplicate", DROPPED_REPEAT, None)
    else:
        hit, shown = checked.first_hits(repeats)
        if len(hit):
            report.notices.append(repeat_notice(kind, "order_id" in checked.out, len(hit), shown))

    report.problems, bad = checked.problems()
    keep = bad == 0
    result = canonical(checked.out, keep, kind)
    report.rows_kept = int(keep.sum())
    if "amount" in checked.out:
        reconcile(report, checked.out["amount"].to_numpy(dtype=float), bad)
    if kind == "transactions":
        report.refunds = int((result["amount"] < 0).sum())
    reasons = np.asarray([""] + [p.message for p in report.problems], dtype=object)
    rejected = raw.frame[~keep].copy()
    rejected.insert(0, "line", raw.lines[~keep])
    rejected.insert(1, "problem", reasons[bad[~keep]])
    return IngestResult(result, report, rejected.reset_index(drop=True))


def load(path: str | Path, kind: str = "transactions", mapping: Mapping[str, str | None] | None = None,
         strict: bool = False, today: date | None = None, drop_duplicates: bool = False) -> IngestResult:
    """Read and ingest a file in one call (the CLI's way in)."""
    raw = read_table(path)
    if mapping:
        mapping = {**guess_mapping(raw, kind), **mapping}
    return ingest(raw, kind, mapping, strict=strict, today=today, drop_duplicates=drop_duplicates)
