"""What both models' fits share: exact log-gamma and digamma differences, equal customers
counted once, and the bounded L-BFGS-B search.

Both likelihoods are evaluated in log space (``logaddexp`` for the two terms of the BG/NBD
likelihood, differences of log-gamma and digamma functions by Stirling's series where their
arguments are large), so customers with hundreds of purchases are fine, and fitted by L-BFGS-B
with analytic gradients on coordinates that separate what even a small file pins down (the
mean purchase rate, the mean drop-out chance, a typical spend per order) from how much customers
differ in it. When customers do not differ (r, a+b or p at their bound of e^12) the fit is the
limit model, which is sound: a bound is not a failure. Time is rescaled during the fit so that
the optimiser sees numbers near 1 whatever the unit; reported parameters and log-likelihoods are
in the caller's unit and are the full sums of the literature.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import optimize, special

_LOG_BOUND = 12.0  # parameters live in [e^-12, e^12] (after rescaling time and money)
_AT_BOUND = 1e-3


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
