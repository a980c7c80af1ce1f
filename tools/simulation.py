"""Data drawn from BG/NBD and Gamma-Gamma with known parameters, for the CLV and metrics tests
and the benchmarks: RFM inputs, mean spends and whole transaction files."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from canvas.analytics.clv import DAYS_PER_UNIT, TimeUnit

_NS_PER_DAY = 86_400 * 10**9


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
