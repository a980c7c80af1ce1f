"""The demo canvas made on a first start, also when two servers start on one empty database."""

from __future__ import annotations

from sqlmodel import Session

from canvas import storage
from canvas.domain.blocks import Block
from canvas.domain.models import NoteCreate
from canvas.library.demo import DEMO_CANVAS_ID, DEMO_FILES, ensure_demo


def test_a_first_start_makes_the_demo_with_its_data_once(engine):
    with Session(engine) as session:
        ensure_demo(session=session)
        ensure_demo(session=session)
        assert [c.id for c in storage.list_canvases(session=session)] == [DEMO_CANVAS_ID]
        assert set(storage.list_datasets(session=session, canvas_id=DEMO_CANVAS_ID)) == set(DEMO_FILES)


def test_a_second_server_that_found_the_database_empty_leaves_the_demo_to_the_first(engine, monkeypatch):
    with Session(engine) as first:
        ensure_demo(session=first)
        note = NoteCreate(block=Block.KEY_PARTNERS, text="Mine")
        storage.add_note(session=first, canvas_id=DEMO_CANVAS_ID, data=note)
    real = storage.count_canvases
    calls = []

    def counted_before_the_first_server_committed(*, session):
        calls.append(1)
        return 0 if len(calls) == 1 else real(session=session)

    monkeypatch.setattr(storage, "count_canvases", counted_before_the_first_server_committed)
    with Session(engine) as second:
        ensure_demo(session=second)  # its insert of the demo fails: the first server made it
        assert len(calls) == 2
    monkeypatch.undo()
    with Session(engine) as session:
        assert storage.count_canvases(session=session) == 1
        board = storage.load_board(session=session, canvas_id=DEMO_CANVAS_ID)
        assert "Mine" in [n.text for n in board.notes[Block.KEY_PARTNERS]]  # not reset
        assert set(storage.list_datasets(session=session, canvas_id=DEMO_CANVAS_ID)) == set(DEMO_FILES)
