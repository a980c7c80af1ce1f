"""Transactions split by customer into buckets, out of core, once per file.

One DuckDB pass over a normalized Parquet file (see ``source``) writes its rows into ``count``
bucket files by a 64-bit hash of the customer id, with compact columns: ``customer`` (the hash),
``check`` (a second, independent hash of the id), ``day`` (days since 1970-01-01), ``amount``,
``order_key`` (a hash of the customer and order id, null without an order id), ``segment`` (code in the sorted
segment values, -1 when missing) and ``row`` (the row's place in the file). Every customer's
rows are in one bucket, so anything summed over customers is the sum of the buckets' sums.

The pass runs under a memory limit with two threads and spills to the work folder; its buckets
are kept in the work folder (``work_dir`` when given, else ``CANVAS_WORK_DIR``, else the
system's temporary folder) under the
file's path, size and modification time, so a second report of the same file skips it; the
buckets of a file's earlier versions are removed when its new version is split.

Hash collisions: two customer ids with the same 64-bit hash would be counted as one customer.
For 17M customers the chance is about 1 in 100,000; a bucket read checks that every customer's
rows share the second hash too, and that every order key belongs to one customer, and when
not the caller splits again with another salt (:class:`HashCollision`), so figures are never
merged silently. Two order ids of one customer with the same hash (about 1 in 10^13 for 17M
customers of a few orders each) would be one order.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from canvas.analytics.large.source import LargeDataError, ParquetSource, require_normalized

BUCKET_ROWS = 4_000_000  # rows per bucket: the in-memory engine's peak stays near 1 GB
MEMORY_LIMIT = "1GB"  # DuckDB's own limit during the pass; it spills to disk beyond it
THREADS = 2
_LAYOUT = 2  # bump when the bucket files' columns change, so old caches are not reused
_MAX_SALTS = 4


T = TypeVar("T")
Progress = Callable[[int, int], None]  # (buckets done, buckets in all)
R = TypeVar("R")
WORKERS = 2  # threads reporting buckets at once: the machine's two cores


class HashCollision(Exception):
    """Two customer ids of one bucket share their hash: split again with the next salt."""


@dataclass(frozen=True)
class Buckets:
    """The bucket files of one Parquet file, and what the pass learnt about the whole file."""

    folder: Path
    count: int
    rows: int
    first_day: int | None  # the first and last day of the data (None without rows)
    last_day: int | None
    segments: tuple[str, ...] | None  # sorted segment values; None without a segment column
    has_orders: bool
    salt: int

    def path(self, bucket: int) -> Path:
        return self.folder / f"bucket={bucket}"


def work_root(work_dir: str | Path | None = None) -> Path:
    """Where bucket files are kept between runs: under ``work_dir``, by default ``CANVAS_WORK_DIR``
    or the system's temporary folder."""
    return Path(work_dir or os.environ.get("CANVAS_WORK_DIR") or tempfile.gettempdir()) / "canvas-buckets"


def bucket_count(rows: int) -> int:
    return max(1, math.ceil(rows / BUCKET_ROWS))


def split(source: ParquetSource, *, count: int | None = None, salt: int = 0,
          work_dir: str | Path | None = None) -> Buckets:
    """The buckets of ``source``, from the cache (under ``work_root(work_dir)``) when the same file
    was split before."""
    require_normalized(source)
    count = bucket_count(source.rows) if count is None else count
    import duckdb  # its hash function may change between versions: part of the key

    key = hashlib.sha256(f"{source.version}|{count}|{salt}|{_LAYOUT}|{duckdb.__version__}"
                         .encode()).hexdigest()[:24]
    folder = work_root(work_dir) / key
    meta = folder / "buckets.json"
    if meta.exists():
        return _from_meta(folder, json.loads(meta.read_text()))
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f"{key}.partial-", dir=folder.parent))
    try:
        info = _write_buckets(source, partial, count, salt)
        (partial / "buckets.json").write_text(json.dumps(info))
        shutil.rmtree(partial / ".spill", ignore_errors=True)
        try:
            partial.rename(folder)
        except OSError:  # another process finished the same buckets first: use theirs
            pass
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    _forget_older_versions(source, keep=folder)
    return _from_meta(folder, json.loads(meta.read_text()))


