"""The report of one ingested file: what was skipped and why, what was kept but worth knowing,
what was detected, and where the file's amounts went (reconciled to the cent).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from canvas.customer_data.limits import MAX_AMOUNT

SHOWN_LINES = 20  # problem lines listed in the report; the rest are counted
SKIPPED = "skipped"


@dataclass
class Problem:
    """Rows with one finding: the first ``SHOWN_LINES`` of their lines, how many, and their
    ``outcome``: "skipped" for bad rows (``Report.problems``), else what the kept rows of a
    notice (``Report.notices``) count as."""

    kind: str
    message: str
    lines: list[int]
    count: int
    column: str | None = None
    outcome: str = SKIPPED

    @property
    def skipped(self) -> bool:
        return self.outcome == SKIPPED

    def sentence(self) -> str:
        """The finding in one line with its first lines: "…: 2 rows skipped (lines 3, 9)"."""
        more = self.count - len(self.lines)
        where = f"line{'s' if self.count != 1 else ''} " + ", ".join(map(str, self.lines)) \
            + (f" and {more:,} more" if more > 0 else "")
        if self.skipped:
            return f"{self.message}: {self.count:,} row{'s' if self.count != 1 else ''} skipped ({where})"
        return f"{self.message} ({where}): {self.outcome}"


@dataclass
class Report:
    """What happened to the file: rows read and kept, the skipped rows (``problems``) and kept rows
    worth knowing about (``notices``) with their lines, what was detected, and where the amounts
    went: ``file_total`` (every readable amount in the file) = ``counted_total`` + the sum of
    ``skipped_totals`` (per problem kind), exactly at the file's precision, signed (refunds are
    negative). Rows whose amount is unreadable are in no total, only in ``unreadable_amounts``.
    The totals are None for kinds without an amount."""

    kind: str
    rows_read: int
    rows_kept: int = 0
    problems: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    detected: dict[str, Any] = field(default_factory=dict)
    refunds: int = 0
    file_total: float | None = None
    counted_total: float | None = None
    skipped_totals: dict[str, float] = field(default_factory=dict)
    unreadable_amounts: int = 0

    def to_dict(self) -> dict[str, Any]:
        def entry(p: Problem) -> dict[str, Any]:
            return {"kind": p.kind, "message": p.message, "column": p.column, "count": p.count,
                    "lines": list(p.lines), "outcome": p.outcome, "text": p.sentence()}

        return {
            "kind": self.kind, "rows_read": self.rows_read, "rows_kept": self.rows_kept, "refunds": self.refunds,
            "detected": dict(self.detected),
            "problems": [entry(p) for p in self.problems], "notices": [entry(p) for p in self.notices],
            "file_total": self.file_total, "counted_total": self.counted_total,
            "skipped_totals": dict(self.skipped_totals), "unreadable_amounts": self.unreadable_amounts,
            "reconciliation": self.reconciliation(),
        }

    def problem_lines(self) -> list[str]:
        """One sentence per skipped problem, then per notice (what the CLI prints on stderr)."""
        return [p.sentence() for p in self.problems + self.notices]

    def reconciliation(self) -> str | None:
        """The amounts in one sentence: the file's total = counted + skipped, per reason."""
        if self.file_total is None or self.counted_total is None:  # a kind without amounts
            return None
        figures = [self.file_total, self.counted_total, *self.skipped_totals.values()]
        places = max(2, *(_decimal_places(v) for v in figures))
        money = lambda v: f"{v:,.{places}f}"  # noqa: E731
        text = f"Amounts in the file: {money(self.file_total)}"
        if self.skipped_totals:
            skipped = self.file_total - self.counted_total
            reasons = {p.kind: p.message for p in self.problems}
            text += (f" = {money(self.counted_total)} counted {'-' if skipped < 0 else '+'} {money(abs(skipped))} "
                     "skipped (" + "; ".join(f"{reasons[k]}: {money(v)}" for k, v in self.skipped_totals.items())
                     + ")")
        else:
            text += ", all counted"
        if self.unreadable_amounts:
            n = self.unreadable_amounts
            text += f"; {n:,} row{'s' if n != 1 else ''} with an unreadable amount: in no total"
        return text


