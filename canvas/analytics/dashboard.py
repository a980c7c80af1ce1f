"""The metrics page's view model: filters, KPI tiles against targets, per-segment measures, what-if.

Pure functions over the canonical frames (see ``canvasdata``), built on ``metrics``: no
Streamlit. Rates are fractions; periods are ``pandas.Period``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from canvas.analytics import clv
from canvas.analytics import metrics
from canvas.domain.blocks import TARGETS
from canvas.ui.markup import compact

PERIODS = ("month", "quarter", "week")
LOWER_IS_BETTER = {"churn_rate", "cac"}
UNASSIGNED = "Unassigned"


# --- Filters -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    start: date | None = None
    end: date | None = None
    segments: tuple[str, ...] = ()  # segment names; empty = all
    period: str = "month"


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
    if period not in PERIODS:
        warnings.append(f"The link's period {period!r} is not one of {', '.join(PERIODS)}; months are shown.")
        period = "month"
    wanted = [s for s in (params.get("segments") or "").split("|") if s]
    unknown = [s for s in wanted if s not in segment_names]
    if unknown:
        warnings.append(f"The link names segments this canvas does not have ({', '.join(unknown)}); they were "
                        "left out.")
    segments = tuple(s for s in wanted if s in segment_names)
    return Filters(start, end, segments, period), warnings


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


# --- Figures as the page writes them -------------------------------------------------------------
# One rule per kind of figure (the units of ``Tile`` and ``blocks.TARGETS``), for values and changes.

def format_value(value: float | None, unit: str, currency: str = "") -> str:
    """A figure by its kind: count 1,766; rate (a fraction) 92.1 %; money 68.61, followed by the
    currency when given; score (NPS) 24; ratio 8.7. None or NaN: a dash."""
    if value is None or pd.isna(value):
        return "—"
    if unit == "rate":
        return f"{value * 100:.1f} %"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "score":
        return f"{value:.0f}"
    if unit == "ratio":
        return f"{value:.1f}"
    text = f"{value:,.2f}"
    return f"{text} {currency}" if currency else text


def format_delta(delta: float, unit: str) -> str:
    """A signed change between two figures of one kind: count +77; rate in percentage points
    +0.3 pts; NPS in points, a decimal only below 10 (+0.3 pts, +12 pts); money +13.97, compact
    from 10,000 (+41.7k); ratio +2.5. A change that rounds to nothing is "0" (Streamlit greys it)."""
    if unit == "rate":
        text = f"{delta * 100:+.1f} pts"
    elif unit == "score":
        text = f"{delta:+.1f} pts" if abs(delta) < 9.95 else f"{delta:+.0f} pts"
        text = text.replace(".0 pts", " pts")
    elif unit == "money":
        text = f"{delta:+,.2f}" if abs(delta) < 1e4 else ("+" if delta > 0 else "") + compact(delta)
    elif unit == "ratio":
        text = f"{delta:+.1f}"
    else:
        text = f"{delta:+,.0f}"
    return "0" if not any(c in "123456789" for c in text.split(" ")[0]) else text


# --- KPI tiles -----------------------------------------------------------------------------------

@dataclass
class Tile:
    key: str
    label: str
    value: float | None
    unit: str  # count, rate, money, score, ratio
    previous: float | None = None
    target: float | None = None
    help: str = ""

    @property
    def delta(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def met(self) -> bool | None:
        """Whether the value meets its target (direction-aware), None without either."""
        if self.value is None or self.target is None:
            return None
        return self.value <= self.target if self.key in LOWER_IS_BETTER else self.value >= self.target


def _num(value: Any) -> float | None:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) or math.isinf(value) else value


def _complete(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of complete periods only (a period cut short by the window says little)."""
    return frame[~frame["partial"]] if "partial" in frame.columns else frame


def _last_two(series: pd.Series) -> tuple[float | None, float | None]:
    values = series.dropna()
    last = _num(values.iloc[-1]) if len(values) else None
    before = _num(values.iloc[-2]) if len(values) > 1 else None
    return last, before


