"""BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): how many orders
a customer will place.

While alive a customer buys at Poisson rate lambda ~ Gamma(r, alpha); after each repeat
purchase they drop out with probability p ~ Beta(a, b). The inputs are ``frequency`` x,
``recency`` t_x and ``T`` of :func:`canvas.analytics.clv.rfm.rfm_summary`, in one time unit.

The expected purchases use the Euler transform of the Gauss hypergeometric function,
``((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z) = (1-z)^(a-1) 2F1(a+b-1-r, a-1;
a+b+x-1; z)`` with ``z = t/(alpha+T+t)``: the first two parameters no longer grow with x, so
``scipy.special.hyp2f1`` converges quickly and never overflows for heavy buyers. Where a and b
are in the thousands its two factors overflow; those values come from a quadrature of the same
expectation over the drop-out chance instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special

from canvas.analytics.clv.fitting import (
    _arrays,
    _at_bound,
    _best_fit,
    _compress,
    _converged,
    _digamma_difference,
    _log_gamma_ratio,
)


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
