"""The measures targets talk about: which way is better, when a target is met, the lifetime cap."""

from __future__ import annotations

import pytest

from canvas.domain.measures import LIFETIME_CAP_MONTHS, LOWER_IS_BETTER, TARGETS, expected_lifetime_months, target_met


def test_only_churn_and_cac_are_better_lower():
    assert LOWER_IS_BETTER == {"churn_rate", "cac"}
    assert LOWER_IS_BETTER <= set(TARGETS)


@pytest.mark.parametrize("key, value, target, met", [
    ("retention_rate", 0.92, 0.90, True), ("retention_rate", 0.90, 0.90, True), ("retention_rate", 0.85, 0.90, False),
    ("nps", 41, 40, True), ("clv", 5999, 6000, False),
    ("churn_rate", 0.03, 0.05, True), ("churn_rate", 0.05, 0.05, True), ("churn_rate", 0.08, 0.05, False),
    ("cac", 40.0, 45.0, True), ("cac", 50.0, 45.0, False),
])
def test_a_target_is_met_in_its_measures_direction(key, value, target, met):
    assert target_met(key, value, target) is met


@pytest.mark.parametrize("churn, months", [(0.05, 20.0), (0.25, 4.0), (0.001, LIFETIME_CAP_MONTHS),
                                           (0.0, LIFETIME_CAP_MONTHS), (None, LIFETIME_CAP_MONTHS)])
def test_expected_lifetime_is_one_over_churn_capped(churn, months):
    assert expected_lifetime_months(churn) == pytest.approx(months)


def test_the_lifetime_cap_is_five_years_unless_given():
    assert LIFETIME_CAP_MONTHS == 60
    assert expected_lifetime_months(0.001, cap=24) == 24