@dataclass
class Figures:
    """Everything the page draws for one selection, computed once."""

    summary: pd.Series
    previous_summary: pd.Series | None
    active: pd.DataFrame
    retention: pd.DataFrame
    revenue_retention: pd.DataFrame
    cohorts: pd.DataFrame
    layer_cake: pd.DataFrame
    nps: float | None = None
    csat: float | None = None
    previous_nps: float | None = None
    previous_csat: float | None = None
    cac: pd.DataFrame | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def compute_figures(tx: pd.DataFrame | metrics.Prepared, surveys: pd.DataFrame | None, spend: pd.DataFrame | None, *,
                    period: str = "month", margin: float | None = None) -> Figures:
    """All period series and headline figures for one selection of transactions."""
    tx = metrics.prepare(tx)  # factorised and sorted once for every figure below (a no-op if done)
    active = metrics.active_customers(tx, period)
    last_end = None
    complete = _complete(active)
    if len(complete) > 1:
        last_end = complete.index[-2].end_time.normalize()
    previous = metrics.summary(tx, end=last_end, margin=margin) if last_end is not None else None
    figures = Figures(
        summary=metrics.summary(tx, margin=margin),
        previous_summary=previous,
        active=active,
        retention=metrics.period_retention(tx, period),
        revenue_retention=metrics.revenue_retention(tx, period),
        cohorts=metrics.cohort_retention(tx, period),
        layer_cake=metrics.revenue_by_cohort(tx, period),
    )
    if surveys is not None and len(surveys):
        figures.nps = _num(metrics.nps(surveys)) if "nps" in surveys else None
        figures.csat = _num(metrics.csat(surveys)) if "csat" in surveys else None
        if last_end is not None:
            earlier = surveys[surveys["date"] <= last_end]
            if len(earlier):
                figures.previous_nps = _num(metrics.nps(earlier))
                figures.previous_csat = _num(metrics.csat(earlier))
    if spend is not None and len(spend):
        figures.cac = metrics.cac(tx, spend, period)
    return figures


def kpi_tiles(figures: Figures, *, targets: Mapping[str, float] | None = None) -> list[Tile]:
    """The headline tiles, each with the previous period's value and, when given, its target."""
    targets = targets or {}
    s, p = figures.summary, figures.previous_summary
    retention = _complete(figures.retention)
    ret_now, ret_before = _last_two(retention["retention_rate"])
    active = _complete(figures.active)
    act_now, act_before = _last_two(active["active"].astype(float))
    nrr_now, nrr_before = _last_two(_complete(figures.revenue_retention)["nrr"]) \
        if len(figures.revenue_retention) else (None, None)
    cac_now = cac_before = None
    if figures.cac is not None and len(figures.cac):
        cac_now, cac_before = _last_two(figures.cac["cac"])
    clv = _num(s.get("clv_historical"))
    ltv_cac = _num(metrics.ltv_to_cac(clv, cac_now)) if clv is not None and cac_now else None
    ltv_cac_before = None
    if p is not None and cac_before:
        ltv_cac_before = _num(metrics.ltv_to_cac(_num(p.get("clv_historical")) or 0, cac_before))

    def prev(key: str) -> float | None:
        return _num(p.get(key)) if p is not None else None

    tiles = [
        Tile("customers", "Active customers", act_now, "count", act_before,
             help="Customers with at least one order in the last complete period."),
        Tile("retention_rate", "Retention", ret_now, "rate", ret_before,
             help="Share of the previous period's active customers active again (last complete period)."),
        Tile("churn_rate", "Churn", None if ret_now is None else 1 - ret_now, "rate",
             None if ret_before is None else 1 - ret_before, help="1 − retention."),
        Tile("repeat_purchase_rate", "Repeat purchase rate", _num(s.get("repeat_purchase_rate")), "rate",
             prev("repeat_purchase_rate"), help="Share of customers with 2 or more orders."),
        Tile("aov", "AOV", _num(s.get("aov")), "money", prev("aov"), help="Average order value: revenue / orders."),
        Tile("clv", "CLV", clv, "money", prev("clv_historical"),
             help="Historical CLV: revenue per customer to date (× margin when given)."),
        Tile("nrr", "NRR", nrr_now, "rate", nrr_before,
             help="Revenue in the period from last period's customers / their revenue last period."),
        Tile("nps", "NPS", figures.nps, "score", figures.previous_nps,
             help="% promoters (9-10) − % detractors (0-6), −100 to 100."),
        Tile("csat", "CSAT", figures.csat, "rate", figures.previous_csat, help="% of responses scoring 4 or 5."),
        Tile("cac", "CAC", cac_now, "money", cac_before,
             help="Acquisition spend in the period / customers whose first order falls in it."),
        Tile("ltv_cac", "LTV : CAC", ltv_cac, "ratio", ltv_cac_before,
             help="Historical CLV / CAC; 3 or more is usually called healthy."),
    ]
    for tile in tiles:
        if tile.key in targets:
            tile.target = targets[tile.key]
    return tiles


