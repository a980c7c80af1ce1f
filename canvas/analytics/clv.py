"""Predictive customer lifetime value: BG/NBD for future orders, Gamma-Gamma for spend per order.

Models
------
* **BG/NBD** (Fader, Hardie & Lee 2005, "Counting your customers the easy way"). While alive a
  customer buys at Poisson rate lambda ~ Gamma(r, alpha); after each repeat purchase they drop
  out with probability p ~ Beta(a, b). Per customer we need ``frequency`` x (repeat purchase
  days: distinct purchase days minus one), ``recency`` t_x (first to last purchase) and ``T``
  (first purchase to the end of calibration), in one time unit (days or weeks).
* **Gamma-Gamma** (Fader & Hardie 2013, "The Gamma-Gamma model of monetary value"). Spend per
  purchase of a customer ~ Gamma(p, nu), nu ~ Gamma(q, v) across customers; it is fitted on
  repeat buyers' mean spend per repeat purchase day and assumes spend is independent of
  frequency.
* **CLV** over a horizon, like ``lifetimes``' ``customer_lifetime_value``: for each month i the
  expected purchases in month i (difference of the conditional expectations) x expected spend
  per purchase / (1 + monthly discount rate) ** i, times gross margin.

Both likelihoods are evaluated in log space (``logaddexp`` for the two terms of the BG/NBD
likelihood, differences of log-gamma and digamma functions by Stirling's series where their
arguments are large), so customers with hundreds of purchases are fine, and fitted by L-BFGS-B
with analytic gradients on coordinates that separate what even a small file pins down (the
mean purchase rate, the mean drop-out chance, a typical spend per order) from how much customers
differ in it. When customers do not differ (r, a+b or p at their bound of e^12) the fit is the
limit model, which is sound: a bound is not a failure. Time is rescaled during the fit so that
the optimiser sees numbers near 1 whatever the unit; reported parameters and log-likelihoods are
in the caller's unit and are the full sums of the literature.

The expected purchases use the Euler transform of the Gauss hypergeometric function,
``((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z) = (1-z)^(a-1) 2F1(a+b-1-r, a-1;
a+b+x-1; z)`` with ``z = t/(alpha+T+t)``: the first two parameters no longer grow with x, so
``scipy.special.hyp2f1`` converges quickly and never overflows for heavy buyers. Where a and b
are in the thousands its two factors overflow; those values come from a quadrature of the same
expectation over the drop-out chance instead.

When the data cannot support the models (too few repeat buyers, no convergence, spend correlated
with frequency, spend per order so varied that its average is not known, non-finite results)
the analysis does not return a fit that looks right but is not: it says
``fallback = "historical"``, gives historical CLV (revenue per customer to date x margin) and
explains why in a founder's words, with what data would fix it.

Refunds: purchase days are days with at least one positive row, and spend per purchase day is
the sum of its positive rows. Refunds are taken into account by scaling expected spend by
(1 - refund share), the refunded fraction of gross sales in the calibration period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import optimize, special

TimeUnit = Literal["day", "week"]
DAYS_PER_UNIT: dict[str, float] = {"day": 1.0, "week": 7.0}
DAYS_PER_MONTH = 365.2425 / 12

MIN_REPEAT_CUSTOMERS = 20
MIN_REPEAT_SHARE = 0.05
MAX_FREQUENCY_SPEND_CORRELATION = 0.3
# Twice the log-likelihood gained over q = 1 must pass the 90 % point of chi-square(1), a
# one-sided test at 5 %, before the average spend per order counts as known.
MIN_SPEND_EVIDENCE = 2.706

_NS_PER_DAY = 86_400 * 10**9
_LOG_BOUND = 12.0  # parameters live in [e^-12, e^12] (after rescaling time and money)
_AT_BOUND = 1e-3


# --------------------------------------------------------------------------------------------
# RFM summary
# --------------------------------------------------------------------------------------------


def _day_number(value: Any) -> int:
    return int(pd.Timestamp(value).normalize().value // _NS_PER_DAY)


def rfm_summary(tx: pd.DataFrame, *, calibration_end: Any, time_unit: TimeUnit = "week",
                observation_end: Any = None) -> pd.DataFrame:
    """Per-customer inputs of BG/NBD and Gamma-Gamma, from transactions up to
    ``calibration_end`` (a day, inclusive).

    Index ``customer_id``; columns ``frequency`` (distinct purchase days - 1), ``recency``
    (first to last purchase day), ``T`` (first purchase day to ``calibration_end``), both in
    ``time_unit``; ``monetary_value`` (mean spend of the repeat purchase days, 0 without
    repeat, as ``lifetimes`` computes it for Gamma-Gamma); ``revenue`` (all amounts to
    ``calibration_end``, refunds included) and ``gross`` (positive amounts only); ``segment``
    (of the first purchase) when ``tx`` has one. With ``observation_end`` (after
    ``calibration_end``): ``frequency_holdout`` (purchase days in the holdout) and
    ``duration_holdout`` (its length in ``time_unit``). Only customers with a purchase in the
    calibration period appear.
    """
    if time_unit not in DAYS_PER_UNIT:
        raise ValueError(f"time_unit must be 'day' or 'week'; got {time_unit!r}")
    unit = DAYS_PER_UNIT[time_unit]
    cal_day = _day_number(calibration_end)
    obs_day = cal_day if observation_end is None else _day_number(observation_end)
    if obs_day < cal_day:
        raise ValueError("observation_end is before calibration_end")

    cust, customers = pd.factorize(tx["customer_id"], sort=False)
    cust = cust.astype(np.int64, copy=False)
    ns = tx["date"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    day = ns // _NS_PER_DAY
    amount = tx["amount"].to_numpy(dtype=np.float64)
    n_all = len(customers)

    known = day <= cal_day
    revenue = np.bincount(cust[known], weights=amount[known], minlength=n_all)
    purchase = (amount > 0) & (day <= obs_day)
    gross = np.bincount(cust[purchase & known], weights=amount[purchase & known],
                        minlength=n_all)

    # Purchase days as sorted keys customer * span + day: one sort gives every customer's
    # days in order, their first and last, and the spend of each day.
    rows = np.flatnonzero(purchase)
    d0 = int(day[rows].min()) if len(rows) else 0
    span = (obs_day - d0 + 1) if len(rows) else 1
    keys = cust[rows] * span + (day[rows] - d0)
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    first_of_key = np.r_[True, keys[1:] != keys[:-1]] if len(keys) else np.zeros(0, bool)
    starts = np.flatnonzero(first_of_key)
    day_key = keys[starts]
    day_spend = np.add.reduceat(amount[rows][order], starts) if len(starts) else np.zeros(0)
    day_cust = day_key // span
    day_num = day_key % span + d0
    in_cal = day_num <= cal_day

    c_cust, c_day, c_spend = day_cust[in_cal], day_num[in_cal], day_spend[in_cal]
    new_customer = np.r_[True, c_cust[1:] != c_cust[:-1]] if len(c_cust) else \
        np.zeros(0, bool)
    first_idx = np.flatnonzero(new_customer)
    last_idx = np.r_[first_idx[1:] - 1, len(c_cust) - 1].astype(np.int64) if len(first_idx) else \
        np.zeros(0, np.int64)  # no purchase at all (only refunds): no customer to model
    who = c_cust[first_idx]
    days_count = last_idx - first_idx + 1
    spend_total = np.add.reduceat(c_spend, first_idx) if len(first_idx) else np.zeros(0)
    frequency = days_count - 1
    repeat_spend = spend_total - c_spend[first_idx]
    monetary = np.divide(repeat_spend, frequency, out=np.zeros(len(who)), where=frequency > 0)

    out = pd.DataFrame({
        "frequency": frequency,
        "recency": (c_day[last_idx] - c_day[first_idx]) / unit,
        "T": (cal_day - c_day[first_idx]) / unit,
        "monetary_value": monetary,
        "revenue": revenue[who],
        "gross": gross[who],
    }, index=pd.Index(customers.take(who), name="customer_id"))
    if "segment" in tx.columns:
        # The segment of a row bought on the first purchase day (the first in sorted order).
        first_row = rows[order[starts[in_cal][first_idx]]] if len(first_idx) else rows[:0]
        out["segment"] = tx["segment"].to_numpy()[first_row]
    if observation_end is not None:
        h_cust = day_cust[~in_cal]
        position = np.full(n_all, -1)
        position[who] = np.arange(len(who))
        h_pos = position[h_cust]
        out["frequency_holdout"] = np.bincount(h_pos[h_pos >= 0], minlength=len(who))
        out["duration_holdout"] = (obs_day - cal_day) / unit
    return out


# --------------------------------------------------------------------------------------------
# BG/NBD
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BGNBDFit:
    """Fitted BG/NBD parameters (alpha in the time unit of the data), the full log-likelihood
    at them, whether the optimiser converged and which parameters sit at a bound."""

    r: float
    alpha: float
    a: float
    b: float
    loglik: float
    converged: bool
    at_bound: tuple[str, ...] = ()
    message: str = ""


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


def _arrays(*values: Any) -> list[np.ndarray]:
    return [np.asarray(v, dtype=float) for v in values]


# Small files often put r, a + b or p near e^12 (customers who all behave alike): there
# gammaln(z + h) - gammaln(z) is a difference of two numbers near 2e6 that loses 6 of its 16
# digits, enough noise to stop the optimiser's line search. Stirling's series for the
# difference itself keeps them all (its first omitted term is below 1e-13 for z > 100).
_STIRLING_FROM = 100.0


def _exact_or_series(z: Any, h: Any, exact: Any, series: Any) -> np.ndarray:
    """``exact(z, h)``, replaced by ``series(z, h)`` where z is past ``_STIRLING_FROM``."""
    z, h = np.asarray(z, dtype=float), np.asarray(h, dtype=float)
    out = np.asarray(exact(z, h), dtype=float)
    big = np.broadcast_to(z > _STIRLING_FROM, out.shape)
    if big.any():
        out[big] = series(*(np.broadcast_to(v, out.shape)[big] for v in (z, h)))
    return out


def _log_gamma_ratio(z: Any, h: Any) -> np.ndarray:
    """ln G(z + h) - ln G(z) for z, h > 0, accurate for huge z too."""
    return _exact_or_series(
        z, h, lambda z, h: special.gammaln(z + h) - special.gammaln(z),
        lambda z, h: ((z - 0.5) * np.log1p(h / z) + h * (np.log(z + h) - 1.0)
                      - h / (12.0 * z * (z + h)) + (1.0 / z**3 - 1.0 / (z + h)**3) / 360.0))


def _digamma_difference(z: Any, h: Any) -> np.ndarray:
    """psi(z + h) - psi(z) for z, h > 0, accurate for huge z too."""
    return _exact_or_series(
        z, h, lambda z, h: special.digamma(z + h) - special.digamma(z),
        lambda z, h: (np.log1p(h / z) + h / (2.0 * z * (z + h)) + (1.0 / z**2 - 1.0 / (z + h)**2) / 12.0
                      - (1.0 / z**4 - 1.0 / (z + h)**4) / 120.0))


def _betaln(a: Any, b: Any) -> np.ndarray:
    """ln B(a, b) for a, b > 0, accurate when one of them is huge."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    small, large = np.minimum(a, b), np.maximum(a, b)
    return special.gammaln(small) - _log_gamma_ratio(large, small)


