"""Benchmark: ``metrics`` and ``clv`` out of core on 100M transactions (17M customers, 2 years).

    .venv/bin/python -m bench.bench_100m [--rows 100000000] [--csv] [--keep] [--in-memory]

Makes (once, seeded, with DuckDB) a normalized Parquet file in bench/out/ (``--out`` elsewhere):
orders of about 0.17 x rows customers over 2024-2025 (a skewed number of orders per customer,
one or two lines per order sharing an order id), about 2 % refund rows, three segments; with
``--csv`` the same rows as CSV too, for the ingestion benchmark. Then runs
``python -m canvas metrics FILE --json`` twice (the first splits the file into buckets, the
second reuses them) and ``python -m canvas clv FILE --calibration-end 2025-06-30`` in fresh
processes: wall time and peak RSS of each (the largest resident size of the process tree,
polled every 50 ms; and the kernel's ``ru_maxrss`` of the children when it grew). With ``--in-memory``
the in-memory engine on the first 5M rows of the file too (the "no slower up to 5M" line).
The load average is printed beside each figure, and the CPU seconds each command used: the
machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
SEED = 100


def _generate_sql(rows: int, target: str, fmt: str) -> str:
    customers = max(1, int(rows * 0.17))
    u = lambda what: f"(hash(o, {SEED}, '{what}') % 1000000007) / 1000000007.0"  # noqa: E731
    return f"""
COPY (
  SELECT 'C' || lpad(CAST(CAST(floor({customers} * pow({u('c')}, 1.6)) AS BIGINT) AS VARCHAR), 9, '0')
           AS customer_id,
         TIMESTAMP '2024-01-01' + to_days(CAST(floor(731 * {u('d')}) AS INTEGER)
           + CASE WHEN refund THEN 3 ELSE 0 END) AS date,
         CASE WHEN refund THEN -1 ELSE 1 END * round(5 + 195 * pow({u('a')}, 2)
           * (1 + (i % 2)), 2) AS amount,
         'O' || o AS order_id,
         ['Retail', 'Online', 'Wholesale'][1 + CAST(floor({customers} * pow({u('c')}, 1.6))
           AS BIGINT) % 3] AS segment
  -- lines per order alternate 1 and 2 (1.5 on average); one row in 50 is a refund
  FROM (SELECT i, i * 2 // 3 AS o, hash(i, {SEED}, 'r') % 50 = 0 AS refund
        FROM range({rows}) t(i))
) TO '{target}' ({fmt})"""


def generate(rows: int, out: Path, csv: bool) -> tuple[Path, Path | None]:
    """The seeded normalized Parquet file of ``rows`` rows (and its CSV), made once."""
    import duckdb

    out.mkdir(parents=True, exist_ok=True)
    parquet = out / f"tx_{rows}.parquet"
    csv_path = out / f"tx_{rows}.csv" if csv else None
    con = duckdb.connect(config={"memory_limit": "2GB", "threads": 2,
                                 "temp_directory": str(out / ".duckdb_spill")})
    for path, fmt in ((parquet, "FORMAT parquet, ROW_GROUP_SIZE 1000000"),
                      (csv_path, "FORMAT csv, HEADER true, TIMESTAMPFORMAT '%Y-%m-%d'")):
        if path is not None and not path.exists():
            started = time.perf_counter()
            partial = path.with_suffix(path.suffix + ".partial")
            con.execute(_generate_sql(rows, str(partial), fmt))
            partial.rename(path)
            print(f"wrote {path} ({path.stat().st_size / 1e9:.2f} GB) in "
                  f"{time.perf_counter() - started:.0f} s", flush=True)
    con.close()
    return parquet, csv_path


def _load() -> str:
    return " ".join(open("/proc/loadavg").read().split()[:3])


def measure(command: list[str], env: dict[str, str] | None = None) -> dict:
    """Wall time and peak resident memory of ``command`` and its children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    load = _load()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                               env=env)
    watched = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        try:
            tree = [watched, *watched.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree))
        except psutil.Error:
            pass
        time.sleep(0.05)
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    maxrss, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu_before
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{err.decode()[-2000:]}")
    # ru_maxrss of the children is the largest of any child so far: it tells this command's
    # peak only when it grew.
    # CPU seconds (user + system) say what the work costs whatever else the machine runs.
    return {"seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1), "peak_mib": round(peak / 2**20),
            "maxrss_mib": round(maxrss / 1024) if maxrss > before else None,
            "load_before": load, "load_after": _load(), "stdout": out.decode()}


def in_memory(parquet: Path, rows: int) -> dict:
    """The in-memory engine on the first ``rows`` rows, in a fresh process."""
    code = (
        "import time, resource, pyarrow.parquet as pq\n"
        "from canvas.analytics.metrics import metrics_report\n"
        f"f = pq.ParquetFile({str(parquet)!r})\n"
        f"t = next(f.iter_batches(batch_size={rows}))\n"
        "frame = t.to_pandas()\n"
        "s = time.perf_counter(); metrics_report(frame); r = time.perf_counter() - s\n"
        "print(len(frame), round(r, 2), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)\n"
    )
    result = measure([sys.executable, "-c", code])
    n, report_s, peak = result["stdout"].split()
    return {"rows": int(n), "report_seconds": float(report_s), "peak_mib": int(peak),
            "load_before": result["load_before"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000_000)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--csv", action="store_true", help="write the CSV too")
    parser.add_argument("--keep", action="store_true", help="keep the files (default: delete them)")
    parser.add_argument("--in-memory", action="store_true", help="time the in-memory engine at 5M")
    parser.add_argument("--no-clv", action="store_true")
    args = parser.parse_args()

    parquet, csv_path = generate(args.rows, args.out, args.csv)
    work = Path(tempfile.mkdtemp(prefix="bench100m-", dir=args.out))
    env = {**os.environ, "CANVAS_WORK_DIR": str(work)}
    python = [sys.executable, "-m", "canvas"]
    results: dict = {"rows": args.rows, "cpus": os.cpu_count(),
                     "memory_gib": round(psutil.virtual_memory().total / 2**30, 1)}
    try:
        for run in ("metrics_first", "metrics_cached"):
            r = measure(python + ["metrics", str(parquet), "--json"], env)
            report = json.loads(r.pop("stdout"))
            results[run] = r
            results["customers"], results["orders"] = report["customers"], report["orders"]
            print(run, results[run], flush=True)
        if not args.no_clv:
            r = measure(python + ["clv", str(parquet), "--calibration-end", "2025-06-30",
                                  "--json"], env)
            clv = json.loads(r.pop("stdout"))
            results["clv"] = {**r, "customers": clv["customers"], "bgnbd": clv["bgnbd"],
                              "clv_mean": clv["clv"]["mean"]}
            print("clv", results["clv"], flush=True)
        if args.in_memory:
            results["in_memory_5m"] = in_memory(parquet, 5_000_000)
            print("in memory", results["in_memory_5m"], flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if not args.keep:
            for path in (parquet, csv_path):
                if path is not None:
                    path.unlink(missing_ok=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