def tile_targets(targets: Mapping[str, float], period: str) -> dict[str, float]:
    """The targets a tile can be held to at this granularity: retention and churn targets are
    monthly rates, so they apply to monthly tiles only."""
    per_period = {"retention_rate", "churn_rate"}
    return {key: value for key, value in targets.items() if period == "month" or key not in per_period}


# --- Per-segment measures (for the coach and the targets table) ----------------------------------

def segment_ids(frame: pd.DataFrame | None) -> dict[str, str]:
    """Segment name -> segment id ("" for Unassigned) in linked transactions."""
    if frame is None or not len(frame) or "segment_id" not in frame.columns:
        return {}
    pairs = frame[["segment", "segment_id"]].drop_duplicates("segment")
    return {str(name): str(sid) for name, sid in zip(pairs["segment"], pairs["segment_id"])}


def select(prepared: metrics.Prepared, filters: Filters) -> metrics.Prepared:
    """The prepared rows the filters keep: the rows ``apply_filters`` keeps, not prepared again."""
    return metrics.subset(prepared, start=filters.start, end=filters.end, segments=filters.segments or None)


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


def segment_measures(tx: pd.DataFrame, surveys: pd.DataFrame | None, spend: pd.DataFrame | None, *,
                     groups: Mapping[str, tuple[str, metrics.Prepared]] | None = None,
                     ) -> dict[str, dict[str, float | None]]:
    """Measured figures per segment id, keyed like ``blocks.TARGETS`` plus trend and size.

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
    period = "month"
    summary = metrics.summary(rows)
    retention = _complete(metrics.period_retention(rows, period))["retention_rate"].dropna()
    recent = retention.tail(3)
    churn = 1 - retention.tail(6)
    trend = float(np.polyfit(np.arange(len(churn)), churn.to_numpy(), 1)[0]) if len(churn) >= 3 else None
    measures: dict[str, float | None] = {
        "customers": _num(summary.get("customers")),
        "retention_rate": _num(recent.mean()) if len(recent) else None,
        "repeat_purchase_rate": _num(summary.get("repeat_purchase_rate")),
        "aov": _num(summary.get("aov")),
        "clv": _num(summary.get("clv_historical")),
        "churn_trend": trend,
    }
    measures["churn_rate"] = None if measures["retention_rate"] is None else 1 - measures["retention_rate"]
    if answers is not None and len(answers):
        measures["nps"] = _num(metrics.nps(answers)) if "nps" in answers else None
        measures["csat"] = _num(metrics.csat(answers)) if "csat" in answers else None
    if costs is not None and len(costs):
        table = metrics.cac(rows, costs, period)
        known = table.dropna(subset=["cac"])
        measures["cac"] = _num(known["spend"].sum() / known["new_customers"].sum()) if len(known) else None
    return measures


def primary_types(segments: list[Any], relationships: Mapping[str, Any]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(relationship type key, names of the segments it is primary for), in the types' order;
    hashable, so it can key a cache."""
    from canvas.domain.blocks import RELATIONSHIP_TYPES

    return tuple(
        (key, names) for key in RELATIONSHIP_TYPES
        if (names := tuple(s.name for s in segments
                           if (r := relationships.get(s.id)) is not None and r.primary_type == key))
    )


