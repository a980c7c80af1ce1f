"""Benchmark: saving and loading a dataset, kept as a file or in the database (CANVAS_DATASETS).

    .venv/bin/python -m bench.bench_dataset_store [--rows 1000000] [--repeat 3] [--postgres URL]

Generates ``rows`` orders (order id, customer id, date, amount, segment: what an upload keeps),
then for each database (a SQLite file in a temporary folder, and the PostgreSQL database named by
``--postgres``, empty or migrated by this app) and each store times ``storage.save_dataset`` (the
Parquet file written, the record committed) and ``storage.load_dataset`` in a fresh session (the
rows back as a DataFrame, as the metrics page reads them on a server that has not cached them).
Prints the median of ``repeat`` runs and the Parquet file's size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sqlmodel import Session

from canvas import storage
from canvas.domain.models import CanvasCreate
from canvas.storage import dataset_store
from canvas.storage.db import DATASETS_IN_DATABASE, DATASETS_IN_FILES


def orders(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    customers = rng.integers(0, max(rows // 6, 1), rows)
    return pd.DataFrame({
        "order_id": pd.array([f"o{i}" for i in range(rows)], dtype="string"),
        "customer_id": pd.array([f"c{c}" for c in customers], dtype="string"),
        "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 730, rows), unit="D"),
        "amount": rng.gamma(2.0, 20.0, rows).round(2),
        "segment": pd.array(rng.choice(["Home brewers", "Office teams", "Gift buyers"], rows), dtype="string"),
    })


def measure(url: str, store: str, frame: pd.DataFrame, repeat: int) -> tuple[float, float, int]:
    """Median seconds to save and to load, and the stored bytes."""
    os.environ[storage.DATASETS_ENV] = store
    engine = storage.make_engine(url)
    saves, loads, size = [], [], 0
    try:
        with Session(engine) as session:
            canvas = storage.create_canvas(session=session, data=storage.parse(
                CanvasCreate, name=f"Bench {store} {time.time_ns()}"))
        for _ in range(repeat):
            with Session(engine, expire_on_commit=False) as session:
                started = time.perf_counter()
                saved = storage.save_dataset(session=session, canvas_id=canvas.id, kind="transactions", frame=frame,
                                             filename="orders.csv", mapping={}, report={})
                saves.append(time.perf_counter() - started)
            with Session(engine) as session:
                started = time.perf_counter()
                dataset = storage.list_datasets(session=session, canvas_id=canvas.id)["transactions"]
                loaded = storage.load_dataset(dataset, session=session)
                loads.append(time.perf_counter() - started)
                size = len(dataset_store.read_bytes(session, dataset))
            assert len(loaded) == len(frame) and saved.id == dataset.id
    finally:
        engine.dispose()
    return statistics.median(saves), statistics.median(loads), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", help="a PostgreSQL database URL (empty or migrated by this app)")
    args = parser.parse_args()
    frame = orders(args.rows)
    with tempfile.TemporaryDirectory() as folder:
        os.environ[storage.DATA_DIR_ENV] = str(Path(folder) / "data")
        databases = {"SQLite": f"sqlite:///{Path(folder) / 'bench.db'}"}
        if args.postgres:
            databases["PostgreSQL"] = args.postgres
        print(f"{args.rows:,} rows, median of {args.repeat}, load average {os.getloadavg()[0]:.1f}")
        print(f"{'database':<11} {'store':<9} {'save (s)':>9} {'load (s)':>9} {'Parquet':>10}")
        for name, url in databases.items():
            for store in (DATASETS_IN_FILES, DATASETS_IN_DATABASE):
                save, load, size = measure(url, store, frame, args.repeat)
                print(f"{name:<11} {store:<9} {save:>9.2f} {load:>9.2f} {size / 1e6:>8.1f} MB")


if __name__ == "__main__":
    main()
