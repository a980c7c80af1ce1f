"""The one metrics service: a canvas's linked data and the filters in, one typed result out.

The metrics page's caches (``canvas.ui.metrics``) and ``python -m canvas metrics --canvas`` both
call ``metrics_of``; neither writes the pipeline again. It runs in two steps so the page can
cache each: ``linked_frames`` prepares a canvas's data once (the slow part, done again only
when the data change), ``metrics_of`` computes one selection from it. ``type_figures`` adds the
figures per primary relationship type, which depend on the board's designs, not on the data.

Results are frozen dataclasses. The frames inside are shared, not copied (the page hands one
result to every session showing that selection): callers only read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

import pandas as pd

from canvas.analytics import metrics
from canvas.analytics.chart_data import retention_curves, survey_table
from canvas.analytics.filters import Filters, apply_filters, select
from canvas.analytics.segments import (
    Measures,
    PrimaryTypes,
    segment_groups,
    segment_ids,
    segment_measures,
    type_measures,
)
from canvas.analytics.tiles import Figures, Tile, compute_figures, kpi_tiles
from canvas.customer_data.linked import CanvasData


@dataclass(frozen=True)
class LinkedFrames:
    """A canvas's linked data ready for any selection: the frames of ``linked.load_canvas_data``,
    the transactions prepared once (selections take subsets of them), segment name -> id, and
    the first and last day with an order."""

    transactions: pd.DataFrame
    surveys: pd.DataFrame | None
    spend: pd.DataFrame | None
    prepared: metrics.Prepared
    segment_ids: Mapping[str, str]
    first_day: date
    last_day: date


def linked_frames(data: CanvasData) -> LinkedFrames | None:
    """The canvas's data prepared for ``metrics_of``; None when it has no transactions."""
    tx = data.transactions
    if tx is None or not len(tx):
        return None
    return LinkedFrames(transactions=tx, surveys=data.surveys, spend=data.spend, prepared=metrics.prepare(tx),
                        segment_ids=MappingProxyType(segment_ids(tx)),
                        first_day=tx["date"].min().date(), last_day=tx["date"].max().date())


@dataclass(frozen=True)
class MetricsResult:
    """The figures of one selection, as the page draws them and the CLI prints them.

    ``tiles``: the headline figures, each labelled with its window, not yet held to targets
    (``tiles.with_targets``); ``figures``: the period series behind the tiles and charts;
    ``measures``: segment id -> monthly measures (keys of ``measures.TARGETS`` plus ``customers``
    and ``churn_trend``), what targets and the coach are checked against; ``rows``, ``surveys``,
    ``spend``: the selected rows; ``curves``: segment name -> mean cohort retention k periods
    on; ``survey_table``: NPS and CSAT per segment name.
    """

    filters: Filters
    tiles: tuple[Tile, ...]
    figures: Figures
    measures: Mapping[str, Measures]
    rows: metrics.Prepared
    surveys: pd.DataFrame | None
    spend: pd.DataFrame | None
    curves: Mapping[str, pd.Series]
    survey_table: pd.DataFrame | None
    segment_ids: Mapping[str, str]


def metrics_of(data: CanvasData | LinkedFrames, filters: Filters, *,
               margin: float | None = None) -> MetricsResult | None:
    """The figures of the rows ``filters`` select from a canvas's linked data (``CanvasData``, or
    the ``LinkedFrames`` made of it once); None when the selection has no orders.

    ``margin`` (a fraction, as ``metrics.summary`` takes it) multiplies historical CLV; the page
    shows revenue CLV (no margin).
    """
    frames = data if isinstance(data, LinkedFrames) else linked_frames(data)
    if frames is None:
        return None
    rows = select(frames.prepared, filters)
    if not len(rows):
        return None
    surveys = apply_filters(frames.surveys, filters)
    spend = apply_filters(frames.spend, filters, date_column="period_start")
    figures = compute_figures(rows, surveys, spend, period=filters.period, margin=margin)
    groups = segment_groups(rows, frames.segment_ids)
    measures = segment_measures(rows, surveys, spend, groups=groups)  # monthly, like the targets
    return MetricsResult(
        filters=filters,
        tiles=tuple(kpi_tiles(figures)),
        figures=figures,
        measures=_read_only(measures),
        rows=rows,
        surveys=surveys,
        spend=spend,
        curves=MappingProxyType(retention_curves(rows, filters.period, groups=groups)),
        survey_table=survey_table(surveys),
        segment_ids=frames.segment_ids,
    )


def type_figures(result: MetricsResult, types: PrimaryTypes) -> Mapping[str, Measures]:
    """The monthly measures per primary relationship type (type key -> measures), pooled over the
    segments each type is primary for (``segments.primary_types`` of the board)."""
    return _read_only(type_measures(result.rows, result.surveys, result.spend, types, by_segment=result.measures,
                                    ids=result.segment_ids))


def _read_only(measures: Mapping[str, Mapping[str, float | None]]) -> Mapping[str, Measures]:
    return MappingProxyType({key: MappingProxyType(dict(m)) for key, m in measures.items()})
