"""Benchmark: the `metrics` and `clv` commands end to end, as a user runs them.

    .venv/bin/python -m bench.bench_cli [--rows 1000000 5000000] [--repeat 3]

Each run is a fresh `python -m canvas ...` process on the CSVs of bench_metrics.py (generated
once into bench/out/): interpreter start, imports, reading and validating the file through
canvas.customer_data.ingest, the figures, the JSON. Prints the median wall time and the peak RSS of the
process. Targets (1M rows, about 170k customers): each command under 3 s; on 5M rows `metrics`
under 15 s with peak memory under 2.5 GB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from bench.bench_metrics import generate

ROOT = Path(__file__).resolve().parent.parent


def run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process running ``command``."""
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: become the command, its output thrown away
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.chdir(ROOT)
        os.execv(sys.executable, [sys.executable, *command])
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed; run it by hand to see why")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    imports = "import canvas.cli, canvas.analytics.metrics, canvas.analytics.clv, canvas.customer_data.ingest"
    baseline = min(run(["-c", imports])[0] for _ in range(args.repeat))
    print(f"python start + imports alone: {baseline:.2f} s")
    print(f"{'command':<10} {'rows':>10} {'median':>8} {'max':>8} {'peak MiB':>9}")
    for rows in args.rows:
        path = str(generate(rows))
        commands = {"metrics": ["-m", "canvas", "metrics", path, "--segment", "segment", "--json"]}
        if rows <= 1_000_000:  # the CLV target is set on 1M rows
            commands["clv"] = ["-m", "canvas", "clv", path, "--calibration-end", "2023-12-31", "--json"]
        for name, command in commands.items():
            results = [run(command) for _ in range(args.repeat)]
            walls = [r[0] for r in results]
            print(f"{name:<10} {rows:>10,} {statistics.median(walls):7.2f}s {max(walls):7.2f}s "
                  f"{max(r[1] for r in results):>9,.0f}")


if __name__ == "__main__":
    main()
