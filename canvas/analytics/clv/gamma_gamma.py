"""Gamma-Gamma (Fader & Hardie 2013, "The Gamma-Gamma model of monetary value"): how much a
customer spends per order.

Spend per purchase of a customer ~ Gamma(p, nu), nu ~ Gamma(q, v) across customers; it is
fitted on repeat buyers' mean spend per repeat purchase day and assumes spend is independent of
frequency.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize

from canvas.analytics.clv.fitting import (
    _arrays,
    _at_bound,
    _best_fit,
    _betaln,
    _compress,
    _converged,
    _digamma_difference,
)

# Twice the log-likelihood gained over q = 1 must pass the 90 % point of chi-square(1), a
# one-sided test at 5 %, before the average spend per order counts as known.
MIN_SPEND_EVIDENCE = 2.706


@dataclass(frozen=True)
class GammaGammaFit:
    """Fitted Gamma-Gamma parameters (v in the currency of the data) and the full
    log-likelihood over the repeat buyers it was fitted on. ``mean_spend_evidence`` is twice
    the log-likelihood it gains over the best fit with q held at 1, where the average spend per
    order p v / (q - 1) has no limit (0 when q <= 1): how firmly the data rule that out."""

    p: float
    q: float
    v: float
    loglik: float
    converged: bool
    at_bound: tuple[str, ...] = ()
    message: str = ""
    mean_spend_evidence: float = math.nan


def gamma_gamma_log_likelihood(p: float, q: float, v: float, frequency: Any,
                               monetary_value: Any) -> np.ndarray:
    """Log-likelihood of each repeat buyer's mean spend m_x over x purchases (Fader & Hardie
    2013): ln G(px+q) - ln G(px) - ln G(q) + q ln v + (px-1) ln m_x + px ln x
    - (px+q) ln(v + x m_x), arranged as -ln B(px, q) - ln m_x - px ln(1 + v/(x m_x))
    - q ln(1 + x m_x/v) so that huge p or q lose no precision."""
    x, m = _arrays(frequency, monetary_value)
    px = p * x
    return (-_betaln(px, q) - np.log(m) - px * np.log1p(v / (x * m))
            - q * np.log1p(x * m / v))


# The search runs over (ln p, ln q, ln pv/q), pv/q being the spend per order of a typical customer
# (nu at its mean q/v). Two limits are sound models that the data can ask for: every customer
# always spending their own amount (p to infinity, v to zero) and customers not differing in
# spend (q and v to infinity); in both, pv/q stays put while one coordinate reaches its bound.
_GAMMA_GAMMA_SEARCH = ("p", "q", "pv/q")


def _gamma_gamma_params(theta: np.ndarray) -> tuple[float, float, float]:
    """p, q, v from the search coordinates of :data:`_GAMMA_GAMMA_SEARCH`."""
    log_p, log_q, log_typical = theta
    return math.exp(log_p), math.exp(log_q), math.exp(log_typical + log_q - log_p)


def _gamma_gamma_objective(theta: np.ndarray, x: np.ndarray, m: np.ndarray,
                           w: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean negative log-likelihood and its gradient in the search coordinates."""
    p, q, v = _gamma_gamma_params(theta)
    px = p * x
    xm = x * m
    log1p_v = np.log1p(v / xm)
    log1p_xm = np.log1p(xm / v)
    ll = -_betaln(px, q) - np.log(m) - px * log1p_v - q * log1p_xm
    g_p = x * (_digamma_difference(px, q) - log1p_v)
    g_q = _digamma_difference(q, px) - log1p_xm
    g_log_v = (q * xm - px * v) / (xm + v)  # v times d ln L / d v
    n = w.sum()
    d_log_p, d_log_q, d_log_v = p * (w @ g_p), q * (w @ g_q), w @ g_log_v
    grad = np.array([d_log_p - d_log_v, d_log_q + d_log_v, d_log_v])
    return -(w @ ll) / n, -grad / n


def _gamma_gamma_objective_q1(theta: np.ndarray, x: np.ndarray, m: np.ndarray,
                              w: np.ndarray) -> tuple[float, np.ndarray]:
    """:func:`_gamma_gamma_objective` over (ln p, ln pv/q) with q held at 1."""
    value, grad = _gamma_gamma_objective(np.array([theta[0], 0.0, theta[1]]), x, m, w)
    return value, grad[[0, 2]]


def fit_gamma_gamma(frequency: Any, monetary_value: Any) -> GammaGammaFit:
    """Maximum-likelihood Gamma-Gamma fit on repeat buyers (frequency > 0, monetary > 0; other
    customers are ignored). ``v`` is in the currency of ``monetary_value``."""
    x, m = _arrays(frequency, monetary_value)
    keep = (x > 0) & (m > 0)
    x, m = x[keep], m[keep]
    if len(x) == 0:
        raise ValueError("Gamma-Gamma needs at least one repeat buyer with positive spend")
    scale = float(np.mean(m))  # money in units of the mean spend, so v starts near 1
    (cx, cm), w = _compress(x, m / scale)
    # Starts at p=1, q=2, v=1 and at p=5, q=4, v=3.
    best = _best_fit(_gamma_gamma_objective, ([0.0, np.log(2.0), np.log(0.5)],
                                              [np.log(5.0), np.log(4.0), np.log(3.75)]),
                     (cx, cm, w))
    p, q, v = _gamma_gamma_params(best.x)
    loglik = float(gamma_gamma_log_likelihood(p, q, v * scale, x, m).sum())
    evidence = _mean_spend_evidence(best, (cx, cm, w)) if q > 1 else 0.0
    return GammaGammaFit(float(p), float(q), float(v * scale), loglik, _converged(best),
                         _at_bound(best.x, _GAMMA_GAMMA_SEARCH), str(best.message), evidence)


def _mean_spend_evidence(best: optimize.OptimizeResult, args: tuple) -> float:
    """Twice the log-likelihood gained over the best fit with q = 1 (see GammaGammaFit).

    The curvature at the optimum (a finite difference of the analytic gradient, three
    evaluations) gives the Wald approximation (ln q / its standard error)^2; when that is far
    past the threshold, as on any sizeable file, it is the answer. Near the threshold, or with a
    coordinate at its bound (where the curvature says nothing), the fit at q = 1 is made.
    """
    n = args[2].sum()
    if not _at_bound(best.x, _GAMMA_GAMMA_SEARCH):
        step = 1e-5
        gradient = _gamma_gamma_objective(best.x, *args)[1]
        hessian = np.column_stack([
            (_gamma_gamma_objective(best.x + step * unit, *args)[1] - gradient) / step
            for unit in np.eye(3)])
        hessian = (hessian + hessian.T) / 2
        if np.all(np.linalg.eigvalsh(hessian) > 0):
            wald = best.x[1] ** 2 * n / np.linalg.inv(hessian)[1, 1]
            if wald > 10 * MIN_SPEND_EVIDENCE:
                return float(wald)
    held = _best_fit(_gamma_gamma_objective_q1, ([best.x[0], best.x[2]], [0.0, np.log(0.5)]),
                     args)
    return float(max(2 * n * (held.fun - best.fun), 0.0))


def expected_spend(fit: GammaGammaFit, frequency: Any, monetary_value: Any) -> np.ndarray:
    """Expected spend per purchase given x and m_x: p (v + x m_x) / (p x + q - 1), a weighted
    mean of the population mean p v / (q - 1) and the customer's own mean (needs q > 1)."""
    x, m = _arrays(frequency, monetary_value)
    m = np.where(x > 0, m, 0.0)
    return fit.p * (fit.v + x * m) / (fit.p * x + fit.q - 1.0)
