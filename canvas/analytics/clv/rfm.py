"""RFM summary: the per-customer inputs of BG/NBD and Gamma-Gamma, from transactions.

Per customer the models need ``frequency`` x (repeat purchase days: distinct purchase days
minus one), ``recency`` t_x (first to last purchase) and ``T`` (first purchase to the end of
calibration), in one time unit (days or weeks), and the mean spend of the repeat purchase days.

Refunds: purchase days are days with at least one positive row, and spend per purchase day is
the sum of its positive rows; refunds count in ``revenue`` but not in ``gross``.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

TimeUnit = Literal["day", "week"]
DAYS_PER_UNIT: dict[str, float] = {"day": 1.0, "week": 7.0}
DAYS_PER_MONTH = 365.2425 / 12


_NS_PER_DAY = 86_400 * 10**9


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
