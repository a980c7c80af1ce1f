"""The CLV analysis: both models fitted and checked, CLV per customer, or an explained
fallback to historical CLV, and the holdout comparison.

**CLV** over a horizon, like ``lifetimes``' ``customer_lifetime_value``: for each month i the
expected purchases in month i (difference of the conditional expectations) x expected spend
per purchase / (1 + monthly discount rate) ** i, times gross margin.

When the data cannot support the models (too few repeat buyers, no convergence, spend correlated
with frequency, spend per order so varied that its average is not known, non-finite results)
the analysis does not return a fit that looks right but is not: it says
``fallback = "historical"``, gives historical CLV (revenue per customer to date x margin) and
explains why in a founder's words, with what data would fix it.

Refunds are taken into account by scaling expected spend by (1 - refund share), the refunded
fraction of gross sales in the calibration period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from canvas.analytics.clv.bgnbd import BGNBDFit, _purchases_if_alive, expected_purchases, fit_bgnbd, probability_alive
from canvas.analytics.clv.fitting import _arrays
from canvas.analytics.clv.gamma_gamma import MIN_SPEND_EVIDENCE, GammaGammaFit, expected_spend, fit_gamma_gamma
from canvas.analytics.clv.rfm import DAYS_PER_MONTH, DAYS_PER_UNIT, TimeUnit, _day_number, rfm_summary

MIN_REPEAT_CUSTOMERS = 20
MIN_REPEAT_SHARE = 0.05
MAX_FREQUENCY_SPEND_CORRELATION = 0.3


def customer_lifetime_value(bgnbd: BGNBDFit, gamma_gamma: GammaGammaFit, frequency: Any,
                            recency: Any, T: Any, monetary_value: Any, *,
                            time_unit: TimeUnit = "week", horizon_months: int = 12,
                            discount_rate: float = 0.01, margin: float = 1.0) -> np.ndarray:
    """Discounted CLV per customer over ``horizon_months`` (currency): the sum over months
    i = 1..H of (E[purchases to month i] - E[purchases to month i-1]) x expected spend per
    purchase / (1 + discount_rate) ** i, times ``margin``. A month is 365.2425/12 days."""
    x, t_x, T, m = _arrays(frequency, recency, T, monetary_value)
    month = DAYS_PER_MONTH / DAYS_PER_UNIT[time_unit]
    spend = expected_spend(gamma_gamma, x, m)
    alive = probability_alive(bgnbd, x, t_x, T)
    # The hypergeometric part depends on (x, T) alone, which customers share a lot (the same
    # number of repeat purchases, a first purchase on the same day): computed once per pair.
    t_code = pd.factorize(T, use_na_sentinel=False)[0].astype(np.int64)
    x_code = pd.factorize(x, use_na_sentinel=False)[0].astype(np.int64)
    which, pairs = pd.factorize(t_code * (int(x_code.max(initial=0)) + 1) + x_code)
    first = np.empty(len(pairs), dtype=np.int64)
    first[which] = np.arange(len(which))  # any customer of a pair stands for it
    pair_x, pair_T = x[first], T[first]
    discounted = np.zeros(len(first))
    previous = np.zeros(len(first))
    for i in range(1, horizon_months + 1):  # a loop over months; each step is vectorised
        cumulative = _purchases_if_alive(bgnbd, i * month, pair_x, pair_T)
        discounted += (cumulative - previous) / (1.0 + discount_rate) ** i
        previous = cumulative
    return discounted[which] * alive * spend * margin


@dataclass
class ClvAnalysis:
    """Everything :func:`analyse_clv` found. ``customers`` has one row per customer with the
    RFM inputs and ``p_alive``, ``expected_purchases`` (over the horizon), ``expected_spend``
    (per purchase), ``clv`` (predictive, NaN on fallback), ``clv_historical`` and ``value``
    (the CLV the report uses: predictive, or historical on fallback)."""

    customers: pd.DataFrame
    bgnbd: BGNBDFit | None
    gamma_gamma: GammaGammaFit | None
    fallback: str | None
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refund_share: float = 0.0
    holdout: dict[str, Any] | None = None


MORE_ORDERS = ("Upload orders over a longer period (a year or more) so that more customers have "
               "had time to buy again.")


def _degenerate_data(summary: pd.DataFrame) -> list[str]:
    n = len(summary)
    if n == 0:
        return ["There are no purchases before the calibration end, so there is nothing to "
                "model."]
    repeat = int((summary["frequency"] > 0).sum())
    if repeat < MIN_REPEAT_CUSTOMERS or repeat < MIN_REPEAT_SHARE * n:
        return [f"Only {repeat} of {n} customers bought again on a later day. Predicting future "
                f"orders needs at least {MIN_REPEAT_CUSTOMERS} customers who came back, and at "
                f"least {MIN_REPEAT_SHARE:.0%} of all customers. {MORE_ORDERS}"]
    return []


def _check_bgnbd(fit: BGNBDFit) -> list[str]:
    """Why the purchase model's predictions cannot be used, in a founder's words (a parameter
    at its bound is not a reason: it is the limit where customers do not differ in it)."""
    if not all(map(math.isfinite, (fit.r, fit.alpha, fit.a, fit.b, fit.loglik))):
        return ["The model of how often customers buy again (BG/NBD) gave no usable numbers "
                f"for these orders. {MORE_ORDERS}"]
    if not fit.converged:
        return ["The model of how often customers buy again (BG/NBD) could not settle on one "
                f"answer for these orders, so its predictions would not be reliable. {MORE_ORDERS}"]
    return []


def _round_up(value: float) -> int:
    """``value`` rounded up to two significant digits (at least 1)."""
    step = 10 ** max(int(math.log10(max(value, 1.0))) - 1, 0)
    return int(math.ceil(value / step) * step)


def _check_gamma_gamma(fit: GammaGammaFit, spend: np.ndarray) -> list[str]:
    """Why the spend model's predictions cannot be used, in a founder's words. ``spend`` are
    the mean repeat order values of the customers it was fitted on."""
    if not all(map(math.isfinite, (fit.p, fit.q, fit.v, fit.loglik))) or not fit.converged:
        return ["The model of what customers spend per order (Gamma-Gamma) could not settle on "
                f"one answer for these orders, so its predictions would not be reliable. "
                f"{MORE_ORDERS}"]
    evidence = fit.mean_spend_evidence if fit.q > 1 else 0.0
    if not evidence >= MIN_SPEND_EVIDENCE:
        n = len(spend)
        # The evidence grows about in proportion to the number of customers.
        needed = n * MIN_SPEND_EVIDENCE / evidence if evidence > 0 else math.inf
        wanted = (f"about {_round_up(needed):,}" if needed <= 100 * n
                  else f"many times more than {n:,}")
        return [f"Spend per order varies too much between the {n:,} customers who bought again "
                f"(average repeat order from {np.min(spend):,.2f} to {np.max(spend):,.2f}) to "
                "tell what a typical customer spends per order: a few big spenders could make "
                "the average almost anything. The spend model (Gamma-Gamma) needs "
                f"{wanted} customers who bought again at this spread. {MORE_ORDERS}"]
    return []


def _historical(summary: pd.DataFrame, margin: float) -> np.ndarray:
    return summary["revenue"].to_numpy(dtype=float) * margin


def _holdout(summary: pd.DataFrame, bgnbd: BGNBDFit | None) -> dict[str, Any]:
    actual = summary["frequency_holdout"].to_numpy(dtype=float)
    duration = float(summary["duration_holdout"].iloc[0]) if len(summary) else 0.0
    frequency = summary["frequency"].to_numpy()
    predicted = (expected_purchases(bgnbd, duration, frequency, summary["recency"],
                                    summary["T"]) if bgnbd is not None
                 else np.full(len(actual), np.nan))
    bucket = np.minimum(frequency, 7)
    buckets = []
    for k in range(8):  # at most eight buckets: 0..6 repeat purchases and 7 or more
        chosen = bucket == k
        if chosen.any():
            buckets.append({"frequency": f"{k}+" if k == 7 else str(k),
                            "customers": int(chosen.sum()),
                            "actual_mean": float(actual[chosen].mean()),
                            "predicted_mean": float(predicted[chosen].mean())})
    return {"duration": duration, "customers": len(actual),
            "actual_total": float(actual.sum()), "predicted_total": float(predicted.sum()),
            "actual_mean": float(actual.mean()) if len(actual) else math.nan,
            "predicted_mean": float(predicted.mean()) if len(actual) else math.nan,
            "mean_absolute_error": float(np.abs(predicted - actual).mean()) if len(actual)
            else math.nan,
            "by_frequency": buckets}


def analyse_clv(tx: pd.DataFrame, *, calibration_end: Any, holdout_end: Any = None,
                time_unit: TimeUnit = "week", horizon_months: int = 12,
                discount_rate: float = 0.01, margin: float | None = None) -> ClvAnalysis:
    """Fit BG/NBD and Gamma-Gamma on transactions up to ``calibration_end``, check them, and
    predict per customer; fall back to historical CLV with reasons when the data cannot
    support the models. ``discount_rate`` is monthly; ``margin`` a fraction of revenue."""
    if margin is not None and not 0 < margin <= 1:
        raise ValueError(f"margin is a fraction of revenue in (0, 1]; got {margin!r}")
    if holdout_end is not None and _day_number(holdout_end) <= _day_number(calibration_end):
        raise ValueError("holdout_end must be after calibration_end")
    summary = rfm_summary(tx, calibration_end=calibration_end, time_unit=time_unit,
                          observation_end=holdout_end)
    return analyse_summary(summary, holdout=holdout_end is not None, time_unit=time_unit,
                           horizon_months=horizon_months, discount_rate=discount_rate,
                           margin=margin)


@dataclass
class SummaryFits:
    """Both models fitted on a summary and checked: ``reasons`` to fall back (so far: a
    prediction may add one), ``warnings``, the refunded share of gross sales."""

    bgnbd: BGNBDFit | None
    gamma_gamma: GammaGammaFit | None
    reasons: list[str]
    warnings: list[str]
    refund_share: float

    @property
    def predictive(self) -> bool:
        """Both models were fitted and passed their checks."""
        return not self.reasons and self.bgnbd is not None and self.gamma_gamma is not None


def fit_summary(summary: pd.DataFrame) -> SummaryFits:
    """Fit and check both models on the customers' RFM summary (see :func:`analyse_summary`)."""
    reasons = _degenerate_data(summary)
    warnings: list[str] = []
    bgnbd: BGNBDFit | None = None
    gamma_gamma: GammaGammaFit | None = None
    if not reasons:
        x = summary["frequency"].to_numpy(dtype=float)
        money = summary["monetary_value"].to_numpy(dtype=float)
        bgnbd = fit_bgnbd(x, summary["recency"].to_numpy(dtype=float),
                          summary["T"].to_numpy(dtype=float))
        reasons += _check_bgnbd(bgnbd)
        repeat = (x > 0) & (money > 0)
        # No correlation to speak of when every repeat buyer has the same count or spend.
        varied = repeat.sum() > 2 and np.ptp(x[repeat]) > 0 and np.ptp(money[repeat]) > 0
        correlation = float(np.corrcoef(x[repeat], money[repeat])[0, 1]) if varied else math.nan
        if math.isfinite(correlation) and abs(correlation) > MAX_FREQUENCY_SPEND_CORRELATION:
            reasons.append(
                f"How much customers spend per order is correlated with how often they buy "
                f"(correlation {correlation:.2f} among the {int(repeat.sum()):,} who bought "
                f"again, beyond the {MAX_FREQUENCY_SPEND_CORRELATION} the spend model "
                "(Gamma-Gamma) tolerates, as it takes the two to be unrelated). With few "
                "customers who came back this can be chance: orders over a longer period "
                "(a year or more) show whether it holds.")
        gamma_gamma = fit_gamma_gamma(x, money)
        reasons += _check_gamma_gamma(gamma_gamma, money[repeat])

    gross = float(summary["gross"].sum())
    refund_share = min(max(1.0 - float(summary["revenue"].sum()) / gross, 0.0), 1.0) \
        if gross > 0 else 0.0
    if refund_share > 0:
        warnings.append(f"Refunds were {refund_share:.1%} of gross sales; expected spend is "
                        "reduced by that share.")
    return SummaryFits(bgnbd, gamma_gamma, reasons, warnings, refund_share)


