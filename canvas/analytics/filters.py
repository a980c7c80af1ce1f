"""The metrics page's filters: a date range, segments and a granularity, and the URL they live in.

Pure functions, no Streamlit. The same ``Filters`` select rows for the page and for
``python -m canvas metrics --canvas``; both ends of the date range are inclusive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import cast

import numpy as np
import pandas as pd

from canvas.analytics import metrics


@dataclass(frozen=True)
class Filters:
    """A selection of the canvas's data: days ``start``..``end`` (inclusive; None = open),
    segment names (empty = all) and the granularity of the period charts (one of
    ``metrics.PERIODS``). Frozen and hashable, so it keys the page's caches."""

    start: date | None = None
    end: date | None = None
    segments: tuple[str, ...] = ()
    period: metrics.Period = "month"


def filters_to_query(filters: Filters) -> dict[str, str]:
    """The filters as URL query parameters (only those that differ from the defaults)."""
    query = {}
    if filters.start:
        query["from"] = filters.start.isoformat()
    if filters.end:
        query["to"] = filters.end.isoformat()
    if filters.segments:
        query["segments"] = "|".join(filters.segments)
    if filters.period != "month":
        query["period"] = filters.period
    return query


def filters_from_query(params: Mapping[str, str], *, segment_names: list[str]) -> tuple[Filters, list[str]]:
    """Filters from URL query parameters; a bad value falls back to its default, with a warning."""
    warnings: list[str] = []

    def day(key: str) -> date | None:
        value = params.get(key)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            warnings.append(f"The link's “{key}” date {value!r} is not a date like 2026-01-31; it was ignored.")
            return None

    start, end = day("from"), day("to")
    if start and end and start > end:
        warnings.append("The link's date range ends before it starts; the whole range is shown.")
        start = end = None
    period = params.get("period", "month")
    if period not in metrics.PERIODS:
        warnings.append(f"The link's period {period!r} is not one of {', '.join(metrics.PERIODS)}; months are shown.")
        period = "month"
    wanted = [s for s in (params.get("segments") or "").split("|") if s]
    unknown = [s for s in wanted if s not in segment_names]
    if unknown:
        warnings.append(f"The link names segments this canvas does not have ({', '.join(unknown)}); they were "
                        "left out.")
    segments = tuple(s for s in wanted if s in segment_names)
    return Filters(start, end, segments, cast(metrics.Period, period)), warnings


def within_data(filters: Filters, first: date, last: date) -> Filters:
    """The filters with a date bound dropped when it does not cut the data (first..last).

    The whole range and no range are then one view: one URL, one cache entry, one CLV fit.
    """
    start = filters.start if filters.start and filters.start > first else None
    end = filters.end if filters.end and filters.end < last else None
    return replace(filters, start=start, end=end)


def apply_filters(frame: pd.DataFrame | None, filters: Filters, *, date_column: str = "date") -> pd.DataFrame | None:
    """Rows of the selected segments within the date range (both ends inclusive)."""
    if frame is None:
        return None
    keep = np.ones(len(frame), dtype=bool)
    if filters.segments and "segment" in frame.columns:
        keep &= frame["segment"].isin(filters.segments).to_numpy()
    if date_column in frame.columns:
        if filters.start:
            keep &= (frame[date_column] >= pd.Timestamp(filters.start)).to_numpy()
        if filters.end:
            keep &= (frame[date_column] < pd.Timestamp(filters.end) + pd.Timedelta(days=1)).to_numpy()
    return frame[keep] if not keep.all() else frame


def select(prepared: metrics.Prepared, filters: Filters) -> metrics.Prepared:
    """The prepared rows the filters keep: the rows ``apply_filters`` keeps, not prepared again."""
    return metrics.subset(prepared, start=filters.start, end=filters.end, segments=filters.segments or None)
