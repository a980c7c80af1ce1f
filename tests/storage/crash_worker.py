"""The child process of tests/storage/test_crash.py: saves of one kind in a loop until killed.

It runs in a process forked from a server that imported the app once (multiprocessing's
forkserver), so each of the many children starts in milliseconds. Every save it knows committed
is written to the acknowledgement file, one line each (``os.write`` on an append-only file: a
line is whole or absent), so the test can check that no acknowledged save was lost.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from canvas import storage
from canvas.domain.blocks import Block
from canvas.domain.models import NoteCreate, NoteUpdate, SegmentCreate
from canvas.domain.relationships import RelationshipDesign
from canvas.library.bundle import import_file
from canvas.workshop import store as workshops

Ack = Callable[[str], None]
PRELOAD = ["canvas.storage", "canvas.library.bundle", "canvas.workshop.store", "tests.storage.crash_worker",
           "pandas", "pyarrow.parquet"]


def dataset_frame(rows: int) -> Any:
    """Customer-data rows as ingest leaves them, ``rows`` long (the record's count is checked
    against the file's)."""
    import pandas as pd

    return pd.DataFrame({
        "customer_id": [f"c{i % 500}" for i in range(rows)],
        "date": pd.date_range("2025-01-01", periods=rows, freq="min"),
        "amount": [float(i % 97) + 0.5 for i in range(rows)],
        "segment": ["Students" if i % 2 else "Teams" for i in range(rows)],
    })


def report(rows: int) -> dict[str, Any]:
    return {"kind": "transactions", "rows_read": rows, "rows_kept": rows}


def board(engine: Engine, setup: dict, rng: random.Random, ack: Ack) -> None:
    canvas_id, n = setup["canvas_id"], 0
    notes: list[tuple[str, int]] = []  # id, version
    while True:
        n += 1
        with Session(engine) as session:
            choice = rng.random()
            if choice < 0.15:
                made = storage.add_segment(session=session, canvas_id=canvas_id,
                                           data=storage.parse(SegmentCreate, name=f"Segment {rng.random():.12f}"))
                ack(f"segment {made.id}")
            elif choice < 0.35 and notes:
                index = rng.randrange(len(notes))
                note_id, version = notes[index]
                text = f"edited {n}"
                updated = storage.update_note(session=session, canvas_id=canvas_id, note_id=note_id,
                                              expected_version=version, data=storage.parse(NoteUpdate, text=text))
                notes[index] = (note_id, updated.version)
                ack(f"text {note_id} {text}")
            elif choice < 0.45 and notes:
                storage.move_note(session=session, canvas_id=canvas_id, note_id=rng.choice(notes)[0], offset=-1)
            else:
                block = rng.choice([Block.CHANNELS, Block.KEY_PARTNERS, Block.VALUE_PROPOSITIONS])
                note = storage.add_note(session=session, canvas_id=canvas_id,
                                        data=storage.parse(NoteCreate, block=block, text=f"note {n}"))
                notes.append((note.id, note.version))
                ack(f"note {note.id}")


def relationship(engine: Engine, setup: dict, rng: random.Random, ack: Ack) -> None:
    canvas_id, segment_ids = setup["canvas_id"], setup["segment_ids"]
    with Session(engine) as session:  # where the killed child before this one left them
        stored = storage.load_board(session=session, canvas_id=canvas_id).relationships
    versions = {segment_id: design.version for segment_id, design in stored.items()}
    while True:
        segment_id = rng.choice(segment_ids)
        cost = round(rng.uniform(0, 100), 2)
        with Session(engine) as session:
            saved = storage.save_relationship(
                session=session, canvas_id=canvas_id, segment_id=segment_id,
                expected_version=versions.get(segment_id, 0),
                design=RelationshipDesign(types=["self_service"], cost_per_customer_month=cost))
            versions[segment_id] = saved.version
            ack(f"relationship {segment_id} {saved.version} {cost}")


def dataset(engine: Engine, setup: dict, rng: random.Random, ack: Ack) -> None:
    while True:
        rows = rng.randrange(2_000, 40_000)
        with Session(engine) as session:
            saved = storage.save_dataset(session=session, canvas_id=setup["canvas_id"], kind="transactions",
                                         frame=dataset_frame(rows), filename=f"orders-{rows}.csv",
                                         mapping={"customer": "customer_id"}, report=report(rows))
            ack(f"dataset {saved.id} {rows}")


def bundle(engine: Engine, setup: dict, rng: random.Random, ack: Ack) -> None:
    with open(setup["bundle"], "rb") as file:
        data = file.read()
    while True:
        with Session(engine) as session:
            canvas, datasets = import_file(session=session, data=data, filename="bundle.zip")
            ack(f"canvas {canvas.id} {datasets}")


def workshop(engine: Engine, setup: dict, rng: random.Random, ack: Ack) -> None:
    n = 0
    while True:
        n += 1
        with Session(engine) as session:
            note_id = workshops.add_workshop_note(session=session, workshop_id=setup["workshop_id"],
                                                  participant_token=setup["participant_token"],
                                                  text=f"idea {setup['seed']}-{n}")  # names unique on the canvas
            ack(f"wnote {note_id}")
        if rng.random() < 0.5:
            with Session(engine) as session:
                made = workshops.promote_note(session=session, workshop_id=setup["workshop_id"],
                                              facilitator_token=setup["facilitator_token"], note_id=note_id)
                ack(f"promoted {note_id} {made}")


SAVES: dict[str, Callable[[Engine, dict, random.Random, Ack], None]] = {
    "board": board, "relationship": relationship, "dataset": dataset, "bundle": bundle, "workshop": workshop,
}


def run(kind: str, environment: dict[str, str], setup: dict, acks: str, seed: int) -> None:
    """Save ``kind`` in a loop (forever: the test kills this process)."""
    os.environ.update(environment)
    setup = dict(setup, seed=seed)
    engine = storage.make_engine(environment[storage.DATABASE_URL_ENV], migrate_schema=False)
    descriptor = os.open(acks, os.O_WRONLY | os.O_APPEND | os.O_CREAT)

    def ack(line: str) -> None:
        os.write(descriptor, f"{line}\n".encode())

    ack("ready")
    SAVES[kind](engine, setup, random.Random(seed), ack)