def _forget_older_versions(source: ParquetSource, *, keep: Path) -> None:
    """Remove the buckets of earlier versions of the same file: a changed file is not read
    again in its old version, and its buckets are about as big as the file."""
    for meta in keep.parent.glob("*/buckets.json"):
        if meta.parent != keep and json.loads(meta.read_text()).get("path") == str(source.path.resolve()):
            shutil.rmtree(meta.parent, ignore_errors=True)


def _from_meta(folder: Path, info: dict) -> Buckets:
    segments = None if info["segments"] is None else tuple(info["segments"])
    return Buckets(folder, info["count"], info["rows"], info["first_day"], info["last_day"],
                   segments, info["has_orders"], info["salt"])


def connect(spill: Path):  # -> duckdb.DuckDBPyConnection
    """A DuckDB connection bounded in memory and threads, spilling under ``spill``."""
    import duckdb

    spill.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "threads": THREADS,
                                 "temp_directory": str(spill),
                                 "preserve_insertion_order": False})
    con.execute("SET enable_progress_bar = false")  # a session option: no bar on the terminal
    return con


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _write_buckets(source: ParquetSource, folder: Path, count: int, salt: int) -> dict:
    con = connect(folder / ".spill")
    try:
        data = f"read_parquet({_sql_text(str(source.path))})"
        rows, first, last, missing = con.execute(
            "SELECT count(*), min(CAST(date AS DATE)) - DATE '1970-01-01', "
            "max(CAST(date AS DATE)) - DATE '1970-01-01', "
            "count(*) FILTER (WHERE customer_id IS NULL OR date IS NULL OR amount IS NULL) "
            f"FROM {data}").fetchone()
        if missing:
            raise LargeDataError(
                f"{source.path}: {missing:,} of {rows:,} rows lack a customer, a date or an "
                "amount, so the file is not normalized. Ingest it first (the data page, or the "
                "streaming ingestion of a CSV file), which skips such rows and says which.")
        segments = None
        if source.has_segments:
            values = con.execute(f"SELECT DISTINCT segment FROM {data} WHERE segment IS NOT NULL")
            segments = sorted(v for (v,) in values.fetchall())
        prefix = "" if salt == 0 else f"{salt}\x1e"
        customer = "CAST(customer_id AS VARCHAR)"
        columns = [
            f"hash({_sql_text(prefix)} || {customer}) AS customer",
            f"hash('\x1f' || {customer}) AS check",
            "CAST(CAST(date AS DATE) - DATE '1970-01-01' AS INTEGER) AS day",
            "CAST(amount AS DOUBLE) AS amount",
            "file_row_number AS row",
        ]
        if source.has_orders:
            # An order is one customer's order id: the key hashes the pair.
            columns.append(f"CASE WHEN order_id IS NULL THEN NULL ELSE hash({_sql_text(prefix)} "
                           f"|| {customer}, order_id) END AS order_key")
        if segments is not None:
            listed = "[" + ", ".join(_sql_text(str(s)) for s in segments) + "]"
            columns.append(f"CAST(coalesce(list_position({listed}, segment) - 1, -1) AS SMALLINT)"
                           " AS segment")
        con.execute(
            f"COPY (SELECT CAST(customer % {count} AS INTEGER) AS bucket, * FROM ("
            f"SELECT {', '.join(columns)} FROM read_parquet({_sql_text(str(source.path))}, "
            f"file_row_number = true))) TO {_sql_text(str(folder))} "
            "(FORMAT parquet, PARTITION_BY (bucket), OVERWRITE_OR_IGNORE true)")
    finally:
        con.close()
    return {"path": str(source.path.resolve()), "count": count, "rows": rows, "first_day": first, "last_day": last,
            "segments": segments, "has_orders": source.has_orders, "salt": salt}


