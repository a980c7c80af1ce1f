"""Per-segment and per-type measures, the targets they are held to, and the chart tables."""

from __future__ import annotations

from types import SimpleNamespace as NS

import pandas as pd
import pytest

from canvas.analytics import metrics
from canvas.analytics.chart_data import by_primary_type, value_table
from canvas.analytics.filters import Filters
from canvas.analytics.segments import (
    measures_table,
    primary_types,
    segment_measures,
    targets_for_tiles,
    targets_in_view,
    targets_table,
    type_measures,
)
from tests.analytics.linked_demo import NAMES


def test_segment_measures_equal_the_segment_alone(demo):
    tx, surveys, spend = demo
    measures = segment_measures(tx, surveys, spend)
    office = tx[tx["segment_id"] == "seg-office"]
    alone = segment_measures(office, surveys[surveys["segment_id"] == "seg-office"],
                             spend[spend["segment_id"] == "seg-office"])
    assert measures["seg-office"] == pytest.approx(alone["seg-office"])
    assert measures["seg-office"]["clv"] == pytest.approx(metrics.summary(office)["clv_historical"])
    assert set(measures) == set(NAMES)


def test_targets_table_marks_met_missed_and_missing():
    measures = {"seg-home": {"retention_rate": 0.95, "churn_rate": 0.05, "nps": float("nan")}}
    targets = {"seg-home": {"retention_rate": 0.9, "churn_rate": 0.03, "nps": 30.0}}
    table = targets_table(measures, targets, NAMES).set_index("metric")
    assert table["status"].tolist() == ["met", "missed", "no data"]
    assert table["segment"].unique().tolist() == ["Home brewers"]
    assert pd.isna(table["measured"].iloc[2])


def test_figures_per_primary_relationship_type_are_pooled_over_its_segments(demo):
    tx, surveys, spend = demo
    types = (("automated_services", ("Home brewers",)), ("self_service", ("Gift buyers", "Office teams")))
    by_type = type_measures(tx, surveys, spend, types)
    home = segment_measures(tx, surveys, spend)["seg-home"]
    assert by_type["automated_services"] == home  # one segment: its own figures
    pooled = tx[tx["segment"].isin(["Gift buyers", "Office teams"])]
    assert by_type["self_service"]["customers"] == pooled["customer_id"].nunique()
    assert by_type["self_service"]["clv"] == pytest.approx(metrics.summary(pooled)["clv_historical"])
    table = by_primary_type(by_type)
    assert list(table.index) == ["Automated services", "Self-service"]
    assert table.loc["Self-service", "clv"] == pytest.approx(by_type["self_service"]["clv"])


def test_primary_types_group_segment_names_by_their_primary_type():
    segments = [NS(id="a", name="Home brewers"), NS(id="b", name="Office teams"), NS(id="c", name="Gift buyers")]
    relationships = {"a": NS(primary_type="self_service"), "b": NS(primary_type="dedicated_personal_assistance"),
                     "c": NS(primary_type="self_service")}
    assert primary_types(segments, relationships) == (
        ("dedicated_personal_assistance", ("Office teams",)), ("self_service", ("Home brewers", "Gift buyers")))


def test_a_type_primary_for_one_segment_reuses_its_measures(demo):
    tx, surveys, spend = demo
    types = (("automated_services", ("Home brewers",)), ("self_service", ("Gift buyers", "Office teams")))
    known = {"seg-home": {"customers": -1.0}}  # a marker: reused, not recomputed
    by_type = type_measures(tx, surveys, spend, types, by_segment=known,
                            ids={name: sid for sid, name in NAMES.items()})
    assert by_type["automated_services"] == {"customers": -1.0}
    assert by_type["self_service"] == type_measures(tx, surveys, spend, types)["self_service"]


def test_segment_measures_are_monthly_whatever_the_charts_show(demo):
    tx, surveys, spend = demo
    monthly = metrics.period_retention(tx[tx["segment_id"] == "seg-office"], "month")
    complete = monthly[~monthly["partial"]]["retention_rate"].dropna()
    office = segment_measures(tx, surveys, spend)["seg-office"]
    assert office["retention_rate"] == pytest.approx(complete.tail(3).mean())


SEGMENTS = [NS(id="seg-home", name="Home brewers", estimated_size=1000),
            NS(id="seg-office", name="Office teams", estimated_size=40),
            NS(id="seg-gift", name="Gift buyers", estimated_size=None)]
DESIGNS = {"seg-home": NS(targets={"retention_rate": 0.9, "nps": 40.0}, cost_per_customer_month=0.5,
                          cost_fixed_month=500.0),
           "seg-office": NS(targets={"churn_rate": 0.02}, cost_per_customer_month=20.0, cost_fixed_month=0.0)}


def test_the_tiles_show_the_targets_of_a_single_selected_segment_at_its_granularity():
    home = targets_for_tiles(SEGMENTS, DESIGNS, Filters(segments=("Home brewers",)))
    assert (home.segment, dict(home.targets), home.monthly_only) == ("Home brewers", DESIGNS["seg-home"].targets,
                                                                     False)
    weekly = targets_for_tiles(SEGMENTS, DESIGNS, Filters(segments=("Home brewers",), period="week"))
    assert dict(weekly.targets) == {"nps": 40.0} and weekly.monthly_only
    for filters in (Filters(), Filters(segments=("Home brewers", "Office teams")), Filters(segments=("Gift buyers",))):
        assert targets_for_tiles(SEGMENTS, DESIGNS, filters).segment is None


def test_the_targets_table_covers_the_segments_in_view():
    assert set(targets_in_view(SEGMENTS, DESIGNS, Filters())) == {"seg-home", "seg-office"}
    assert set(targets_in_view(SEGMENTS, DESIGNS, Filters(segments=("Office teams", "Gift buyers")))) == {"seg-office"}


def test_value_table_spreads_the_fixed_cost_and_caps_the_lifetime():
    measures = {"seg-home": {"churn_rate": 0.1, "clv": 80.0, "customers": 900.0},
                "seg-office": {"churn_rate": 0.0, "clv": 5000.0, "customers": 40.0, "cac": 400.0}}
    table = value_table(SEGMENTS, DESIGNS, measures)
    assert table.loc["Home brewers", "lifetime_cost"] == pytest.approx((0.5 + 500 / 1000) * 10)
    assert table.loc["Office teams", "lifetime_cost"] == pytest.approx(20.0 * 60)  # no churn: the cap
    assert list(table.index) == ["Home brewers", "Office teams"]  # Gift buyers has no design


def test_measures_table_names_the_segments(demo):
    tx, surveys, spend = demo
    export = measures_table(segment_measures(tx, surveys, spend), NAMES)
    assert set(export["segment"]) == set(NAMES.values()) and "retention_rate" in export.columns