def entry_sentence(entry: Mapping[str, Any]) -> str:
    """The sentence of a problem or notice of ``Report.to_dict()``; an entry of a report saved
    before entries carried it is rebuilt from its fields by the same rule (``Problem.sentence``)."""
    if "text" in entry:
        return entry["text"]
    return Problem(entry["kind"], entry["message"], list(entry["lines"]), entry["count"], entry.get("column"),
                   entry.get("outcome", SKIPPED)).sentence()


def _decimal_places(value: float) -> int:
    text = repr(abs(value))
    return 6 if "e" in text else min(6, len(text.partition(".")[2]))


def _whole_units(amounts: np.ndarray) -> tuple[np.ndarray, int]:
    """The amounts as whole numbers of the file's smallest unit (cents for 12.34) and that unit's
    scale (100), so that sums of them are exact and the report's totals add up to the cent. Cents
    come first: whole amounts are whole cents too, and one pass is all most files need."""
    for places in range(2, 7):
        scale = 10 ** places
        scaled = amounts * scale
        units = np.rint(scaled)
        off = np.abs(scaled - units)
        np.abs(scaled, out=scaled)
        if (off <= 1e-6 + 1e-12 * scaled).all():  # float error grows with the size of the amount
            break
    return units, scale


@dataclass
class AmountUnits:
    """A file's amounts as exact sums: per problem number (0: kept) the whole units of ``scale``
    (cents: 100), and how many rows had no readable amount. Sums of parts of a file (a streamed
    file's chunks) add up with ``plus``."""

    per_reason: list[int]
    scale: int
    unreadable: int

    def plus(self, other: AmountUnits) -> AmountUnits:
        """Both sums on the finer of the two scales (an amount exact in cents is exact in mills)."""
        scale = max(self.scale, other.scale)
        width = max(len(self.per_reason), len(other.per_reason))
        mine = self.per_reason + [0] * (width - len(self.per_reason))
        theirs = other.per_reason + [0] * (width - len(other.per_reason))
        return AmountUnits([a * (scale // self.scale) + b * (scale // other.scale) for a, b in zip(mine, theirs)],
                           scale, self.unreadable + other.unreadable)


def amount_units(amounts: np.ndarray, bad: np.ndarray, reasons: int) -> AmountUnits:
    """The exact sums of ``amounts`` per problem number in ``bad`` (0: kept, 1..``reasons``)."""
    readable = np.isfinite(amounts) & (np.abs(amounts) <= MAX_AMOUNT)  # the others are refused rows
    units, scale = _whole_units(np.where(readable, amounts, 0.0))
    # Sums of whole numbers below 2**53 are exact in float64.
    per_reason = [int(s) for s in np.bincount(bad, weights=units, minlength=reasons + 1)]
    return AmountUnits(per_reason, scale, int((~readable).sum()))


def reconcile(report: Report, amounts: np.ndarray, bad: np.ndarray) -> None:
    """Fill the report's totals; ``bad`` holds each row's problem number (0: kept)."""
    fill_totals(report, amount_units(amounts, bad, len(report.problems)))


def fill_totals(report: Report, sums: AmountUnits) -> None:
    """The report's totals from exact sums per problem number (``report.problems``'s, from 1)."""
    per_reason, scale = sums.per_reason, sums.scale
    report.unreadable_amounts = sums.unreadable
    report.file_total = sum(per_reason) / scale
    report.counted_total = per_reason[0] / scale
    report.skipped_totals = {p.kind: per_reason[i] / scale for i, p in enumerate(report.problems, start=1)
                             if p.kind != "bad_amount"}  # its rows have no amount to count