@dataclass(frozen=True)
class BucketRows:
    """One bucket's rows as arrays, in no particular order."""

    customer: np.ndarray  # uint64 hash of the customer id
    check: np.ndarray  # uint64 second hash of the customer id
    day: np.ndarray  # int64
    amount: np.ndarray  # float64
    row: np.ndarray  # int64 row in the file
    order_key: np.ndarray | None  # uint64 hash of the order id
    has_order: np.ndarray | None  # bool: the row has an order id
    segment: np.ndarray | None  # int64 segment code, -1 when missing


def read_bucket(buckets: Buckets, bucket: int, *, with_row: bool = False) -> BucketRows:
    """The rows of one bucket (a bucket no customer fell into has none); ``row`` only when
    asked (empty otherwise)."""
    import pyarrow.parquet as pq

    folder = buckets.path(bucket)
    if not folder.exists():
        empty = np.zeros(0, dtype=np.uint64)
        return BucketRows(empty, empty, np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64),
                          empty if buckets.has_orders else None,
                          np.zeros(0, bool) if buckets.has_orders else None,
                          np.zeros(0, np.int64) if buckets.segments is not None else None)
    names = ["customer", "check", "day", "amount"] + (["row"] if with_row else []) \
        + (["order_key"] if buckets.has_orders else []) \
        + (["segment"] if buckets.segments is not None else [])
    table = pq.read_table(folder, columns=names)
    column = lambda name, dtype: table.column(name).to_numpy().astype(dtype, copy=False)  # noqa: E731
    order_key = has_order = None
    if buckets.has_orders:
        keys = table.column("order_key")
        has_order = keys.is_valid().to_numpy(zero_copy_only=False)
        order_key = keys.fill_null(0).to_numpy().astype(np.uint64, copy=False)
    segment = column("segment", np.int64) if buckets.segments is not None else None
    return BucketRows(column("customer", np.uint64), column("check", np.uint64),
                      column("day", np.int64), column("amount", np.float64),
                      column("row", np.int64) if with_row else np.zeros(0, np.int64),
                      order_key, has_order, segment)


def with_buckets(source: ParquetSource, work: Callable[[Buckets], T], *,
                 count: int | None = None, work_dir: str | Path | None = None) -> T:
    """``work(buckets)`` on the buckets of ``source`` (kept under ``work_dir``, see ``split``);
    when it finds two customer ids sharing a hash (:class:`HashCollision`), again on buckets
    split with another salt."""
    for salt in range(_MAX_SALTS):
        try:
            return work(split(source, count=count, salt=salt, work_dir=work_dir))
        except HashCollision:
            continue
    raise LargeDataError(f"{source.path}: customer ids kept sharing hashes in {_MAX_SALTS} "
                         "tries; this should not happen, please report it.")


def customer_codes(rows: BucketRows) -> tuple[np.ndarray, np.ndarray]:
    """Customer codes (from 0) of a bucket's rows and the hash of each code. Raises
    :class:`HashCollision` when two customer ids of the bucket share their hash (their rows then
    differ in the second hash)."""
    codes, hashes = pd.factorize(rows.customer)
    codes = codes.astype(np.int64, copy=False)
    check = np.zeros(len(hashes), dtype=np.uint64)
    check[codes] = rows.check
    if (check[codes] != rows.check).any():
        raise HashCollision
    return codes, np.asarray(hashes)


def each_bucket(work: Callable[..., R], b: Buckets, args: tuple,
                 progress: Progress | None, *, workers: int = WORKERS) -> list[R]:
    """``work(b, k, *args)`` for every bucket k, in ``workers`` threads (NumPy, pandas and Arrow
    release the GIL in their loops), results in bucket order. Each thread holds one bucket."""
    if b.count == 1 or workers == 1:
        results = []
        for k in range(b.count):
            results.append(work(b, k, *args))
            if progress is not None:
                progress(k + 1, b.count)
        return results
    with ThreadPoolExecutor(max_workers=min(workers, b.count)) as pool:
        futures = [pool.submit(work, b, k, *args) for k in range(b.count)]
        for done, _ in enumerate(as_completed(futures), start=1):
            if progress is not None:
                progress(done, b.count)
        return [future.result() for future in futures]
