"""Streamed ingestion benchmark: a transactions CSV of any size read in chunks, checked and written
to Parquet with bounded memory (``canvas.customer_data.stream``).

    python -m bench.bench_ingest_large --rows 10000000          # generate (seeded) and ingest
    python -m bench.bench_ingest_large --csv PATH               # ingest a file you have
    python -m bench.bench_ingest_large --rows 100000000 --keep  # keep the generated file

The generated file is written in pieces (a million rows at a time, so making it needs little
memory either) under ``--dir`` (default: the system's temporary folder) and removed afterwards
unless ``--keep``: order_id, customer_id (about 0.17 customers a row, as in the issue's 100M rows
and 17M customers), an ISO date and time over two years, an amount in cents (2 % refunds), a
segment, plus exact repeats of earlier rows (0.5 %, some a chunk or more apart) and a few bad
rows (0.01 %). The ingestion runs in a child process so its peak resident memory (ru_maxrss) is
its own; the load average is printed beside the figures (2 cores shared with other work).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIECE_ROWS = 1_000_000
SEGMENTS = ("Subscribers", "Office", "Gift buyers")


def generate(rows: int, path: Path, seed: int = 15) -> Path:
    """Write ``rows`` transaction rows (seeded) to ``path`` as CSV, a piece at a time."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    customers = max(1, int(rows * 0.17))
    start = np.datetime64("2024-01-01T00:00:00", "s")
    seconds = 2 * 365 * 86400
    previous = None
    with pacsv.CSVWriter(path, pa.schema([("order_id", pa.string()), ("customer_id", pa.string()),
                                          ("date", pa.string()), ("amount", pa.string()),
                                          ("segment", pa.string())])) as writer:
        for offset in range(0, rows, PIECE_ROWS):
            n = min(PIECE_ROWS, rows - offset)
            customer = rng.integers(0, customers, n)
            stamps = start + np.sort(rng.integers(0, seconds, n)).astype("timedelta64[s]")
            cents = np.round(rng.gamma(2.0, 1500.0, n)).astype(np.int64) + 100
            cents[rng.random(n) < 0.02] *= -1
            piece = {
                "order_id": np.char.add("O", np.arange(offset, offset + n).astype(str)),
                "customer_id": np.char.add("C", customer.astype(str)),
                "date": np.datetime_as_string(stamps, unit="s"),
                "amount": np.char.mod("%.2f", cents / 100),
                "segment": np.asarray(SEGMENTS)[customer % len(SEGMENTS)],
            }
            repeat = np.flatnonzero(rng.random(n) < 0.005)  # a row repeating an earlier one
            source = previous if previous is not None else piece
            for name in piece:  # half from this piece, half from the one before (across chunks)
                piece[name][repeat[::2]] = piece[name][np.maximum(repeat[::2] - 1, 0)]
                piece[name][repeat[1::2]] = source[name][repeat[1::2] % len(source[name])]
            bad = np.flatnonzero(rng.random(n) < 0.0001)
            piece["amount"][bad[::2]] = "n/a"
            piece["date"][bad[1::2]] = "soon"
            previous = {name: values.copy() for name, values in piece.items()}
            writer.write_table(pa.table({name: pa.array(values) for name, values in piece.items()}))
    return path


def run_one(csv: Path, out: Path) -> dict:
    """In the child: stream-ingest ``csv`` into ``out``; the figures as JSON."""
    from canvas.customer_data import stream

    last: list[stream.Progress] = []

    def progress(p: stream.Progress) -> None:
        last[:] = [p]
        print(p.sentence(), file=sys.stderr, flush=True)

    start = time.perf_counter()
    result = stream.ingest_file(csv, out, progress=progress)
    seconds = time.perf_counter() - start
    report = result.report
    return {"rows": report.rows_read, "kept": report.rows_kept, "seconds": round(seconds, 1),
            "rows_per_s": round(report.rows_read / seconds), "mb": round(csv.stat().st_size / 1e6),
            "parquet_mb": round(out.stat().st_size / 1e6), "repeats": sum(n.count for n in report.notices),
            "skipped": sum(p.count for p in report.problems), "reconciliation": report.reconciliation()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="rows to generate (default 10M)")
    parser.add_argument("--csv", type=Path, help="ingest this file instead of generating one")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()), help="where files are written")
    parser.add_argument("--keep", action="store_true", help="keep the generated CSV")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(Path(args.one[0]), Path(args.one[1]))))
        return
    csv = args.csv
    generated = csv is None
    if generated:
        csv = args.dir / f"ingest_large_{args.rows}.csv"
        if not csv.exists():
            began = time.perf_counter()
            generate(args.rows, csv)
            print(f"generated {csv} ({csv.stat().st_size / 1e9:.2f} GB) in {time.perf_counter() - began:.0f} s",
                  file=sys.stderr)
    out = args.dir / f"{csv.stem}.ingested.parquet"
    load_before = os.getloadavg()
    try:
        done = subprocess.run([sys.executable, "-m", "bench.bench_ingest_large", "--one", str(csv), str(out)],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        out.unlink(missing_ok=True)
        if generated and not args.keep:
            csv.unlink(missing_ok=True)
    figures["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    figures["load_before"] = " ".join(f"{x:.2f}" for x in load_before)
    figures["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
