"""The CLV report for the CLI and the pages: the analysis as a JSON-ready dict (NaN as
``None``), and that dict as plain text for a terminal."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from canvas.analytics.clv.analysis import ClvAnalysis, analyse_clv
from canvas.analytics.clv.rfm import TimeUnit
from canvas.analytics.jsonable import to_json_value
from canvas.domain.formatting import format_value


def _distribution(values: pd.Series) -> dict[str, Any]:
    v = values.to_numpy(dtype=float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return {"mean": None, "median": None, "total": None}
    return {"mean": float(v.mean()), "median": float(np.median(v)), "total": float(v.sum())}


def clv_report(tx: pd.DataFrame, *, calibration_end: Any, holdout_end: Any = None,
               time_unit: TimeUnit = "week", horizon_months: int = 12,
               discount_rate: float = 0.01, margin: float | None = None) -> dict[str, Any]:
    """Predictive CLV as a JSON-ready dict (None for NaN).

    Keys: the inputs; ``customers`` and ``repeat_customers``; ``bgnbd`` {r, alpha, a, b,
    loglik, converged} and ``gamma_gamma`` {p, q, v, loglik, converged} (None when not
    fitted); ``clv`` {mean, median, total, basis} (currency per customer, over the horizon,
    discounted, x margin; basis "predictive" or "historical"); ``fallback`` (None or
    "historical") with ``reasons``; ``warnings``; ``refund_share``; ``segments``
    ({segment: {customers, mean, median, total}}) when transactions have segments (one model
    for all customers, grouped by the segment of their first purchase); ``holdout`` (predicted
    vs actual purchase days in the holdout, overall and by calibration frequency) when
    ``holdout_end`` is given.
    """
    result = analyse_clv(tx, calibration_end=calibration_end, holdout_end=holdout_end,
                         time_unit=time_unit, horizon_months=horizon_months,
                         discount_rate=discount_rate, margin=margin)
    return clv_report_of(result, calibration_end=calibration_end, holdout_end=holdout_end,
                         time_unit=time_unit, horizon_months=horizon_months,
                         discount_rate=discount_rate, margin=margin)


def clv_report_of(result: ClvAnalysis, *, calibration_end: Any, holdout_end: Any,
                  time_unit: TimeUnit, horizon_months: int, discount_rate: float,
                  margin: float | None) -> dict[str, Any]:
    """The report of :func:`clv_report` from an analysis done already (the inputs are those
    it was done with)."""
    c = result.customers
    report: dict[str, Any] = {
        "calibration_end": pd.Timestamp(calibration_end).date().isoformat(),
        "holdout_end": None if holdout_end is None
        else pd.Timestamp(holdout_end).date().isoformat(),
        "time_unit": time_unit, "horizon_months": horizon_months,
        "discount_rate": discount_rate, "margin": margin,
        "customers": len(c), "repeat_customers": int((c["frequency"] > 0).sum()),
        "bgnbd": None if result.bgnbd is None else {
            k: getattr(result.bgnbd, k) for k in ("r", "alpha", "a", "b", "loglik",
                                                  "converged")},
        "gamma_gamma": None if result.gamma_gamma is None else {
            k: getattr(result.gamma_gamma, k) for k in ("p", "q", "v", "loglik", "converged")},
        "clv": {**_distribution(c["value"]),
                "basis": "historical" if result.fallback else "predictive"},
        "fallback": result.fallback,
        "reasons": result.reasons,
        "warnings": result.warnings,
        "refund_share": result.refund_share,
    }
    if "segment" in c.columns:
        report["segments"] = {
            str(name): {"customers": len(group), **_distribution(group["value"])}
            for name, group in c.groupby("segment", sort=True)
        }
    if result.holdout is not None:
        report["holdout"] = result.holdout
    return to_json_value(report)


def format_clv_table(report: dict[str, Any]) -> str:
    """The report of :func:`clv_report` as plain text for a terminal."""
    def money(value: float | None) -> str:
        return format_value(value, "money", missing="n/a")

    out = [f"Customer lifetime value over {report['horizon_months']} months "
           f"(calibration to {report['calibration_end']}, time unit {report['time_unit']}, "
           f"discount {100 * report['discount_rate']:.2f} % a month"
           + (f", margin {100 * report['margin']:.0f} %" if report.get("margin") else "") + ")",
           ""]
    out.append(f"  Customers         {report['customers']:,} "
               f"({report['repeat_customers']:,} bought again)")
    clv = report["clv"]
    out.append(f"  CLV ({clv['basis']})  mean {money(clv['mean'])}, median "
               f"{money(clv['median'])}, total {money(clv['total'])}")
    if report["bgnbd"]:
        f = report["bgnbd"]
        out.append(f"  BG/NBD            r={f['r']:.4g} alpha={f['alpha']:.4g} a={f['a']:.4g} "
                   f"b={f['b']:.4g}  log-likelihood {f['loglik']:,.1f}"
                   + ("" if f["converged"] else "  (did not converge)"))
    if report["gamma_gamma"]:
        f = report["gamma_gamma"]
        out.append(f"  Gamma-Gamma       p={f['p']:.4g} q={f['q']:.4g} v={f['v']:.4g}  "
                   f"log-likelihood {f['loglik']:,.1f}"
                   + ("" if f["converged"] else "  (did not converge)"))
    if report["fallback"]:
        out += ["", "Fell back to historical CLV (revenue per customer to date) because:"]
        out += [f"  - {reason}" for reason in report["reasons"]]
    if report["warnings"]:
        out += [""] + [f"Note: {w}" for w in report["warnings"]]
    if report.get("segments"):
        out += ["", "  segment               customers          mean        median"
                    "           total"]
        for name, s in report["segments"].items():
            out.append(f"  {name:<20}  {s['customers']:>9,}  {money(s['mean']):>12}  "
                       f"{money(s['median']):>12}  {money(s['total']):>14}")
    holdout = report.get("holdout")
    if holdout:
        out += ["", f"Holdout to {report['holdout_end']} ({holdout['duration']:.1f} "
                    f"{report['time_unit']}s): purchases predicted "
                    f"{holdout['predicted_total']:,.0f}, actual {holdout['actual_total']:,.0f}"
                if holdout["predicted_total"] is not None else
                f"Holdout to {report['holdout_end']}: actual purchases "
                f"{holdout['actual_total']:,.0f} (no usable model to predict them)"]
        out.append("  repeat purchases in calibration   customers   actual mean  predicted mean")
        for b in holdout["by_frequency"]:
            predicted = "n/a" if b["predicted_mean"] is None else f"{b['predicted_mean']:.3f}"
            out.append(f"  {b['frequency']:>31}   {b['customers']:>9,}   "
                       f"{b['actual_mean']:>11.3f}  {predicted:>14}")
    return "\n".join(out) + "\n"
