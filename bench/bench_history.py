"""History benchmark: rebuilding, comparing and restoring points of a long-lived canvas.

    python -m bench.bench_history [--notes 3000] [--edits 1000] [--repeat 5]

A canvas gets ``--notes`` notes (each one logged add) and then ``--edits`` edits; the script
times loading the history, rebuilding the oldest point and the middle one, comparing the oldest
with now, and restoring the middle point then undoing that restore. Prints median and p95.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable

from sqlmodel import Session

from canvas import storage
from canvas.domain.blocks import Block
from canvas.domain.models import CanvasCreate, NoteCreate, NoteUpdate
from canvas.storage.points import state_of

BLOCKS = [b for b in Block if b != Block.CUSTOMER_SEGMENTS]


def timed(label: str, repeat: int, run: Callable[[], object]) -> None:
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    print(f"{label:<44} median {statistics.median(ms):8.1f} ms   p95 {p95:8.1f} ms   (n={len(ms)})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=3000)
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    engine = storage.make_engine(f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    with Session(engine, expire_on_commit=False) as session:
        canvas = storage.create_canvas(session=session, data=CanvasCreate(name="Long-lived"))
        notes = [storage.add_note(session=session, canvas_id=canvas.id,
                                  data=NoteCreate(block=BLOCKS[i % len(BLOCKS)], text=f"Note {i}"))
                 for i in range(args.notes)]
        for i in range(args.edits):
            note = notes[i % len(notes)]
            notes[i % len(notes)] = storage.update_note(
                session=session, canvas_id=canvas.id, note_id=note.id, expected_version=note.version,
                data=NoteUpdate(text=f"Note {i % len(notes)}, edit {i}"))
        history = storage.load_history(session=session, canvas_id=canvas.id)
        middle = history.current // 2
        print(f"{args.notes} notes, {len(history.changes)} changes logged")
        timed("load the history", args.repeat, lambda: storage.load_history(session=session, canvas_id=canvas.id))
        timed("rebuild v1 (every change reverted)", args.repeat, lambda: state_of(session, history, 1))
        timed(f"rebuild v{middle}", args.repeat, lambda: state_of(session, history, middle))
        timed("compare v1 with now", args.repeat,
              lambda: storage.compare_points(session=session, canvas_id=canvas.id, a=1, b=history.current))

        def restore_and_undo() -> None:
            storage.restore_point(session=session, canvas_id=canvas.id, point=middle)
            storage.undo(session=session, canvas_id=canvas.id)

        timed(f"restore v{middle}, then undo it", args.repeat, restore_and_undo)
    engine.dispose()


if __name__ == "__main__":
    main()