def usable_bgnbd(fits: SummaryFits) -> BGNBDFit | None:
    """The purchase model when it was fitted and passed its checks (it then predicts, even
    when the spend model did not)."""
    return fits.bgnbd if fits.bgnbd is not None and not _check_bgnbd(fits.bgnbd) else None


def broken_reason(broken: int, customers: int) -> str:
    """Why to fall back when ``broken`` of ``customers`` got no finite predicted CLV."""
    return (f"The calculation gave no predicted CLV for {broken:,} of {customers:,} customers, "
            "a fault in this software rather than in your data.")


def analyse_summary(summary: pd.DataFrame, *, holdout: bool = False, time_unit: TimeUnit = "week",
                    horizon_months: int = 12, discount_rate: float = 0.01,
                    margin: float | None = None) -> ClvAnalysis:
    """:func:`analyse_clv` from the customers' RFM summary (:func:`rfm_summary`, with its
    holdout columns when ``holdout``): what the analysis needs of the transactions, so that a
    summary built another way (out of core, by customer) gives the same analysis."""
    m = 1.0 if margin is None else float(margin)
    fits = fit_summary(summary)
    bgnbd, gamma_gamma, reasons = fits.bgnbd, fits.gamma_gamma, fits.reasons
    warnings, refund_share = fits.warnings, fits.refund_share
    x = summary["frequency"].to_numpy(dtype=float)
    t_x = summary["recency"].to_numpy(dtype=float)
    T = summary["T"].to_numpy(dtype=float)
    money = summary["monetary_value"].to_numpy(dtype=float)

    customers = summary.copy()
    customers["clv_historical"] = _historical(summary, m)
    horizon = horizon_months * DAYS_PER_MONTH / DAYS_PER_UNIT[time_unit]
    nan = np.full(len(summary), np.nan)
    # A model that was fitted and passed its checks predicts, even when the other one did not.
    purchases = usable_bgnbd(fits)
    customers["p_alive"] = probability_alive(purchases, x, t_x, T) \
        if purchases is not None else nan
    customers["expected_purchases"] = expected_purchases(purchases, horizon, x, t_x, T) \
        if purchases is not None else nan
    usable_gamma_gamma = gamma_gamma if gamma_gamma is not None \
        and not _check_gamma_gamma(gamma_gamma, money[x > 0]) else None
    customers["expected_spend"] = expected_spend(usable_gamma_gamma, x, money) \
        * (1 - refund_share) if usable_gamma_gamma is not None else nan
    clv = nan
    # No reasons means both models were fitted and passed their checks.
    if fits.predictive and bgnbd is not None and gamma_gamma is not None:
        clv = customer_lifetime_value(bgnbd, gamma_gamma, x, t_x, T, money,
                                      time_unit=time_unit, horizon_months=horizon_months,
                                      discount_rate=discount_rate,
                                      margin=m) * (1 - refund_share)
        broken = int((~np.isfinite(clv)).sum())
        if broken:  # a fault of ours, not of the data: say so rather than show a wrong number
            reasons.append(broken_reason(broken, len(clv)))
    fallback = "historical" if reasons else None
    customers["clv"] = nan if fallback else clv
    customers["value"] = customers["clv_historical"] if fallback else customers["clv"]
    holdout_figures = _holdout(summary, purchases) if holdout else None
    return ClvAnalysis(customers, bgnbd, gamma_gamma, fallback, reasons, warnings,
                       refund_share, holdout_figures)
