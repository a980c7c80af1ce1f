"""Ingestion benchmark: read, guess the mapping, validate and store a large transactions CSV.

    python -m bench.bench_ingest [--rows 1000000 5000000]

Each size runs in its own process so its peak memory (ru_maxrss) is its own. Uses the CSVs of
bench_metrics.py (generated once into bench/out/). Target: 5M rows parsed, validated and stored
in under 20 s with peak memory under 2.5 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_one(rows: int) -> dict:
    from bench.bench_metrics import generate
    from canvas.customer_data import ingest

    path = generate(rows)
    start = time.perf_counter()
    raw = ingest.read_table(path)
    read = time.perf_counter() - start
    mapping = ingest.guess_mapping(raw, "transactions")
    result = ingest.ingest(raw, "transactions", mapping)
    validated = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as folder:
        result.frame.to_parquet(Path(folder) / "dataset.parquet", index=False)  # what save_dataset writes
    total = time.perf_counter() - start
    return {"rows": rows, "mb": round(path.stat().st_size / 1e6, 1), "read_s": round(read, 2),
            "validate_s": round(validated - read, 2), "store_s": round(total - validated, 2),
            "total_s": round(total, 2), "kept": result.report.rows_kept,
            "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    print(f"{'rows':>10} {'MB':>7} {'read':>7} {'validate':>9} {'store':>7} {'total':>7} {'peak MiB':>9}")
    for rows in args.rows:
        out = subprocess.run([sys.executable, "-m", "bench.bench_ingest", "--one", str(rows)], cwd=ROOT,
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['rows']:>10,} {r['mb']:>7} {r['read_s']:>6}s {r['validate_s']:>8}s {r['store_s']:>6}s "
              f"{r['total_s']:>6}s {r['peak_mib']:>9,}")


if __name__ == "__main__":
    main()
