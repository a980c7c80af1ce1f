"""Benchmark: ``metrics_report`` end to end on 1M and 5M transactions.

    .venv/bin/python -m bench.bench_metrics [--rows 1000000 5000000] [--period month]

Generates (once) CSVs in bench/out/ with order ids (about 10 % of orders have two lines), about
2 % refund rows and four segments, then, for each size, runs a fresh Python process that reads
the file with pyarrow (a minimal stand-in for canvas.customer_data.ingest) and computes the full report:
wall time of reading and of the report, and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from canvas.analytics import metrics
from tools.simulation import simulate_transactions

ROOT = Path(__file__).resolve().parents[1]

OUT = ROOT / "bench" / "out"
SEGMENTS = ("Retail", "Online", "Wholesale", "Partner")


def generate(rows: int) -> Path:
    """Write (once) about ``rows`` transaction rows: simulated orders, second order lines,
    refunds."""
    path = OUT / f"metrics_{rows}.csv"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(11)
    orders = simulate_transactions(int(rows * 0.17), r=0.8, alpha=12.5, a=0.6, b=3.5,
                                   p=6.25, q=3.74, v=15.44, start="2021-01-01",
                                   end="2023-12-31", segments=SEGMENTS, seed=5)
    orders["order_id"] = pd.Index(np.char.add("O", np.arange(len(orders)).astype(str)))
    second = orders.sample(frac=0.10, random_state=1)
    second["amount"] = np.round(second["amount"].to_numpy() * rng.uniform(0.2, 1, len(second)), 2)
    refunds = orders.sample(frac=0.02, random_state=2)
    refunds["amount"] = -np.round(refunds["amount"].to_numpy() * rng.uniform(0.1, 1, len(refunds)),
                                  2)
    refunds["date"] = refunds["date"] + pd.to_timedelta(rng.integers(1, 30, len(refunds)), "D")
    refunds = refunds[refunds["date"] < pd.Timestamp("2024-01-01")]
    tx = pd.concat([orders, second, refunds], ignore_index=True).sort_values("date")
    tx["date"] = tx["date"].dt.floor("s")
    tx = tx[["order_id", "customer_id", "date", "amount", "segment"]]
    pacsv.write_csv(pa.Table.from_pandas(tx, preserve_index=False), path)
    return path


def read(path: Path) -> pd.DataFrame:
    """A minimal pyarrow reader standing in for canvas.customer_data.ingest in the benchmark."""
    table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
        column_types={"order_id": pa.string(), "customer_id": pa.string(),
                      "date": pa.timestamp("ns"), "amount": pa.float64(),
                      "segment": pa.string()}))
    # self_destruct frees each Arrow column as it is converted, halving peak memory.
    return table.to_pandas(self_destruct=True, split_blocks=True)


def measure(path: Path, period: str) -> dict:
    """Run in a fresh process: read + report, with wall times and peak RSS."""
    t0 = time.perf_counter()
    tx = read(path)
    t1 = time.perf_counter()
    report = metrics.metrics_report(tx, period=period)
    t2 = time.perf_counter()
    text = metrics.format_metrics_table(report)
    json.dumps(report)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"rows": len(tx), "customers": report["customers"], "read": t1 - t0,
            "report": t2 - t1, "total": t2 - t0, "peak_rss_mib": peak_kib / 1024,
            "table_lines": text.count("\n")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--period", default="month", choices=metrics.PERIODS)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.period)))
        return
    for rows in args.rows:
        path = generate(rows)
        done = subprocess.run([sys.executable, "-m", "bench.bench_metrics", "--measure", str(path),
                               "--period", args.period], cwd=ROOT, capture_output=True, text=True,
                              check=True)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{r['rows']:>10,} rows, {r['customers']:>9,} customers, by {args.period}: "
              f"read {r['read']:.2f} s + metrics_report {r['report']:.2f} s = "
              f"{r['total']:.2f} s wall; peak RSS {r['peak_rss_mib']:,.0f} MiB")


if __name__ == "__main__":
    main()
