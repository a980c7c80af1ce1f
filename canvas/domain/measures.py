"""The measures a founder sets targets for, which way is better for each, the lifetime cap and
the periods figures are counted in.

``TARGETS`` is the one list of target metrics (the Relationships form, the coach and the metrics
page's targets table all read it); ``target_met`` is the one rule for "is this target met".
"""

from __future__ import annotations

# Target metrics a founder sets per segment: key -> (label, unit, lowest, highest).
# Rates are fractions 0-1 in data (shown as %); NPS is -100..100; CSAT a fraction of 4-5 answers.
TARGETS: dict[str, tuple[str, str, float, float]] = {
    "retention_rate": ("Monthly retention rate", "rate", 0.0, 1.0),
    "churn_rate": ("Monthly churn rate", "rate", 0.0, 1.0),
    "repeat_purchase_rate": ("Repeat purchase rate", "rate", 0.0, 1.0),
    "nps": ("NPS", "score", -100.0, 100.0),
    "csat": ("CSAT", "rate", 0.0, 1.0),
    "clv": ("Customer lifetime value", "money", 0.0, 1e9),
    "cac": ("Customer acquisition cost", "money", 0.0, 1e9),
}

# Measures where a smaller value is the better one; for every other measure, larger is better.
LOWER_IS_BETTER = frozenset({"churn_rate", "cac"})

# The periods figures are counted in (calendar months, calendar quarters, ISO weeks); the first
# is the default of the metrics page and of ``python -m canvas metrics``.
PERIODS: tuple[str, ...] = ("month", "quarter", "week")

# Expected customer lifetime cap (months) when churn is tiny or zero, so lifetime costs stay finite.
LIFETIME_CAP_MONTHS = 60


def target_met(key: str, value: float, target: float) -> bool:
    """Whether ``value`` meets ``target`` for the measure ``key``: at most the target for a
    measure in ``LOWER_IS_BETTER`` (churn, CAC), at least the target for every other one."""
    return value <= target if key in LOWER_IS_BETTER else value >= target


def expected_lifetime_months(churn: float | None, cap: float = LIFETIME_CAP_MONTHS) -> float:
    """A customer's expected lifetime in months from a monthly churn rate (a fraction): 1 / churn,
    at most ``cap``; the cap itself when churn is unknown or zero."""
    if churn is None or churn <= 0:
        return float(cap)
    return min(1 / churn, cap)
