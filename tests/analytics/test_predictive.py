"""Predictive CLV for the metrics page: one fit, its customers per segment, the fallbacks."""

from __future__ import annotations

import pytest

from canvas.analytics.predictive import PredictiveCLV, predictive_clv
from canvas.customer_data.linking import UNASSIGNED
from tests.analytics.linked_demo import NAMES


def test_predictive_clv_per_customer_and_the_empty_fallback(demo):
    tx, _, _ = demo
    result = predictive_clv(tx)
    assert not result.fallback, result.reasons
    customers = result.customers
    assert len(customers) == tx["customer_id"].nunique()
    assert set(customers["segment"]) <= set(NAMES.values()) | {UNASSIGNED}
    empty = predictive_clv(tx.iloc[:0])
    assert empty.fallback and empty.customers.empty and "no orders" in empty.reasons[0]
    office = result.of_segments(["Office teams"])
    assert set(office.customers["segment"]) == {"Office teams"} and result.of_segments([]) is result
    means = result.per_segment()
    assert means.loc["Office teams", "predictive"] == pytest.approx(office.customers["clv"].mean())


def test_an_unavailable_fit_says_why():
    failed = PredictiveCLV.unavailable("The model could not be fitted (boom).")
    assert failed.fallback and failed.customers.empty and failed.per_segment().empty
    assert failed.reasons == ("The model could not be fitted (boom).",)
