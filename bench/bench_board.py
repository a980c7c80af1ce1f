"""Board benchmark: store load/save with 300 notes, and the board page's rerun time in AppTest.

    python -m bench.bench_board [--notes 300] [--repeat 20]

Prints median and 95th-percentile times. Server time only (AppTest runs the script in-process,
no browser); the aim is under 150 ms for any board interaction.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from sqlmodel import Session

from canvas import storage
from canvas.domain.blocks import Block
from canvas.domain.models import NoteCreate
from canvas.library.demo import DEMO_CANVAS_ID, ensure_demo

ROOT = Path(__file__).resolve().parent.parent

BLOCKS = [b for b in Block if b != Block.CUSTOMER_SEGMENTS]


def summary(label: str, seconds: list[float]) -> None:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    print(f"{label:<42} median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   (n={len(ms)})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    os.environ[storage.DATABASE_URL_ENV] = url
    engine = storage.make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        ensure_demo(session=session)
        for i in range(args.notes - 28):  # the demo has 28 notes
            storage.add_note(session=session, canvas_id=DEMO_CANVAS_ID,
                             data=NoteCreate(block=BLOCKS[i % len(BLOCKS)], text=f"Benchmark note {i} " * 3))

    loads, saves = [], []
    for i in range(args.repeat):
        with Session(engine, expire_on_commit=False) as session:
            start = time.perf_counter()
            board = storage.load_board(session=session, canvas_id=DEMO_CANVAS_ID)
            loads.append(time.perf_counter() - start)
            start = time.perf_counter()
            storage.add_note(session=session, canvas_id=DEMO_CANVAS_ID,
                             data=NoteCreate(block=Block.CHANNELS, text=f"Saved note {i}"))
            saves.append(time.perf_counter() - start)
    notes = sum(len(v) for v in board.notes.values())
    print(f"canvas with {notes} notes, {len(board.segments)} segments, SQLite")
    summary("store: load board", loads)
    summary("store: add a note (change log row, save)", saves)

    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.query_params["canvas"] = DEMO_CANVAS_ID
    app.run()
    reruns = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        app.run()
        reruns.append(time.perf_counter() - start)
    summary("AppTest: board page rerun", reruns)
    adds = []
    for i in range(min(args.repeat, 10)):
        # The person opens the Add popover (its content is drawn only while open; its key is
        # new after each note added, as board.popover_key says), then types and adds.
        saved = app.session_state["board_add_channels_round"] if "board_add_channels_round" in app.session_state else 0
        app.session_state["board_add_channels_open" + (f"_{saved}" if saved else "")] = True
        app.run()
        app.text_area(key="board_add_channels_text").input(f"Bench {i}")
        button = app.button(key="board_add_channels_submit")
        start = time.perf_counter()
        button.click().run()
        adds.append(time.perf_counter() - start)
        assert not app.error, app.error
    summary("AppTest: add a note through the form", adds)


if __name__ == "__main__":
    main()
