"""Predictive CLV of a Parquet file too big for memory: the RFM summary bucket by bucket.

A customer's RFM summary (frequency, recency, T, spend, revenue, first segment) depends on
their rows alone, and every customer's rows are in one bucket (see ``buckets``): each bucket's
summary is computed by :func:`canvas.analytics.clv.rfm.rfm_summary` on its rows in the file's
order (a tie on the first purchase day goes to the earlier row, as in memory), and the summaries
are stacked in the order of the customers' first rows, the in-memory summary's order: the same
summary, so the same fits and figures. The models are then fitted and checked by the in-memory code
(``fit_summary``; BG/NBD fits the distinct (frequency, recency, T) with their counts, so 17M
customers cost the fit little more than a few thousand), CLV is predicted a million customers
at a time by ``customer_lifetime_value``, and the report is made by ``clv_report_of``. Memory:
the summary (about 80 bytes a customer) and the fit's sorted copies of three of its columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from canvas.analytics.clv.analysis import (
    ClvAnalysis,
    _holdout,
    broken_reason,
    customer_lifetime_value,
    fit_summary,
    usable_bgnbd,
)
from canvas.analytics.clv.report import clv_report_of
from canvas.analytics.clv.rfm import TimeUnit, _day_number, rfm_summary
from canvas.analytics.large.buckets import Buckets, Progress, customer_codes, each_bucket, read_bucket, with_buckets
from canvas.analytics.large.source import inspect_parquet

PREDICT_CUSTOMERS = 1_000_000  # customers whose CLV is predicted at once


def _bucket_summary(b: Buckets, k: int, calibration_end: Any, time_unit: TimeUnit,
                    holdout_end: Any) -> pd.DataFrame:
    """The RFM summary of one bucket's customers, with ``first_row`` (the customer's first row
    in the file)."""
    rows = read_bucket(b, k, with_row=True)
    in_file_order = np.argsort(rows.row, kind="stable")
    cust, _ = customer_codes(rows)
    cust = cust[in_file_order]
    # Codes in order of first appearance in the file, as ``rfm_summary`` numbers customers.
    cust, _ = pd.factorize(cust)
    appears = np.r_[True, cust[1:] > np.maximum.accumulate(cust)[:-1]] if len(cust) else \
        np.zeros(0, bool)  # a code's first row: codes are numbered as they first appear
    first_row = rows.row[in_file_order][appears]
    frame = pd.DataFrame({"customer_id": cust,
                          "date": rows.day[in_file_order].astype("datetime64[D]"),
                          "amount": rows.amount[in_file_order]}, copy=False)
    if b.segments is not None and rows.segment is not None:
        frame["segment"] = pd.Categorical.from_codes(rows.segment[in_file_order],
                                                     categories=list(b.segments))
    summary = rfm_summary(frame, calibration_end=calibration_end, time_unit=time_unit,
                          observation_end=holdout_end)
    summary["first_row"] = first_row[summary.index.to_numpy()]
    return summary.reset_index(drop=True)


def _in_file_order(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The buckets' summaries stacked in the order of the customers' first rows, the order in
    which the in-memory summary lists them: sums and means over customers then add in the
    same order, and the fits start from the same numbers. Column by column, each taken out of
    the parts as it is stacked, so that memory holds about one summary, not two."""
    order = np.argsort(np.concatenate([p.pop("first_row").to_numpy() for p in parts]),
                       kind="stable")
    columns = list(parts[0].columns) if parts else []
    stacked = {}
    for name in columns:
        stacked[name] = np.concatenate([p.pop(name).to_numpy() for p in parts])[order]
    parts.clear()
    return pd.DataFrame(stacked, copy=False)


def _analysis(summary: pd.DataFrame, *, holdout: bool, time_unit: TimeUnit, horizon_months: int,
              discount_rate: float, margin: float | None) -> ClvAnalysis:
    """:func:`canvas.analytics.clv.analysis.analyse_summary` for what the report shows, at the
    memory of a few columns: the models fitted on the whole summary, CLV predicted
    ``PREDICT_CUSTOMERS`` customers at a time (each customer's value depends on their row
    alone), and only the columns the report reads kept per customer."""
    m = 1.0 if margin is None else float(margin)
    fits = fit_summary(summary)
    n = len(summary)
    value = np.full(n, np.nan)
    if fits.predictive and fits.bgnbd is not None and fits.gamma_gamma is not None:
        broken = 0
        for lo in range(0, n, PREDICT_CUSTOMERS):
            part = summary.iloc[lo:lo + PREDICT_CUSTOMERS]
            clv = customer_lifetime_value(
                fits.bgnbd, fits.gamma_gamma, part["frequency"], part["recency"], part["T"],
                part["monetary_value"], time_unit=time_unit, horizon_months=horizon_months,
                discount_rate=discount_rate, margin=m) * (1 - fits.refund_share)
            broken += int((~np.isfinite(clv)).sum())
            value[lo:lo + len(clv)] = clv
        if broken:
            fits.reasons.append(broken_reason(broken, n))
    fallback = "historical" if fits.reasons else None
    if fallback:
        value = summary["revenue"].to_numpy(dtype=float) * m
    customers = pd.DataFrame({"frequency": summary["frequency"].to_numpy(), "value": value})
    if "segment" in summary.columns:
        customers["segment"] = summary["segment"].to_numpy()
    figures = _holdout(summary, usable_bgnbd(fits)) if holdout else None
    return ClvAnalysis(customers, fits.bgnbd, fits.gamma_gamma, fallback, fits.reasons,
                       fits.warnings, fits.refund_share, figures)


def clv_report_parquet(path: str | Path, *, calibration_end: Any, holdout_end: Any = None,
                       time_unit: TimeUnit = "week", horizon_months: int = 12,
                       discount_rate: float = 0.01, margin: float | None = None,
                       buckets: int | None = None,
                       progress: Progress | None = None,
                       work_dir: str | Path | None = None) -> dict[str, Any]:
    """:func:`canvas.analytics.clv.clv_report` of a normalized Parquet file, out of core:
    equal to ``clv_report(pd.read_parquet(path), ...)`` (sums of money up to the order of
    additions). ``buckets``, ``progress`` and ``work_dir`` as for ``metrics_report_parquet``."""
    if margin is not None and not 0 < margin <= 1:
        raise ValueError(f"margin is a fraction of revenue in (0, 1]; got {margin!r}")
    if holdout_end is not None and _day_number(holdout_end) <= _day_number(calibration_end):
        raise ValueError("holdout_end must be after calibration_end")
    source = inspect_parquet(path)

    def report(b: Buckets) -> dict[str, Any]:
        # One bucket at a time: the summaries of all customers add up to most of the memory,
        # and two buckets in flight on top of them took 100M rows to 3.8 GB.
        parts = each_bucket(_bucket_summary, b, (calibration_end, time_unit, holdout_end),
                            progress, workers=1)
        summary = _in_file_order(parts)
        result = _analysis(summary, holdout=holdout_end is not None, time_unit=time_unit,
                           horizon_months=horizon_months, discount_rate=discount_rate,
                           margin=margin)
        del summary
        return clv_report_of(result, calibration_end=calibration_end, holdout_end=holdout_end,
                             time_unit=time_unit, horizon_months=horizon_months,
                             discount_rate=discount_rate, margin=margin)

    return with_buckets(source, report, count=buckets, work_dir=work_dir)
