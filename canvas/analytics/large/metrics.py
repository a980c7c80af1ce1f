"""The metrics report of a Parquet file too big for memory, bucket by bucket.

Each bucket (the rows of a share of the customers, see ``buckets``) is prepared as the
in-memory engine prepares a frame, its partials are computed over the window of the whole file
and added up, and the sum is finished once (``canvas.analytics.metrics.partials``): the figures
are those of :func:`canvas.analytics.metrics.metrics_report` on the whole file, by the same code.
Buckets are reported by ``WORKERS`` threads, each holding one bucket at a time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from canvas.analytics.large.buckets import (
    BucketRows,
    Buckets,
    HashCollision,
    Progress,
    customer_codes,
    each_bucket,
    read_bucket,
    with_buckets,
)
from canvas.analytics.large.source import inspect_parquet
from canvas.analytics.metrics.headline import _check_margin
from canvas.analytics.metrics.partials import ReportPartials, add_partials, report_partials
from canvas.analytics.metrics.periods import Period, _check_period
from canvas.analytics.metrics.prepare import DateLike, _from_codes, _Tx, _Window, _window_of_days
from canvas.analytics.metrics.report import finish_report


def prepared_bucket(rows: BucketRows, segments: tuple[str, ...] | None) -> _Tx:
    """A bucket's rows prepared as ``metrics.prepare`` prepares a frame of them: an order is a
    customer's order id (a row without one is an order of its own)."""
    cust, hashes = customer_codes(rows)
    order, n_orders = None, 0
    if rows.order_key is not None and rows.has_order is not None:
        has = rows.has_order
        codes, _ = pd.factorize(rows.order_key[has])
        n_orders = int(codes.max(initial=-1)) + 1
        owner = np.zeros(n_orders, dtype=np.int64)
        owner[codes] = cust[has]
        if (owner[codes] != cust[has]).any():  # one key for the orders of two customers
            raise HashCollision
        order = np.empty(len(cust), dtype=np.int64)
        order[has] = codes
        missing = int(len(cust) - has.sum())
        order[~has] = n_orders + np.arange(missing)
        n_orders += missing
    values = None if segments is None else pd.Index(list(segments), dtype=object)
    return _from_codes(cust, pd.Index(hashes), rows.day, rows.amount, order, n_orders,
                       rows.segment, values)


def _bucket_partials(b: Buckets, k: int, w: _Window, period: Period) -> ReportPartials:
    return report_partials(prepared_bucket(read_bucket(b, k), b.segments), w, period)


def metrics_report_parquet(path: str | Path, *, period: Period = "month", start: DateLike = None,
                           end: DateLike = None, as_of: DateLike = None,
                           margin: float | None = None, surveys: pd.DataFrame | None = None,
                           spend: pd.DataFrame | None = None, buckets: int | None = None,
                           progress: Progress | None = None,
                           work_dir: str | Path | None = None) -> dict[str, Any]:
    """:func:`canvas.analytics.metrics.metrics_report` of a normalized Parquet file (see
    ``source``), out of core: equal to ``metrics_report(pd.read_parquet(path), ...)`` (the
    same integers; sums of money up to the order of additions) at the memory of one bucket.
    ``buckets`` overrides the number of buckets (by default one per ``BUCKET_ROWS`` rows);
    ``progress`` is called after each bucket; ``work_dir`` is where the buckets are kept
    (``buckets.split``)."""
    _check_margin(margin)
    _check_period(period)
    source = inspect_parquet(path)

    def report(b: Buckets) -> dict[str, Any]:
        w = _window_of_days(b.first_day, b.last_day, start, end, as_of)
        parts = each_bucket(_bucket_partials, b, (w, period), progress)
        total = parts[0]
        for part in parts[1:]:  # in bucket order, so that the sums do not depend on timing
            total = add_partials(total, part)
        return finish_report(total, w, period=period, margin=margin, surveys=surveys,
                             spend=spend)

    return with_buckets(source, report, count=buckets, work_dir=work_dir)
