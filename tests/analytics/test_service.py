"""The one metrics service: a canvas's linked data and the filters in, one read-only result out."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date

import pandas as pd
import pytest

from canvas.analytics import metrics, service
from canvas.analytics.chart_data import retention_curves
from canvas.analytics.filters import Filters, apply_filters, select
from canvas.analytics.segments import segment_groups, segment_ids, segment_measures, type_measures
from canvas.analytics.tiles import compute_figures, kpi_tiles
from canvas.customer_data.linked import CanvasData


def test_selecting_prepared_rows_gives_the_figures_of_the_filtered_frame(demo):
    tx, surveys, spend = demo
    filters = Filters(start=date(2025, 3, 1), end=date(2026, 6, 30), segments=("Home brewers", "Office teams"))
    frame = apply_filters(tx, filters)
    rows = select(metrics.prepare(tx), filters)
    groups = segment_groups(rows, segment_ids(tx))
    assert set(groups) == {"seg-home", "seg-office"}
    assert segment_measures(rows, surveys, spend, groups=groups) == segment_measures(frame, surveys, spend)
    assert compute_figures(rows, surveys, spend).summary.equals(compute_figures(frame, surveys, spend).summary)
    curves = retention_curves(rows, "month", groups=groups)
    for name, curve in retention_curves(frame, "month").items():
        pd.testing.assert_series_equal(curves[name], curve)


def test_the_result_is_the_figures_of_the_selected_rows(demo):
    tx, surveys, spend = demo
    filters = Filters(start=date(2025, 3, 1), segments=("Office teams", "Gift buyers"), period="quarter")
    result = service.metrics_of(CanvasData(transactions=tx, surveys=surveys, spend=spend), filters)
    rows, chosen_surveys = apply_filters(tx, filters), apply_filters(surveys, filters)
    chosen_spend = apply_filters(spend, filters, date_column="period_start")
    assert result.filters == filters and len(result.rows) == len(rows)
    expected = kpi_tiles(compute_figures(rows, chosen_surveys, chosen_spend, period="quarter"))
    assert [(t.key, t.label, t.window) for t in result.tiles] == [(t.key, t.label, t.window) for t in expected]
    assert [t.value for t in result.tiles] == pytest.approx([t.value for t in expected])  # sums in another order
    assert dict(result.measures) == segment_measures(rows, chosen_surveys, chosen_spend)
    assert set(result.curves) == {"Office teams", "Gift buyers"}
    assert set(result.survey_table.index) == {"Office teams", "Gift buyers"}
    types = (("self_service", ("Gift buyers", "Office teams")),)
    by_type = service.type_figures(result, types)["self_service"]
    assert by_type == pytest.approx(type_measures(rows, chosen_surveys, chosen_spend, types)["self_service"])


def test_the_result_is_read_only_and_empty_selections_give_none(demo):
    tx, surveys, spend = demo
    frames = service.linked_frames(CanvasData(transactions=tx, surveys=surveys, spend=spend))
    assert (frames.first_day, frames.last_day) == (tx["date"].min().date(), tx["date"].max().date())
    result = service.metrics_of(frames, Filters())
    with pytest.raises(FrozenInstanceError):
        result.tiles = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.measures["seg-home"]["clv"] = 0.0  # type: ignore[index]
    assert service.metrics_of(frames, Filters(start=date(2030, 1, 1))) is None
    assert service.linked_frames(CanvasData()) is None and service.metrics_of(CanvasData(), Filters()) is None
