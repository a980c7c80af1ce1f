"""Per-segment and per-relationship-type measures, and the targets they are held to.

Measures are keyed like ``measures.TARGETS`` (plus ``customers`` and ``churn_trend``) and are
monthly whatever granularity the charts show, since targets are monthly. Segments and
relationships are the board's (``storage.load_board``): anything with ``id``/``name`` and
``primary_type``/``targets``. Rates are fractions; money is in the data's currency.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from canvas.analytics import metrics
from canvas.analytics.filters import Filters
from canvas.analytics.tiles import complete, number, tile_targets
from canvas.domain.blocks import RELATIONSHIP_TYPES
from canvas.domain.measures import TARGETS, target_met

# Measures of one segment (or type): measure key -> value, None when the data cannot give it.
Measures = Mapping[str, float | None]
# Primary relationship types: (type key, names of the segments it is primary for), in the types' order.
PrimaryTypes = tuple[tuple[str, tuple[str, ...]], ...]


def segment_ids(frame: pd.DataFrame | None) -> dict[str, str]:
    """Segment name -> segment id ("" for Unassigned) in linked transactions."""
    if frame is None or not len(frame) or "segment_id" not in frame.columns:
        return {}
    pairs = frame[["segment", "segment_id"]].drop_duplicates("segment")
    return {str(name): str(sid) for name, sid in zip(pairs["segment"], pairs["segment_id"])}


def segment_groups(tx: pd.DataFrame | metrics.Prepared, ids: Mapping[str, str] | None = None,
                   ) -> dict[str, tuple[str, metrics.Prepared]]:
    """Per segment id ("" for Unassigned): its name and its rows, prepared once and shared by the
    measures and the curves. ``ids`` (name -> id) is needed when ``tx`` is already prepared."""
    if isinstance(tx, pd.DataFrame):
        if not len(tx) or "segment_id" not in tx.columns:
            return {}
        ids = segment_ids(tx)
    if not ids:
        return {}
    prepared = metrics.prepare(tx)
    return {ids.get(name, ""): (name, metrics.subset(prepared, segments=[name]))
            for name in metrics.segment_values(prepared)}


def segment_measures(tx: pd.DataFrame | metrics.Prepared, surveys: pd.DataFrame | None,
                     spend: pd.DataFrame | None, *,
                     groups: Mapping[str, tuple[str, metrics.Prepared]] | None = None,
                     ) -> dict[str, dict[str, float | None]]:
    """Measured figures per segment id, keyed like ``measures.TARGETS`` plus trend and size.

    Monthly whatever granularity the charts show, since the targets are monthly:
    retention_rate: mean of the last 3 complete months; churn_rate: 1 − that; churn_trend:
    least-squares slope of churn over the last 6 complete months (fraction per month).
    """
    out: dict[str, dict[str, float | None]] = {}
    if tx is None or not len(tx):
        return out
    survey_groups = dict(tuple(surveys.groupby("segment_id"))) if surveys is not None and len(surveys) \
        and "segment_id" in surveys.columns else {}
    spend_groups = dict(tuple(spend.groupby("segment_id"))) if spend is not None and len(spend) \
        and "segment_id" in spend.columns else {}
    for segment_id, (_, rows) in (segment_groups(tx) if groups is None else groups).items():
        if segment_id:  # Unassigned: no design, no targets
            out[segment_id] = _measures(rows, survey_groups.get(segment_id), spend_groups.get(segment_id))
    return out


def _measures(rows: metrics.Prepared, answers: pd.DataFrame | None, costs: pd.DataFrame | None,
              ) -> dict[str, float | None]:
    period: metrics.Period = "month"
    summary = metrics.summary(rows)
    retention = complete(metrics.period_retention(rows, period))["retention_rate"].dropna()
    recent = retention.tail(3)
    churn = 1 - retention.tail(6)
    trend = float(np.polyfit(np.arange(len(churn)), churn.to_numpy(), 1)[0]) if len(churn) >= 3 else None
    measures: dict[str, float | None] = {
        "customers": number(summary.get("customers")),
        "retention_rate": number(recent.mean()) if len(recent) else None,
        "repeat_purchase_rate": number(summary.get("repeat_purchase_rate")),
        "aov": number(summary.get("aov")),
        "clv": number(summary.get("clv_historical")),
        "churn_trend": trend,
    }
    retained = measures["retention_rate"]
    measures["churn_rate"] = None if retained is None else 1 - retained
    if answers is not None and len(answers):
        measures["nps"] = number(metrics.nps(answers)) if "nps" in answers else None
        measures["csat"] = number(metrics.csat(answers)) if "csat" in answers else None
    if costs is not None and len(costs):
        table = metrics.cac(rows, costs, period)
        known = table.dropna(subset=["cac"])
        measures["cac"] = number(known["spend"].sum() / known["new_customers"].sum()) if len(known) else None
    return measures


def primary_types(segments: list[Any], relationships: Mapping[str, Any]) -> PrimaryTypes:
    """(relationship type key, names of the segments it is primary for), in the types' order;
    hashable, so it can key a cache."""
    return tuple(
        (key, names) for key in RELATIONSHIP_TYPES
        if (names := tuple(s.name for s in segments
                           if (r := relationships.get(s.id)) is not None and r.primary_type == key))
    )


def type_measures(tx: pd.DataFrame | metrics.Prepared, surveys: pd.DataFrame | None, spend: pd.DataFrame | None,
                  types: PrimaryTypes, *,
                  by_segment: Mapping[str, Measures] | None = None,
                  ids: Mapping[str, str] | None = None,
                  ) -> dict[str, dict[str, float | None]]:
    """The segment measures per primary relationship type (key -> measures), each computed on the
    rows of the segments that type is primary for, pooled: not an average of segment figures;
    monthly, as ``segment_measures``.

    ``by_segment`` (what ``segment_measures`` returned for the same rows, by segment id; ``ids``
    maps segment names to ids) is reused for a type that is primary for one segment only: its
    figures are that segment's.
    """
    prepared = metrics.prepare(tx)
    known, ids = by_segment or {}, ids or {}
    out = {}
    for key, names in types:
        if len(names) == 1 and ids.get(names[0]) in known:
            out[key] = dict(known[ids[names[0]]])
            continue
        rows = metrics.subset(prepared, segments=names)
        if not len(rows):
            continue
        out[key] = _measures(rows, _of_segments(surveys, names), _of_segments(spend, names))
    return out


def _of_segments(frame: pd.DataFrame | None, names: tuple[str, ...]) -> pd.DataFrame | None:
    if frame is None or not len(frame) or "segment" not in frame.columns:
        return None
    return frame[frame["segment"].isin(names)]


# --- Targets -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TileTargets:
    """The targets the KPI tiles are held to: those of the one segment selected (``segment``, its
    name; None when the selection is not a single designed segment), at this granularity.
    ``monthly_only`` says some of its targets are monthly rates left off at another granularity."""

    segment: str | None
    targets: Mapping[str, float]
    monthly_only: bool = False


def targets_for_tiles(segments: list[Any], relationships: Mapping[str, Any], filters: Filters) -> TileTargets:
    """The tiles' targets for this selection: a single selected segment's, else none."""
    single = [s for s in segments if filters.segments == (s.name,)]
    design = relationships.get(single[0].id) if single else None
    if design is None:
        return TileTargets(segment=None, targets={})
    chosen = tile_targets(design.targets, filters.period)
    return TileTargets(segment=single[0].name, targets=chosen, monthly_only=len(chosen) < len(design.targets))


def targets_in_view(segments: list[Any], relationships: Mapping[str, Any],
                    filters: Filters) -> dict[str, dict[str, float]]:
    """Segment id -> its targets, for the designed segments the selection shows (all when no
    segment is picked)."""
    in_view = {s.id for s in segments if not filters.segments or s.name in filters.segments}
    return {sid: dict(r.targets) for sid, r in relationships.items() if r.targets and sid in in_view}


def targets_table(measures: Mapping[str, Measures], targets: Mapping[str, Mapping[str, float]],
                  names: Mapping[str, str]) -> pd.DataFrame:
    """One row per segment and target: measured, target, met or missed."""
    rows = []
    for segment_id, wanted in targets.items():
        measured = measures.get(segment_id, {})
        for key, target in wanted.items():
            value = measured.get(key)
            value = None if value is None or pd.isna(value) else value
            met = None if value is None else target_met(key, value, target)
            rows.append({"segment": names.get(segment_id, segment_id), "metric": TARGETS[key][0],
                         "unit": TARGETS[key][1], "measured": value, "target": target,
                         "status": "no data" if met is None else ("met" if met else "missed")})
    return pd.DataFrame(rows, columns=["segment", "metric", "unit", "measured", "target", "status"])


def measures_table(measures: Mapping[str, Measures], names: Mapping[str, str]) -> pd.DataFrame:
    """One row per segment (its name, else its id) with its measures as columns: the CSV export."""
    return pd.DataFrame([{"segment": names.get(sid, sid), **m} for sid, m in measures.items()])
