"""Hostile files: how long and how much memory refusing (or reading) each takes.

    python -m bench.bench_hostile [--limit 60]

Builds the files of tests/customer_data/hostile.py into bench/out/ (an XLSX zip bomb whose sheet
inflates to 1.8 GB, a Parquet file announcing 60M rows) and reads each with
``ingest.read_table`` in its own process, stopped after ``--limit`` seconds, printing the wall
time, the peak RSS (ru_maxrss) and the outcome. Run it on a checkout before a change and after it
to compare (docs/reliability.md).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"

CASES = {
    "xlsx bomb, 1.8 GB of sheet": ("bomb.xlsx", lambda: __import__("tests.customer_data.hostile", fromlist=["x"])
                                    .xlsx_bomb(1_800_000_000)),
    "parquet, 60M rows": ("rows60m.parquet", lambda: __import__("tests.customer_data.hostile", fromlist=["x"])
                          .parquet_of_rows(60_000_000)),
}


def read_one(path: str) -> None:
    from canvas.customer_data import ingest

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    try:
        raw = ingest.read_table(path)
        outcome = f"read {len(raw.frame):,} rows"
    except Exception as error:  # the benchmark reports whatever happened
        outcome = f"{type(error).__name__}: {str(error)[:160]}"
    took = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"outcome": outcome, "read_s": took, "peak_mib": peak, "imports_mib": before}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=float, default=60.0)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for label, (name, build) in CASES.items():
        path = OUT / name
        if not path.exists():
            path.write_bytes(build())
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "bench.bench_hostile", "--read", str(path)], cwd=ROOT,
                                 stdout=subprocess.PIPE, text=True)
        try:
            out, _ = child.communicate(timeout=args.limit)
            result = json.loads(out.strip().splitlines()[-1]) if out.strip() else {"outcome": "crashed"}
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            result = {"outcome": f"still running after {args.limit:.0f} s: stopped"}
        took = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest child so far
        read = f"read_table {result['read_s']:.3f} s, peak RSS {result['peak_mib']:,.0f} MiB (after imports " \
               f"{result['imports_mib']:,.0f} MiB)" if "read_s" in result else \
               f"process {took:.1f} s, peak RSS of the children so far {peak:,.0f} MiB"
        print(f"{label}: {path.stat().st_size / 1e6:.1f} MB on disk; {read}; {result['outcome']}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--read":
        read_one(sys.argv[2])
    else:
        main()
