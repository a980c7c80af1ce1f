"""Predictive CLV of a Parquet file too big for memory: the RFM summary bucket by bucket.

A customer's RFM summary (frequency, recency, T, spend, revenue, first segment) depends on
their rows alone, and every customer's rows are in one bucket (see ``buckets``): each bucket's
summary is computed by :func:`canvas.analytics.clv.rfm.rfm_summary` on its rows in the file's
order (a tie on the first purchase day goes to the earlier row, as in memory), and the summaries
are stacked in the order of the customers' first rows, the in-memory summary's order: the same
summary, so the same fits and figures. The models are then fitted and the report made by the in-memory code
(``analyse_summary``, ``clv_report_of``); BG/NBD fits the distinct (frequency, recency, T) with
their counts, so 17M customers cost the fit little more than a few thousand. Memory: about 1 KB
per customer at the peak (the summary, the predictions and their temporaries).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from canvas.analytics.clv.analysis import analyse_summary
from canvas.analytics.clv.report import clv_report_of
from canvas.analytics.clv.rfm import TimeUnit, _day_number, rfm_summary
from canvas.analytics.large.buckets import Buckets, Progress, customer_codes, each_bucket, read_bucket, with_buckets
from canvas.analytics.large.source import inspect_parquet


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
    same order, and the fits start from the same numbers."""
    summary = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    parts.clear()
    order = np.argsort(summary.pop("first_row").to_numpy(), kind="stable")
    return summary.take(order).reset_index(drop=True)


def clv_report_parquet(path: str | Path, *, calibration_end: Any, holdout_end: Any = None,
                       time_unit: TimeUnit = "week", horizon_months: int = 12,
                       discount_rate: float = 0.01, margin: float | None = None,
                       buckets: int | None = None,
                       progress: Progress | None = None) -> dict[str, Any]:
    """:func:`canvas.analytics.clv.clv_report` of a normalized Parquet file, out of core:
    equal to ``clv_report(pd.read_parquet(path), ...)`` (sums of money up to the order of
    additions). ``buckets`` and ``progress`` as for ``metrics_report_parquet``."""
    if margin is not None and not 0 < margin <= 1:
        raise ValueError(f"margin is a fraction of revenue in (0, 1]; got {margin!r}")
    if holdout_end is not None and _day_number(holdout_end) <= _day_number(calibration_end):
        raise ValueError("holdout_end must be after calibration_end")
    source = inspect_parquet(path)

    def report(b: Buckets) -> dict[str, Any]:
        parts = each_bucket(_bucket_summary, b, (calibration_end, time_unit, holdout_end),
                            progress)
        summary = _in_file_order(parts)
        result = analyse_summary(summary, holdout=holdout_end is not None, time_unit=time_unit,
                                 horizon_months=horizon_months, discount_rate=discount_rate,
                                 margin=margin)
        return clv_report_of(result, calibration_end=calibration_end, holdout_end=holdout_end,
                             time_unit=time_unit, horizon_months=horizon_months,
                             discount_rate=discount_rate, margin=margin)

    return with_buckets(source, report, count=buckets)
