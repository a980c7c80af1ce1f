"""The metrics report for the CLI and the dashboard: every figure of DOMAIN.md as a
JSON-ready dict (NaN as ``None``), overall and per segment."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from canvas.analytics.jsonable import to_json_value
from canvas.analytics.metrics.acquisition import _cac_frame, cac_payback_months, ltv_to_cac
from canvas.analytics.metrics.headline import _check_margin, _headline, _ratio
from canvas.analytics.metrics.lifetime import _annual_churn, simple_clv
from canvas.analytics.metrics.partials import NRR_MONTHS, ReportPartials, _Part, report_partials
from canvas.analytics.metrics.periods import Period, _labels, period_label
from canvas.analytics.metrics.prepare import (
    DateLike,
    _as_days,
    _in_window,
    _iso_day,
    _prepare,
    _require,
    _resolve_window,
    _Window,
)
from canvas.analytics.metrics.retention import _cohort_frame, _retention_frame
from canvas.analytics.metrics.revenue import _revenue_retention_frame, _window_figures
from canvas.analytics.metrics.surveys import csat, nps
from canvas.analytics.metrics.tables import _PeriodTables


def metrics_report(tx: pd.DataFrame, *, period: Period = "month", start: DateLike = None,
                   end: DateLike = None, as_of: DateLike = None, margin: float | None = None,
                   surveys: pd.DataFrame | None = None,
                   spend: pd.DataFrame | None = None) -> dict[str, Any]:
    """Every transaction metric of DOMAIN.md as a JSON-ready dict (rates are fractions,
    money is in the data's currency, NaN is None).

    Keys: ``period``, ``window`` {start, end, as_of}, ``margin``; the scalar figures of
    :func:`summary` plus ``annual_churn`` (1 - pooled whole-period retention ** periods per
    year) and ``clv_simple``; ``nrr_12m``/``grr_12m`` (:func:`revenue_retention_window`);
    ``active``, ``retention``, ``revenue_retention`` (lists of per-period dicts with a
    ``period`` label) and ``cohorts`` (list of {cohort, size, retention}); ``segments``
    ({segment: scalar figures}) when ``tx`` has a ``segment`` column. With ``surveys``: ``nps``,
    ``csat`` and their response counts; with ``spend``: ``cac`` per period, ``cac_overall``
    (spend / new customers over periods with spend), ``ltv_cac`` (simple CLV, else historical,
    over overall CAC) and ``cac_payback_months``.
    """
    _check_margin(margin)
    t = _prepare(tx)
    w = _resolve_window(t, start, end, as_of)
    return finish_report(report_partials(t, w, period), w, period=period, margin=margin,
                         surveys=surveys, spend=spend)


def finish_report(parts: ReportPartials, w: _Window, *, period: Period, margin: float | None,
                  surveys: pd.DataFrame | None = None,
                  spend: pd.DataFrame | None = None) -> dict[str, Any]:
    """The report of :func:`metrics_report` from the partials of all the rows over window
    ``w`` (see ``partials``): every ratio is taken here, once."""
    m = _check_margin(margin)
    raw = _raw_figures(parts.overall, w, period, m)
    window_nrr = _window_figures(parts.window, w, NRR_MONTHS)
    pt = parts.overall.tables
    retention = _retention_frame(pt)

    report: dict[str, Any] = {
        "period": period,
        "window": {"start": _iso_day(w.begin), "end": _iso_day(w.end - 1),
                   "as_of": _iso_day(w.as_of - 1)},
        "margin": margin,
        **{k: to_json_value(v) for k, v in raw.items()},
        "nrr_12m": to_json_value(window_nrr["nrr"]),
        "grr_12m": to_json_value(window_nrr["grr"]),
    }
    labels = _labels(pt.periods)
    report["active"] = [
        {"period": labels[i], "active": int(pt.active[i]), "new": int(pt.new[i]),
         "revenue": to_json_value(pt.revenue[i]), "partial": bool(pt.partial[i])}
        for i in range(len(labels))
    ]
    report["retention"] = [
        {"period": period_label(p), "retention_rate": to_json_value(r.retention_rate),
         "churn_rate": to_json_value(r.churn_rate), "active_previous": int(r.active_previous),
         "retained": int(r.retained), "partial": bool(r.partial)}
        for p, r in zip(retention.index, retention.itertuples())
    ]
    rr = _revenue_retention_frame(pt)
    report["revenue_retention"] = [
        {"period": period_label(p), "nrr": to_json_value(r.nrr), "grr": to_json_value(r.grr),
         "base_customers": int(r.base_customers), "base_revenue": to_json_value(r.base_revenue)}
        for p, r in zip(rr.index, rr.itertuples())
    ]
    cohorts = _cohort_frame(pt, counts=False)
    sizes = _cohort_frame(pt, counts=True).iloc[:, 0] if len(cohorts) else []
    report["cohorts"] = [
        {"cohort": period_label(c), "size": int(size),
         "retention": [to_json_value(v) for v in row[~np.isnan(row)]]}
        for c, size, row in zip(cohorts.index, sizes, cohorts.to_numpy())
    ]
    if surveys is not None:
        report.update(_survey_figures(surveys, w))
    if spend is not None:
        report.update(_spend_figures(pt, spend, period, raw, m))
    if parts.segments is not None:
        # Each segment's figures are those of its own rows (and survey responses and spend
        # rows when these have segments too), over the same window.
        segments = {}
        for name, part in parts.segments:
            seg_raw = _raw_figures(part, w, period, m)
            seg = {k: to_json_value(v) for k, v in seg_raw.items()}
            if surveys is not None and "segment" in surveys.columns:
                seg.update(_survey_figures(surveys[surveys["segment"] == name], w))
            if spend is not None and "segment" in spend.columns:
                seg.update(_spend_figures(part.tables, spend[spend["segment"] == name], period,
                                          seg_raw, m))
            segments[str(name)] = seg
        report["segments"] = segments
    return report


def _raw_figures(part: _Part, w: _Window, period: Period, margin: float) -> dict[str, float]:
    """The headline figures of one part, with annual churn and simple CLV."""
    figures = _headline(part.counts, w, margin)
    churn = _annual_churn(_retention_frame(part.tables), period)
    figures["annual_churn"] = churn
    figures["clv_simple"] = simple_clv(figures["aov"], figures["orders_per_customer_per_year"],
                                       churn, margin)
    return figures


def _survey_figures(surveys: pd.DataFrame, w: _Window) -> dict[str, Any]:
    _require(surveys, ("date",), "survey responses")
    inside = _in_window(_as_days(surveys["date"]), w)
    chosen = surveys[inside]
    out: dict[str, Any] = {}
    if "nps" in chosen.columns:
        out["nps"] = to_json_value(nps(chosen))
        out["nps_responses"] = int(chosen["nps"].notna().sum())
    if "csat" in chosen.columns:
        out["csat"] = to_json_value(csat(chosen))
        out["csat_responses"] = int(chosen["csat"].notna().sum())
    return out


def _spend_figures(pt: _PeriodTables, spend: pd.DataFrame, period: Period,
                   figures: dict[str, float], margin: float) -> dict[str, Any]:
    _require(spend, ("period_start", "amount"), "spend")
    table = _cac_frame(pt, _as_days(spend["period_start"]),
                       spend["amount"].to_numpy(dtype=float), period)
    clv_simple = figures["clv_simple"]
    known = table["spend"].notna()
    overall = _ratio(float(table.loc[known, "spend"].sum()),
                     float(table.loc[known, "new_customers"].sum()))
    clv = clv_simple if not math.isnan(clv_simple) else figures["clv_historical"]
    monthly_margin = figures["orders_per_customer_per_year"] * figures["aov"] / 12 * margin
    return {
        "cac": [{"period": period_label(p), "spend": to_json_value(r.spend),
                 "new_customers": int(r.new_customers), "cac": to_json_value(r.cac)}
                for p, r in zip(table.index, table.itertuples())],
        "cac_overall": to_json_value(overall),
        "ltv_cac": to_json_value(ltv_to_cac(clv, overall)),
        "ltv_basis": "simple" if not math.isnan(clv_simple) else "historical",
        "cac_payback_months": to_json_value(cac_payback_months(overall, monthly_margin)),
    }