def type_measures(tx: pd.DataFrame | metrics.Prepared, surveys: pd.DataFrame | None, spend: pd.DataFrame | None,
                  types: tuple[tuple[str, tuple[str, ...]], ...], *,
                  by_segment: Mapping[str, Mapping[str, float | None]] | None = None,
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


def targets_table(measures: Mapping[str, Mapping[str, float | None]], targets: Mapping[str, Mapping[str, float]],
                  names: Mapping[str, str]) -> pd.DataFrame:
    """One row per segment and target: measured, target, met or missed."""
    rows = []
    for segment_id, wanted in targets.items():
        measured = measures.get(segment_id, {})
        for key, target in wanted.items():
            value = measured.get(key)
            value = None if value is None or pd.isna(value) else value
            met = None if value is None else (value <= target if key in LOWER_IS_BETTER else value >= target)
            rows.append({"segment": names.get(segment_id, segment_id), "metric": TARGETS[key][0],
                         "unit": TARGETS[key][1], "measured": value, "target": target,
                         "status": "no data" if met is None else ("met" if met else "missed")})
    return pd.DataFrame(rows, columns=["segment", "metric", "unit", "measured", "target", "status"])


# --- What-if -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Baseline:
    """Monthly figures measured on the founder's data; the projection starts from them."""

    active_customers: float
    retention: float  # monthly, fraction
    new_per_month: float
    revenue_per_active: float  # per active customer per month
    cost_per_customer: float  # relationship cost per active customer per month
    cac: float  # per new customer
    margin: float  # gross margin, fraction of revenue


def whatif_baseline(tx: pd.DataFrame | metrics.Prepared, *, cost_per_customer: float, cac: float | None,
                    margin: float = 0.5) -> Baseline:
    """Measured on complete months: active customers (last), retention (mean of the last 3),
    new customers (mean of the last 6), revenue per active customer (last 3)."""
    tx = metrics.prepare(tx)
    active = _complete(metrics.active_customers(tx, "month"))
    retention = _complete(metrics.period_retention(tx, "month"))["retention_rate"].dropna()
    if active.empty:
        raise ValueError("no complete month of data to project from")
    last3 = active.tail(3)
    return Baseline(
        active_customers=float(active["active"].iloc[-1]),
        retention=float(retention.tail(3).mean()) if len(retention) else 0.0,
        new_per_month=float(active["new"].tail(6).mean()),
        revenue_per_active=float(last3["revenue"].sum() / max(last3["active"].sum(), 1)),
        cost_per_customer=float(cost_per_customer),
        cac=float(cac or 0.0),
        margin=float(margin),
    )


def whatif_scenario(baseline: Baseline, *, retention_points: float = 0.0, cost_delta: float = 0.0,
                    cac_delta: float = 0.0) -> Baseline:
    """The baseline with the what-if's changes applied: retention in points (kept within 0-99.9 %),
    relationship cost and CAC in currency (never below zero)."""
    return replace(
        baseline,
        retention=min(max(baseline.retention + retention_points / 100, 0.0), 0.999),
        cost_per_customer=max(baseline.cost_per_customer + cost_delta, 0.0),
        cac=max(baseline.cac + cac_delta, 0.0),
    )


def change_caption(before: float, after: float, unit: str, currency: str = "") -> str:
    """What a what-if change leads to, as "49.95 → 54.95 EUR" (unchanged: "49.95 EUR, unchanged")."""
    if format_value(before, unit) == format_value(after, unit):
        return f"{format_value(before, unit, currency)}, unchanged"
    return f"{format_value(before, unit)} → {format_value(after, unit, currency)}"


def project(baseline: Baseline, *, months: int = 24, retention_points: float = 0.0, cost_delta: float = 0.0,
            cac_delta: float = 0.0) -> pd.DataFrame:
    """Month-by-month customers, revenue, costs and profit for the baseline and the scenario.

    customers(m+1) = customers(m) × retention + new; revenue = customers × revenue per active
    customer; profit = revenue × margin − customers × relationship cost − new × CAC.
    """
    scenario = whatif_scenario(baseline, retention_points=retention_points, cost_delta=cost_delta,
                               cac_delta=cac_delta)
    frames = [_run(baseline, months).assign(scenario="baseline"), _run(scenario, months).assign(scenario="scenario")]
    return pd.concat(frames, ignore_index=True)


def _run(b: Baseline, months: int) -> pd.DataFrame:
    steps = np.arange(months)
    # Closed form of c(m+1) = c(m) r + n: no loop, exact.
    r = b.retention
    growth = r ** steps
    customers = b.active_customers * growth + b.new_per_month * (
        (1 - growth) / (1 - r) if r != 1 else steps)
    revenue = customers * b.revenue_per_active
    relationship = customers * b.cost_per_customer
    acquisition = np.full(months, b.new_per_month * b.cac)
    profit = revenue * b.margin - relationship - acquisition
    return pd.DataFrame({"month": steps + 1, "customers": customers, "revenue": revenue,
                         "relationship_cost": relationship, "acquisition_cost": acquisition, "profit": profit})


def assumptions(baseline: Baseline, *, months: int, retention_points: float, cost_delta: float,
                cac_delta: float, currency: str) -> list[str]:
    b = baseline
    return [
        f"Starts from {b.active_customers:,.0f} active customers (the last complete month).",
        f"Monthly retention {b.retention:.1%} (mean of the last 3 complete months)"
        + (f", {retention_points:+.1f} points in the scenario." if retention_points else "."),
        f"{b.new_per_month:,.0f} new customers a month (mean of the last 6 complete months), in both.",
        f"{b.revenue_per_active:,.2f} {currency} revenue per active customer a month (last 3 months).",
        f"Gross margin {b.margin:.0%} of revenue.",
        f"Relationship cost {b.cost_per_customer:,.2f} {currency} per customer a month"
        + (f", {cost_delta:+,.2f} in the scenario." if cost_delta else "."),
        f"CAC {b.cac:,.2f} {currency} per new customer" + (f", {cac_delta:+,.2f} in the scenario." if cac_delta else "."),
        f"Projected over {months} months; no discounting, prices and behaviour otherwise unchanged.",
    ]


def retention_claim_check(baseline: Baseline, *, months: int = 36) -> dict[str, Any]:
    """The articles' claim: 5 % more retention raises profit by 25-95 % (Bain). Checked on the
    founder's numbers, both as +5 % of the retention rate and as +5 points."""
    base = _run(baseline, months)["profit"].sum()
    results = {}
    for label, retention in (("relative", baseline.retention * 1.05), ("points", baseline.retention + 0.05)):
        scenario = _run(replace(baseline, retention=min(retention, 0.999)), months)["profit"].sum()
        results[label] = (scenario - base) / abs(base) if base else None
    change = results["relative"]
    if change is None:
        sentence = "Profit is zero in the baseline, so a percentage change cannot be given."
    else:
        inside = 0.25 <= change <= 0.95
        sentence = (f"On your numbers, 5 % more retention ({baseline.retention:.1%} → "
                    f"{min(baseline.retention * 1.05, 0.999):.1%} a month) changes {months}-month profit by "
                    f"{change:+.0%}: {'inside' if inside else 'outside'} the 25-95 % the articles quote.")
    return {"base_profit": base, "relative": results["relative"], "points": results["points"], "months": months,
            "sentence": sentence}


# --- Predictive CLV -------------------------------------------------------------------------------

def predictive_clv(tx: pd.DataFrame | None, *, horizon_months: int = 12) -> dict[str, Any]:
    """BG/NBD + Gamma-Gamma CLV per customer over the rows' own history (calibrated to their last
    day), or historical CLV with the reasons when the data cannot support the models."""
    if tx is None or not len(tx):
        return {"customers": pd.DataFrame(columns=["segment", "value", "clv", "clv_historical"]),
                "fallback": True, "reasons": ["There are no orders in this selection."]}
    analysis = clv.analyse_clv(tx, calibration_end=tx["date"].max().date(), horizon_months=horizon_months)
    return {"customers": analysis.customers, "fallback": analysis.fallback, "reasons": analysis.reasons}


# --- Tables the charts draw ----------------------------------------------------------------------

def survey_table(surveys: pd.DataFrame | None) -> pd.DataFrame | None:
    """NPS and CSAT (fraction) per segment name."""
    if surveys is None or not len(surveys) or "segment" not in surveys.columns:
        return None
    columns = {}
    if "nps" in surveys.columns:
        columns["nps"] = metrics.nps(surveys, by="segment")["nps"]
    if "csat" in surveys.columns:
        columns["csat"] = metrics.csat(surveys, by="segment")["csat"]
    return pd.DataFrame(columns)


def retention_curves(tx: pd.DataFrame, period: str, *, max_offsets: int = 24,
                     groups: Mapping[str, tuple[str, metrics.Prepared]] | None = None) -> dict[str, pd.Series]:
    """Per segment name: the mean of its cohorts' retention k periods after the first order."""
    curves = {}
    for name, rows in sorted((segment_groups(tx) if groups is None else groups).values(), key=lambda g: g[0]):
        matrix = metrics.cohort_retention(rows, period)
        curves[name] = matrix.iloc[:, :max_offsets].mean(axis=0, skipna=True).dropna()
    return curves


def monthly_cost_per_customer(segment: Any, relationship: Any) -> float:
    """A relationship's cost per customer a month: per-customer cost plus the fixed cost spread
    over the segment's estimated size."""
    spread = relationship.cost_fixed_month / segment.estimated_size if segment.estimated_size else 0.0
    return relationship.cost_per_customer_month + spread


def value_table(segments: list[Any], relationships: Mapping[str, Any],
                measures: Mapping[str, Mapping[str, float | None]], *, lifetime_cap: float = 60) -> pd.DataFrame:
    """Per designed segment: relationship cost over a customer's expected lifetime (1 / churn,
    capped), CLV, customers and CAC — what the cost-vs-value and LTV-vs-CAC charts draw."""
    rows = []
    for segment in segments:
        m, r = measures.get(segment.id), relationships.get(segment.id)
        if not m or r is None:
            continue
        churn = m.get("churn_rate")
        lifetime = lifetime_cap if not churn else min(1 / churn, lifetime_cap)
        rows.append({"segment": segment.name, "lifetime_cost": monthly_cost_per_customer(segment, r) * lifetime,
                     "clv": m.get("clv") or 0.0, "customers": m.get("customers") or 0.0, "cac": m.get("cac")})
    return pd.DataFrame(rows).set_index("segment") if rows else pd.DataFrame()


def by_primary_type(measures: Mapping[str, Mapping[str, float | None]]) -> pd.DataFrame:
    """Retention and CLV per primary relationship type (index: the type's label) from
    ``type_measures``."""
    from canvas.domain.blocks import RELATIONSHIP_TYPES

    rows = {RELATIONSHIP_TYPES[key].label: {"retention_rate": m.get("retention_rate"), "clv": m.get("clv")}
            for key, m in measures.items()}
    return pd.DataFrame.from_dict(rows, orient="index", columns=["retention_rate", "clv"]) if rows else pd.DataFrame()


def average_relationship_cost(segments: list[Any], relationships: Mapping[str, Any]) -> float:
    """Relationship cost per customer a month across segments, weighted by their sizes."""
    sized = [(s.estimated_size or 0, monthly_cost_per_customer(s, relationships[s.id]))
             for s in segments if s.id in relationships]
    weight = sum(size for size, _ in sized)
    return sum(size * cost for size, cost in sized) / weight if weight else 0.0