def bgnbd_log_likelihood(r: float, alpha: float, a: float, b: float, frequency: Any,
                         recency: Any, T: Any) -> np.ndarray:
    """Log-likelihood of each customer under BG/NBD (FHL 2005, eq. 6), in log space:

    ln L = ln G(r+x) - ln G(r) + ln B(a, b+x) - ln B(a, b)
           + ln[ (alpha/(alpha+T))^r (alpha+T)^-x
                 + [x>0] a/(b+x-1) (alpha/(alpha+t_x))^r (alpha+t_x)^-x ],

    the powers of alpha/(alpha+T) taken as -r ln(1 + T/alpha), so that huge r and alpha (every
    customer buying at the same rate) lose no precision.
    """
    x, t_x, T = _arrays(frequency, recency, T)
    repeat = x > 0
    lg = _log_gamma_ratio(r, x) + _log_gamma_ratio(b, x) - _log_gamma_ratio(a + b, x)
    a3 = -r * np.log1p(T / alpha) - x * np.log(alpha + T)
    a4 = np.full(len(x), -np.inf)
    a4[repeat] = (np.log(a) - np.log(b + x[repeat] - 1) - r * np.log1p(t_x[repeat] / alpha)
                  - x[repeat] * np.log(alpha + t_x[repeat]))
    return lg + np.logaddexp(a3, a4)


