"""The tables the metrics page's charts draw, beside the figures they come from.

Pure, no Streamlit. Index: segment names (or relationship type labels); rates are fractions,
money is in the data's currency.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import pandas as pd

from canvas.analytics import metrics
from canvas.analytics.segments import Measures, segment_groups
from canvas.domain.blocks import RELATIONSHIP_TYPES
from canvas.domain.measures import LIFETIME_CAP_MONTHS, expected_lifetime_months
from canvas.domain.relationships import monthly_cost_per_customer


def survey_table(surveys: pd.DataFrame | None) -> pd.DataFrame | None:
    """NPS and CSAT (fraction) per segment name."""
    if surveys is None or not len(surveys) or "segment" not in surveys.columns:
        return None
    columns = {}
    if "nps" in surveys.columns:
        columns["nps"] = cast(pd.DataFrame, metrics.nps(surveys, by="segment"))["nps"]
    if "csat" in surveys.columns:
        columns["csat"] = cast(pd.DataFrame, metrics.csat(surveys, by="segment"))["csat"]
    return pd.DataFrame(columns)


def retention_curves(tx: pd.DataFrame | metrics.Prepared, period: metrics.Period, *, max_offsets: int = 24,
                     groups: Mapping[str, tuple[str, metrics.Prepared]] | None = None) -> dict[str, pd.Series]:
    """Per segment name: the mean of its cohorts' retention k periods after the first order."""
    curves = {}
    for name, rows in sorted((segment_groups(tx) if groups is None else groups).values(), key=lambda g: g[0]):
        matrix = metrics.cohort_retention(rows, period)
        curves[name] = matrix.iloc[:, :max_offsets].mean(axis=0, skipna=True).dropna()
    return curves


def value_table(segments: list[Any], relationships: Mapping[str, Any], measures: Mapping[str, Measures], *,
                lifetime_cap: float = LIFETIME_CAP_MONTHS) -> pd.DataFrame:
    """Per designed segment: relationship cost over a customer's expected lifetime (1 / churn,
    capped), CLV, customers and CAC — what the cost-vs-value and LTV-vs-CAC charts draw."""
    rows = []
    for segment in segments:
        m, r = measures.get(segment.id), relationships.get(segment.id)
        if not m or r is None:
            continue
        lifetime = expected_lifetime_months(m.get("churn_rate"), lifetime_cap)
        rows.append({"segment": segment.name,
                     "lifetime_cost": monthly_cost_per_customer(r, segment.estimated_size) * lifetime,
                     "clv": m.get("clv") or 0.0, "customers": m.get("customers") or 0.0, "cac": m.get("cac")})
    return pd.DataFrame(rows).set_index("segment") if rows else pd.DataFrame()


def by_primary_type(measures: Mapping[str, Measures]) -> pd.DataFrame:
    """Retention and CLV per primary relationship type (index: the type's label) from
    ``segments.type_measures``."""
    rows = {RELATIONSHIP_TYPES[key].label: {"retention_rate": m.get("retention_rate"), "clv": m.get("clv")}
            for key, m in measures.items()}
    return pd.DataFrame.from_dict(rows, orient="index", columns=["retention_rate", "clv"]) if rows else pd.DataFrame()
