"""The KPI tiles: equal to the metric functions, held to targets, labelled with their window."""

from __future__ import annotations

import pytest

from canvas.analytics import metrics
from canvas.analytics.tiles import (
    LAST_PERIOD,
    SELECTION,
    Tile,
    compute_figures,
    kpi_tiles,
    tile_targets,
    window_label,
    with_targets,
)
from canvas.domain.formatting import format_delta, format_value


def test_tiles_equal_the_metric_functions(demo):
    tx, surveys, spend = demo
    figures = compute_figures(tx, surveys, spend)
    tiles = {t.key: t for t in kpi_tiles(figures, targets={"retention_rate": 0.99, "cac": 1000.0})}
    retention = metrics.period_retention(tx)
    complete = retention[~retention["partial"]]
    assert tiles["retention_rate"].value == pytest.approx(complete["retention_rate"].iloc[-1])
    assert tiles["retention_rate"].previous == pytest.approx(complete["retention_rate"].iloc[-2])
    assert tiles["churn_rate"].value == pytest.approx(1 - complete["retention_rate"].iloc[-1])
    assert tiles["aov"].value == pytest.approx(metrics.summary(tx)["aov"])
    assert tiles["nps"].value == pytest.approx(metrics.nps(surveys))
    assert tiles["retention_rate"].met is False  # 99 % is not reached
    assert tiles["cac"].met is True  # lower is better: well under 1,000


def test_met_is_direction_aware():
    assert Tile("churn_rate", "Churn", 0.05, "rate", target=0.07).met is True
    assert Tile("churn_rate", "Churn", 0.09, "rate", target=0.07).met is False
    assert Tile("nps", "NPS", 30, "score", target=40).met is False
    assert Tile("nps", "NPS", None, "score", target=40).met is None


def test_monthly_targets_apply_to_monthly_tiles_only():
    targets = {"retention_rate": 0.9, "churn_rate": 0.1, "nps": 40.0}
    assert tile_targets(targets, "month") == targets
    assert tile_targets(targets, "week") == {"nps": 40.0}


def test_demo_tile_deltas_have_no_stray_decimals(demo):
    tx, surveys, spend = demo
    tiles = {t.key: t for t in kpi_tiles(compute_figures(tx, surveys, spend))}
    customers = format_delta(tiles["customers"].delta, "count")
    assert customers.lstrip("+-").replace(",", "").isdigit()
    assert format_delta(tiles["nps"].delta, "score").endswith(" pts")


def test_each_tile_names_its_window_in_the_granularity_shown(demo):
    tx, surveys, spend = demo
    weekly = {t.key: t.window for t in kpi_tiles(compute_figures(tx, surveys, spend, period="week"))}
    assert weekly["customers"] == weekly["retention_rate"] == weekly["nrr"] == "last week"
    assert weekly["aov"] == weekly["nps"] == "whole selection"
    assert window_label(LAST_PERIOD, "month") == "last month" and window_label(SELECTION, "month") == "whole selection"
    with pytest.raises(ValueError):
        window_label("forever", "month")


def test_targets_are_added_without_changing_the_tiles(demo):
    tx, surveys, spend = demo
    tiles = kpi_tiles(compute_figures(tx, surveys, spend))
    held = with_targets(tiles, {"nps": 99.0})
    assert [t.target for t in tiles if t.key == "nps"] == [None]
    assert [t.met for t in held if t.key == "nps"] == [False]


@pytest.mark.parametrize(("delta", "unit", "shown"), [
    (77.0, "count", "+77"), (-1234.0, "count", "-1,234"),
    (0.003, "rate", "+0.3 pts"), (-0.0125, "rate", "-1.2 pts"),
    (0.29, "score", "+0.3 pts"), (-2.0, "score", "-2 pts"), (12.4, "score", "+12 pts"),
    (0.09, "money", "+0.09"), (-17.333, "money", "-17.33"), (41_700.0, "money", "+41.7k"),
    (2.46, "ratio", "+2.5"),
    (0.4, "count", "0"), (0.0004, "rate", "0"), (-0.04, "score", "0"), (-0.001, "money", "0"),
])
def test_deltas_are_written_by_the_kind_of_figure(delta, unit, shown):
    assert format_delta(delta, unit) == shown


def test_values_are_written_by_the_kind_of_figure():
    assert [format_value(v, u) for v, u in ((1766, "count"), (0.921, "rate"), (68.614, "money"),
                                            (24.2, "score"), (8.74, "ratio"))] \
        == ["1,766", "92.1 %", "68.61", "24", "8.7"]
    assert format_value(5002.86, "money", "EUR") == "5,002.86 EUR"
    assert format_value(0.5, "rate", "EUR") == "50.0 %"  # the currency is for money only
    assert format_value(None, "count") == format_value(float("nan"), "money") == "—"
