"""Report partials: the sums every figure of the report is derived from.

Each figure of :func:`canvas.analytics.metrics.metrics_report` is a ratio (or a series of
ratios) of quantities that add up over disjoint sets of customers: counts of customers, orders,
active, new and retained customers, cohort counts, revenue sums, the base, kept and capped
revenue of NRR/GRR. The report is computed as partials (:func:`report_partials`) then finished
(``report._finish``); the partials of rows split by customer, each over the same window, add up
(:func:`add_partials`) to the partials of all the rows, so data too big for memory are reported
part by part with the very code that reports data in memory.
"""

from __future__ import annotations

from dataclasses import dataclass

from canvas.analytics.metrics.headline import _Counts, _counts
from canvas.analytics.metrics.periods import Period
from canvas.analytics.metrics.prepare import _Tx, _Window
from canvas.analytics.metrics.revenue import _window_sums, _WindowSums
from canvas.analytics.metrics.tables import _add_tables, _period_tables, _PeriodTables

NRR_MONTHS = 12  # the report's rolling NRR/GRR windows


@dataclass(frozen=True)
class _Part:
    """The sums of one set of rows: headline counts and period tables."""

    counts: _Counts
    tables: _PeriodTables

    def __add__(self, other: _Part) -> _Part:
        return _Part(self.counts + other.counts, _add_tables(self.tables, other.tables))


@dataclass(frozen=True)
class ReportPartials:
    """The sums of a set of customers' rows over one window: overall, the rolling NRR/GRR
    window, and per segment value (None when the rows have no segment column)."""

    overall: _Part
    window: _WindowSums
    segments: tuple[tuple[object, _Part], ...] | None


def _part(t: _Tx, w: _Window, period: Period) -> _Part:
    return _Part(_counts(t, w), _period_tables(t, w, period))


def report_partials(t: _Tx, w: _Window, period: Period) -> ReportPartials:
    """The partials of the prepared rows ``t`` over the window ``w``. With segments, one part
    per value of ``t.segments`` (a customer with rows in two segments counts in both)."""
    segments = None
    if t.segment is not None and t.segments is not None:
        segments = tuple((name, _part(t.take(t.segment == i), w, period))
                         for i, name in enumerate(t.segments))
    return ReportPartials(_part(t, w, period), _window_sums(t, w, NRR_MONTHS), segments)


def add_partials(a: ReportPartials, b: ReportPartials) -> ReportPartials:
    """The partials of two disjoint sets of customers over the same window and segment values."""
    segments = None
    if a.segments is not None and b.segments is not None:
        if [name for name, _ in a.segments] != [name for name, _ in b.segments]:
            raise ValueError("partials of different segment values cannot be added")
        segments = tuple((name, x + y) for (name, x), (_, y) in zip(a.segments, b.segments))
    elif a.segments is not None or b.segments is not None:
        raise ValueError("partials with and without segments cannot be added")
    return ReportPartials(a.overall + b.overall, a.window + b.window, segments)
