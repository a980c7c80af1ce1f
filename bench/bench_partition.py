"""Benchmark: the split pass of the out-of-core engine in DuckDB and in Polars' streaming engine.

    .venv/bin/python -m bench.bench_partition FILE.parquet [--buckets 3]

The same work in both, each in a fresh process limited to two threads: read the normalized
Parquet file, hash the customer id, and write the compact columns (customer hash, a second
hash, day number, amount, order key, segment) into one Parquet file per bucket of
hash % buckets. Then the same aggregation both ways (rows, distinct customers and revenue per
bucket), as a second measure. Wall time and peak RSS of each (the process tree polled), with
the load average.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from bench.bench_100m import measure

DUCKDB = """
import duckdb, sys
path, out, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
con = duckdb.connect(config={"memory_limit": "1GB", "threads": 2, "temp_directory": out + "/.spill",
                             "preserve_insertion_order": False})
con.execute("SET enable_progress_bar = false")
if sys.argv[4] == "split":
    con.execute(f'''COPY (SELECT CAST(customer % {k} AS INTEGER) AS bucket, * FROM (
        SELECT hash(customer_id) AS customer, hash('\\x1f' || customer_id) AS check,
               CAST(CAST(date AS DATE) - DATE '1970-01-01' AS INTEGER) AS day, amount,
               hash(customer_id, order_id) AS order_key,
               CAST(list_position(['Online', 'Retail', 'Wholesale'], segment) - 1 AS SMALLINT) AS segment
        FROM read_parquet('{path}'))) TO '{out}' (FORMAT parquet, PARTITION_BY (bucket))''')
else:
    print(con.execute(f'''SELECT hash(customer_id) % {k} AS b, count(*), count(DISTINCT customer_id),
        sum(amount) FROM read_parquet('{path}') GROUP BY b ORDER BY b''').fetchall())
"""

POLARS = """
import os, sys
os.environ["POLARS_MAX_THREADS"] = "2"
import polars as pl
path, out, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
cid = pl.col("customer_id")
frame = pl.scan_parquet(path).select(
    customer=cid.hash(seed=0), check=("\\x1f" + cid).hash(seed=0),
    day=pl.col("date").cast(pl.Date).cast(pl.Int32), amount=pl.col("amount"),
    order_key=pl.struct(cid, pl.col("order_id")).hash(seed=0),
    segment=pl.col("segment").replace_strict(["Online", "Retail", "Wholesale"], [0, 1, 2],
                                              default=-1, return_dtype=pl.Int16),
).with_columns(bucket=(pl.col("customer") % k).cast(pl.Int32))
if sys.argv[4] == "split":
    frame.sink_parquet(pl.PartitionBy(out, key="bucket"), engine="streaming", mkdir=True)
else:
    print(frame.group_by("bucket").agg(pl.len(), pl.col("customer").n_unique(), pl.col("amount").sum())
          .sort("bucket").collect(engine="streaming"))
"""


def run(code: str, path: Path, buckets: int, what: str) -> dict:
    with tempfile.TemporaryDirectory(dir=path.parent) as out:
        result = measure([sys.executable, "-c", code, str(path), out, str(buckets), what])
        written = sum(p.stat().st_size for p in Path(out).rglob("*.parquet"))
    result.pop("stdout")
    result.pop("maxrss_mib")
    return {**result, "written_mb": round(written / 1e6)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--buckets", type=int, default=3)
    args = parser.parse_args()
    results = {}
    for what in ("split", "aggregate"):
        for name, code in (("polars", POLARS), ("duckdb", DUCKDB)):
            results[f"{name}_{what}"] = run(code, args.path, args.buckets, what)
            print(name, what, results[f"{name}_{what}"], flush=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