def _compress(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Distinct rows of the given columns and how many customers share each (the likelihood
    is a sum over customers, so identical customers need evaluating once)."""
    order = np.lexsort(columns[::-1])
    sorted_cols = [c[order] for c in columns]
    change = np.zeros(len(order), dtype=bool)
    if len(order):
        change[0] = True
        for c in sorted_cols:
            change[1:] |= c[1:] != c[:-1]
    starts = np.flatnonzero(change)
    weights = np.diff(np.r_[starts, len(order)]).astype(float)
    return [c[starts] for c in sorted_cols], weights


# The optimiser searches (ln r, ln r/alpha, logit a/(a+b), ln(a+b)): the mean purchase rate and
# the mean drop-out chance, which even a small file pins down, apart from how much customers
# differ in them. Where the data show no such difference, r or a+b run to infinity with the
# means fixed; that limit (every customer alike) is a sound model, and in these coordinates the
# spread stops at its bound while the means still converge, instead of a and b climbing a ridge
# together until the line search fails.
_BGNBD_SEARCH = ("r", "r/alpha", "a/(a+b)", "a+b")


def _bgnbd_params(theta: np.ndarray) -> tuple[float, float, float, float]:
    """r, alpha, a, b from the search coordinates of :data:`_BGNBD_SEARCH`."""
    log_r, log_rate, logit_dropout, log_spread = theta
    spread = math.exp(log_spread)
    return (math.exp(log_r), math.exp(log_r - log_rate),
            float(special.expit(logit_dropout)) * spread,
            float(special.expit(-logit_dropout)) * spread)


def _bgnbd_objective(theta: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray,
                     w: np.ndarray, ux: np.ndarray, x_at: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean negative log-likelihood and its gradient in the search coordinates."""
    r, alpha, a, b = _bgnbd_params(theta)
    # Everything that depends on x alone is computed once per distinct x.
    lg = (_log_gamma_ratio(r, ux) + _log_gamma_ratio(b, ux) - _log_gamma_ratio(a + b, ux))[x_at]
    d_r_x = _digamma_difference(r, ux)[x_at]
    d_a_x = -_digamma_difference(a + b, ux)[x_at]
    d_b_x = _digamma_difference(b, ux)[x_at] + d_a_x
    repeat = x > 0
    b_x1 = np.where(repeat, b + x - 1, 1.0)
    log1p_T = np.log1p(T / alpha)
    log1p_tx = np.log1p(t_x / alpha)
    a3 = -r * log1p_T - x * np.log(alpha + T)
    a4 = np.where(repeat, np.log(a) - np.log(b_x1) - r * log1p_tx - x * np.log(alpha + t_x),
                  -np.inf)
    lse = np.logaddexp(a3, a4)
    ll = lg + lse
    w3 = np.exp(a3 - lse)
    w4 = 1.0 - w3
    g_r = d_r_x - w3 * log1p_T - w4 * log1p_tx
    # alpha times d ln L / d alpha, arranged without the difference r - r (1 - ...).
    share_T, share_tx = T / (alpha + T), t_x / (alpha + t_x)
    g_log_alpha = (r * (w3 * share_T + w4 * share_tx)
                   - x * (w3 * (1 - share_T) + w4 * (1 - share_tx)))
    g_a = d_a_x + w4 / a
    g_b = d_b_x - np.where(repeat, w4 / b_x1, 0.0)
    n = w.sum()
    d_log_r, d_log_alpha, d_log_a, d_log_b = (r * (w @ g_r), w @ g_log_alpha, a * (w @ g_a),
                                              b * (w @ g_b))
    dropout = a / (a + b)
    grad = np.array([d_log_r + d_log_alpha, -d_log_alpha,
                     (1 - dropout) * d_log_a - dropout * d_log_b, d_log_a + d_log_b])
    return -(w @ ll) / n, -grad / n


def _minimise(objective, x0: np.ndarray, args: tuple) -> optimize.OptimizeResult:
    bounds = [(-_LOG_BOUND, _LOG_BOUND)] * len(x0)
    return optimize.minimize(objective, x0, args=args, jac=True, method="L-BFGS-B",
                             bounds=bounds, options={"maxiter": 2000, "ftol": 1e-13,
                                                     "gtol": 1e-9})


def _converged(res: optimize.OptimizeResult) -> bool:
    # L-BFGS-B sometimes stops on a line-search failure at the optimum; a tiny projected
    # gradient then still means the optimum was found.
    if not np.all(np.isfinite(res.x)) or not np.isfinite(res.fun):
        return False
    free = np.abs(np.abs(res.x) - _LOG_BOUND) > _AT_BOUND
    return bool(res.success or np.max(np.abs(res.jac[free]), initial=0.0) < 1e-6)


def _best_fit(objective, starts: tuple[list[float], ...], args: tuple) -> optimize.OptimizeResult:
    """The first run from ``starts`` that converges, else the most likely one. A converged run
    wins over an unconverged one that is better only by rounding (1e-9 of the mean
    log-likelihood), as happens when a flat optimum ends the line search."""
    best = None
    for start in starts:
        res = _minimise(objective, np.array(start), args)
        if _converged(res) and (best is None or res.fun <= best.fun + 1e-9):
            return res
        if best is None or (np.isfinite(res.fun) and res.fun < best.fun):
            best = res
    return best


def _at_bound(log_params: np.ndarray, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(n for n, v in zip(names, log_params) if abs(abs(v) - _LOG_BOUND) < _AT_BOUND)


def fit_bgnbd(frequency: Any, recency: Any, T: Any) -> BGNBDFit:
    """Maximum-likelihood BG/NBD fit (L-BFGS-B on log parameters, analytic gradient).

    ``frequency`` are repeat purchase counts, ``recency`` and ``T`` times in one unit; alpha is
    returned in that unit. ``loglik`` is the full log-likelihood (a sum over customers).
    """
    x, t_x, T = _arrays(frequency, recency, T)
    if len(x) == 0:
        raise ValueError("BG/NBD needs at least one customer")
    scale = float(np.max(T)) or 1.0  # time in units of the longest T, so alpha starts near 1
    (cx, ct_x, cT), w = _compress(x, t_x / scale, T / scale)
    ux, x_at = np.unique(cx, return_inverse=True)
    args = (cx, ct_x, cT, w, ux, x_at)
    # Starts at r = alpha = a = b = 1 and at r=0.25, alpha=0.1, a=0.8, b=2.5.
    best = _best_fit(_bgnbd_objective, ([0.0, 0.0, 0.0, np.log(2.0)],
                                        [np.log(0.25), np.log(2.5), np.log(0.8 / 2.5),
                                         np.log(3.3)]), args)
    r, alpha, a, b = _bgnbd_params(best.x)
    alpha *= scale
    loglik = float(bgnbd_log_likelihood(r, alpha, a, b, x, t_x, T).sum())
    return BGNBDFit(float(r), float(alpha), float(a), float(b), loglik, _converged(best),
                    _at_bound(best.x, _BGNBD_SEARCH), str(best.message))


def probability_alive(fit: BGNBDFit, frequency: Any, recency: Any, T: Any) -> np.ndarray:
    """P(customer still alive at T | x, t_x, T) = 1 / (1 + [x>0] a/(b+x-1)
    ((alpha+T)/(alpha+t_x))^(r+x)), computed as a logistic of its log to avoid overflow."""
    x, t_x, T = _arrays(frequency, recency, T)
    repeat = x > 0
    log_odds = np.full(len(x), -np.inf)
    log_odds[repeat] = (np.log(fit.a) - np.log(fit.b + x[repeat] - 1)
                        + (fit.r + x[repeat]) * (np.log(fit.alpha + T[repeat])
                                                 - np.log(fit.alpha + t_x[repeat])))
    return special.expit(-log_odds)


def expected_purchases(fit: BGNBDFit, t: float, frequency: Any, recency: Any,
                       T: Any) -> np.ndarray:
    """Expected number of purchases in the next ``t`` time units, given x, t_x, T (FHL 2005,
    eq. 10), via the Euler-transformed hypergeometric term (see the module docstring)."""
    x, t_x, T = _arrays(frequency, recency, T)
    return _purchases_if_alive(fit, t, x, T) * probability_alive(fit, x, t_x, T)


def _purchases_if_alive(fit: BGNBDFit, t: float, x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Expected purchases in the next ``t`` of a customer still alive: depends on x and T only.

    Given alive, the drop-out chance p is Beta(a, b+x) and the purchase rate Gamma(r+x,
    alpha+T), so the expectation is E_p[g(p)] with g(p) = (1 - (1 + p t/(alpha+T))^-(r+x)) / p,
    which lies between g(1) and g(0) = (r+x) t/(alpha+T). The closed form (Euler-transformed
    hypergeometric) gives it exactly, except when a and b are in the thousands (every customer
    with about the same drop-out chance): its two factors then overflow and underflow. Those
    customers, caught by falling outside [g(1), g(0)], get the expectation by quadrature.
    """
    if t <= 0:
        return np.zeros(len(x))
    r, alpha, b = fit.r, fit.alpha, fit.b
    a = fit.a if abs(fit.a - 1.0) > 1e-9 else 1.0 + 1e-9  # a = 1 is a removable singularity
    z = t / (alpha + T + t)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        term = (1.0 - z) ** (a - 1.0) * special.hyp2f1(a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z)
        value = (a + b + x - 1.0) / (a - 1.0) * (1.0 - term)
    c = np.broadcast_to(t / (alpha + T), value.shape)
    slack = 1e-9  # the closed form's own rounding near the ends of the range
    inside = ((value >= -np.expm1(-(r + x) * np.log1p(c)) * (1 - slack))
              & (value <= (r + x) * c * (1 + slack)))
    if not inside.all():
        value[~inside] = _purchases_if_alive_by_quadrature(fit, c[~inside], x[~inside])
    return value


_QUANTILES, _QUANTILE_WEIGHTS = np.polynomial.legendre.leggauss(64)
_QUANTILES, _QUANTILE_WEIGHTS = (_QUANTILES + 1.0) / 2.0, _QUANTILE_WEIGHTS / 2.0


def _purchases_if_alive_by_quadrature(fit: BGNBDFit, c: np.ndarray, x: np.ndarray) -> np.ndarray:
    """E_p[g(p)] of :func:`_purchases_if_alive` (``c`` = t/(alpha+T)) as an integral over the
    quantiles of Beta(a, b+x), by 64-point Gauss-Legendre: g is bounded and smooth, so this is
    accurate to about 1e-8 (relative) whatever a and b are.
    """
    p = special.betaincinv(fit.a, fit.b + x[:, None], _QUANTILES)
    k = (fit.r + x)[:, None]
    pc = p * c[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        g = np.where(p > 0, -np.expm1(-k * np.log1p(pc)) / p, k * c[:, None])
    return g @ _QUANTILE_WEIGHTS


# --------------------------------------------------------------------------------------------
# Gamma-Gamma
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# The analysis: fits, checks, fallback, holdout
# --------------------------------------------------------------------------------------------


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
    m = 1.0 if margin is None else float(margin)
    summary = rfm_summary(tx, calibration_end=calibration_end, time_unit=time_unit,
                          observation_end=holdout_end)
    reasons = _degenerate_data(summary)
    warnings: list[str] = []
    bgnbd = gamma_gamma = None
    x = summary["frequency"].to_numpy(dtype=float)
    t_x = summary["recency"].to_numpy(dtype=float)
    T = summary["T"].to_numpy(dtype=float)
    money = summary["monetary_value"].to_numpy(dtype=float)
    if not reasons:
        bgnbd = fit_bgnbd(x, t_x, T)
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

    customers = summary.copy()
    customers["clv_historical"] = _historical(summary, m)
    horizon = horizon_months * DAYS_PER_MONTH / DAYS_PER_UNIT[time_unit]
    nan = np.full(len(summary), np.nan)
    bg_ok = bgnbd is not None and not _check_bgnbd(bgnbd)
    customers["p_alive"] = probability_alive(bgnbd, x, t_x, T) if bg_ok else nan
    customers["expected_purchases"] = expected_purchases(bgnbd, horizon, x, t_x, T) \
        if bg_ok else nan
    gg_ok = gamma_gamma is not None and not _check_gamma_gamma(gamma_gamma, money[x > 0])
    customers["expected_spend"] = expected_spend(gamma_gamma, x, money) * (1 - refund_share) \
        if gg_ok else nan
    clv = nan
    if not reasons:
        clv = customer_lifetime_value(bgnbd, gamma_gamma, x, t_x, T, money,
                                      time_unit=time_unit, horizon_months=horizon_months,
                                      discount_rate=discount_rate,
                                      margin=m) * (1 - refund_share)
        broken = int((~np.isfinite(clv)).sum())
        if broken:  # a fault of ours, not of the data: say so rather than show a wrong number
            reasons.append(f"The calculation gave no predicted CLV for {broken:,} of "
                           f"{len(clv):,} customers, a fault in this software rather than in "
                           "your data.")
    fallback = "historical" if reasons else None
    customers["clv"] = nan if fallback else clv
    customers["value"] = customers["clv_historical"] if fallback else customers["clv"]
    holdout = _holdout(summary, bgnbd if bg_ok else None) if holdout_end is not None else None
    return ClvAnalysis(customers, bgnbd, gamma_gamma, fallback, reasons, warnings,
                       refund_share, holdout)


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def _json(value: Any) -> Any:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    return value


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
    return _json(report)


def format_clv_table(report: dict[str, Any]) -> str:
    """The report of :func:`clv_report` as plain text for a terminal."""
    money = lambda v: "n/a" if v is None else f"{v:,.2f}"  # noqa: E731
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


# --------------------------------------------------------------------------------------------
# Simulation (tests, benchmarks, demo data)
# --------------------------------------------------------------------------------------------


def simulate_bgnbd(n: int, *, r: float, alpha: float, a: float, b: float, T: Any,
                   seed: int = 0) -> pd.DataFrame:
    """``frequency``, ``recency``, ``T`` of ``n`` customers drawn from BG/NBD with the given
    parameters, observed for ``T`` time units (a number or one per customer).

    Given N ~ Poisson(lambda T) purchase times in (0, T], they are uniform order statistics,
    and the customer, who drops out after repeat purchase J ~ Geometric(p), shows
    x = min(N, J) of them; the x-th of N uniforms is Beta(x, N - x + 1) distributed.
    """
    rng = np.random.default_rng(seed)
    T = np.broadcast_to(np.asarray(T, dtype=float), (n,)).copy()
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    arrivals = rng.poisson(lam * T)
    lifetime = rng.geometric(np.clip(p, 1e-12, 1.0))
    x = np.minimum(arrivals, lifetime)
    t_x = np.zeros(n)
    repeat = x > 0
    t_x[repeat] = T[repeat] * rng.beta(x[repeat], arrivals[repeat] - x[repeat] + 1)
    return pd.DataFrame({"frequency": x, "recency": t_x, "T": T})


def simulate_spend(frequency: Any, *, p: float, q: float, v: float,
                   seed: int = 0) -> np.ndarray:
    """Mean spend per purchase of customers with the given purchase counts under Gamma-Gamma
    (nu ~ Gamma(q, rate v); each spend ~ Gamma(p, rate nu); NaN for 0 purchases)."""
    rng = np.random.default_rng(seed)
    x = np.asarray(frequency, dtype=float)
    nu = rng.gamma(q, 1.0 / v, len(x))
    total = rng.gamma(np.where(x > 0, p * x, 1.0), 1.0 / nu)
    return np.where(x > 0, total / np.where(x > 0, x, 1.0), np.nan)


def simulate_transactions(n_customers: int, *, r: float, alpha: float, a: float, b: float,
                          p: float, q: float, v: float, start: Any, end: Any,
                          acquisition_end: Any = None, time_unit: TimeUnit = "week",
                          segments: tuple[str, ...] = (), seed: int = 0) -> pd.DataFrame:
    """Transactions (``customer_id``, ``date``, ``amount`` and ``segment`` when segments are
    given) of customers whose first purchase is uniform between ``start`` and
    ``acquisition_end`` (default: midway to ``end``) and who then follow BG/NBD (rates per
    ``time_unit``) and Gamma-Gamma spend until ``end``. Fully vectorised."""
    rng = np.random.default_rng(seed)
    unit_ns = DAYS_PER_UNIT[time_unit] * _NS_PER_DAY
    start_ns, end_ns = pd.Timestamp(start).value, pd.Timestamp(end).value
    acq_ns = pd.Timestamp(acquisition_end).value if acquisition_end is not None \
        else (start_ns + end_ns) // 2
    first = rng.uniform(start_ns, acq_ns, n_customers)
    T = (end_ns - first) / unit_ns
    lam = rng.gamma(r, 1.0 / alpha, n_customers)
    drop = rng.beta(a, b, n_customers)
    arrivals = rng.poisson(lam * T)
    x = np.minimum(arrivals, rng.geometric(np.clip(drop, 1e-12, 1.0)))
    # The first x of `arrivals` uniform order statistics: cumulative sums of exponentials over
    # the total of arrivals + 1 of them (the rest drawn as one Gamma variate).
    owner = np.repeat(np.arange(n_customers), x)
    spacing = rng.exponential(1.0, len(owner))
    cumulative = np.cumsum(spacing)
    offset = np.repeat(np.r_[0.0, cumulative][np.r_[0, np.cumsum(x)][:-1]], x)
    within = cumulative - offset
    totals = within[np.cumsum(x)[x > 0] - 1] if len(owner) else np.zeros(0)
    last = np.zeros(n_customers)
    last[x > 0] = totals
    total = last + rng.gamma(np.maximum(arrivals - x + 1, 1e-12), 1.0)
    times = first[owner] + within / total[owner] * T[owner] * unit_ns
    who = np.r_[np.arange(n_customers), owner]
    when = np.r_[first, times].astype(np.int64)
    nu = rng.gamma(q, 1.0 / v, n_customers)
    amount = np.round(rng.gamma(p, 1.0 / nu[who]), 2)
    amount = np.maximum(amount, 0.01)
    order = np.argsort(when, kind="stable")
    width = len(str(n_customers))
    ids = pd.Index(np.char.add("C", np.char.zfill(np.arange(n_customers).astype(str), width)))
    out = pd.DataFrame({"customer_id": ids.take(who[order]),
                        "date": when[order].view("datetime64[ns]"),
                        "amount": amount[order]})
    if segments:
        segment_of = rng.integers(0, len(segments), n_customers)
        out["segment"] = np.asarray(segments, dtype=object)[segment_of[who[order]]]
    return out


__all__ = [
    "BGNBDFit", "ClvAnalysis", "GammaGammaFit", "analyse_clv", "bgnbd_log_likelihood",
    "clv_report", "customer_lifetime_value", "expected_purchases", "expected_spend",
    "fit_bgnbd", "fit_gamma_gamma", "format_clv_table", "gamma_gamma_log_likelihood",
    "probability_alive", "rfm_summary", "simulate_bgnbd", "simulate_spend",
    "simulate_transactions",
]
