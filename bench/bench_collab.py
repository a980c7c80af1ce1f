"""Collaboration benchmark: many people adding notes to one canvas at once, through storage.

    python -m bench.bench_collab [--writers 30] [--notes 20] [--database-url URL]

Two measurements (issue 12, "Speed and scale"):

1. Storing a note stays O(1) in the canvas size: the time to add one note to a canvas that
   already holds 300 and 3,000 notes (median and p95 of ``--repeat`` adds).
2. A workshop room: ``--writers`` threads, each with its own session, add ``--notes`` notes
   each to the same canvas as fast as they can (all started together). Checks that every note
   is stored exactly once and none was refused, and prints p50/p95 time to store a note, the
   wall time, and the change log's rows.

SQLite in a temporary folder by default; ``--database-url`` points it at PostgreSQL
(``postgresql://...``): the database must be empty or migrated by this app.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections import Counter

from sqlalchemy import func
from sqlmodel import Session, select

from canvas import storage
from canvas.domain.authors import Author
from canvas.domain.blocks import Block
from canvas.domain.models import CanvasCreate, Change, Note, NoteCreate

BLOCKS = [b for b in Block if b != Block.CUSTOMER_SEGMENTS]


def percentiles(seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   (n={len(ms)})"


def new_canvas(engine, name: str, notes: int) -> str:
    with Session(engine, expire_on_commit=False) as session:
        canvas = storage.create_canvas(session=session, data=CanvasCreate(name=name))
        for i in range(notes):
            storage.add_note(session=session, canvas_id=canvas.id,
                             data=NoteCreate(block=BLOCKS[i % len(BLOCKS)], text=f"Existing note {i}"))
        return canvas.id


def add_cost_by_size(engine, sizes: list[int], repeat: int) -> None:
    for size in sizes:
        canvas_id = new_canvas(engine, f"Bench {size} notes", size)
        times = []
        with Session(engine, expire_on_commit=False) as session:
            for i in range(repeat):
                started = time.perf_counter()
                storage.add_note(session=session, canvas_id=canvas_id,
                                 data=NoteCreate(block=Block.CHANNELS, text=f"Timed note {i}"))
                times.append(time.perf_counter() - started)
        print(f"add a note to a canvas of {size:>5,} notes   {percentiles(times)}")


def workshop_room(engine, writers: int, notes: int) -> None:
    canvas_id = new_canvas(engine, "Bench workshop room", 0)
    start = threading.Barrier(writers)
    times: list[float] = []
    refused: list[str] = []
    lock = threading.Lock()

    def writer(n: int) -> None:
        author = Author(id=f"writer-{n}", name=f"Writer {n}")
        start.wait()
        for i in range(notes):
            with Session(engine, expire_on_commit=False) as session:
                began = time.perf_counter()
                try:
                    storage.add_note(session=session, canvas_id=canvas_id, author=author,
                                     data=NoteCreate(block=BLOCKS[(n + i) % len(BLOCKS)], text=f"w{n} n{i}"))
                except Exception as error:  # noqa: BLE001 - counted and shown, the benchmark goes on
                    with lock:
                        refused.append(f"{type(error).__name__}: {error}")
                    continue
                took = time.perf_counter() - began
            with lock:
                times.append(took)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    with Session(engine) as session:
        texts = session.exec(select(Note.text).where(Note.canvas_id == canvas_id)).all()
        log_rows = session.exec(select(func.count()).select_from(Change).where(Change.canvas_id == canvas_id)).one()
        version = storage.get_canvas(session=session, canvas_id=canvas_id).version
    twice = [text for text, count in Counter(texts).items() if count > 1]
    expected = writers * notes
    print(f"{writers} writers x {notes} notes at once: {len(texts)} of {expected} stored, "
          f"{len(twice)} twice, {len(refused)} refused; wall {wall:.2f} s "
          f"({expected / wall:,.0f} notes/s); change log rows {log_rows}, canvas version {version}")
    print(f"store a note under that load           {percentiles(times)}")
    for message in refused[:3]:
        print(f"  refused: {message[:160]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writers", type=int, default=30)
    parser.add_argument("--notes", type=int, default=20)
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 3000])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = storage.make_engine(url)
    print(f"database: {engine.url.get_backend_name()}")
    add_cost_by_size(engine, args.sizes, args.repeat)
    workshop_room(engine, args.writers, args.notes)


if __name__ == "__main__":
    main()
