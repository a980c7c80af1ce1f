"""A room of writers at once: the connection pool is sized for 30, and when it is exhausted the
writer gets the product's message, never SQLAlchemy's exception."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, create_engine, select

from canvas import storage
from canvas.domain.blocks import Block
from canvas.domain.errors import DatabaseBusy
from canvas.domain.models import Note, NoteCreate
from tests.support import new_canvas

WRITERS = 30
NOTES_EACH = 20


def _in_threads(count: int, work: Callable[[int], None]) -> None:
    """Run ``work(i)`` on ``count`` threads released at once."""
    start = threading.Barrier(count)

    def run(i: int) -> None:
        start.wait()
        work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _write_notes(engine: Engine, canvas_id: str, writer: int, outcomes: list[object]) -> None:
    for n in range(NOTES_EACH):
        try:
            with storage.work_session(engine) as db:
                storage.add_note(session=db, canvas_id=canvas_id,
                                 data=storage.parse(NoteCreate, block=Block.CHANNELS, text=f"w{writer} n{n}"))
            outcomes.append("saved")
        except Exception as error:  # the assertion names whatever escaped
            outcomes.append(error)


def _canvas(engine: Engine) -> str:
    with Session(engine) as db:
        return new_canvas(db).id


def _texts(engine: Engine, canvas_id: str) -> list[str]:
    with Session(engine) as db:
        return list(db.exec(select(Note.text).where(Note.canvas_id == canvas_id)))


def test_the_pool_is_sized_for_a_room_of_thirty():
    assert storage.db.POOL_SIZE + storage.db.POOL_MAX_OVERFLOW >= WRITERS
    assert 0 < storage.db.POOL_TIMEOUT_SECONDS <= 30  # a wait a person sits through, then a message


def test_an_exhausted_pool_is_the_busy_message(database_url):
    """One connection for 30 writers and almost no wait: many are turned away, each with the
    product's message; whatever was saved is there once."""
    if database_url.startswith("sqlite"):
        pytest.skip("the pool's timeout is the same code on SQLite; PostgreSQL is the server case")
    tiny = create_engine(database_url, pool_size=1, max_overflow=0, pool_timeout=0.01)
    try:
        canvas_id = _canvas(tiny)
        outcomes: list[object] = []
        _in_threads(WRITERS, lambda i: _write_notes(tiny, canvas_id, i, outcomes))
        refused = [o for o in outcomes if o != "saved"]
        assert refused, "a pool of one connection with no wait turned nobody away"
        assert all(isinstance(o, DatabaseBusy) for o in refused), {type(o).__name__ for o in refused}
        assert {str(o) for o in refused} == {storage.db.DATABASE_BUSY}
        assert "try again in a moment" in storage.db.DATABASE_BUSY.lower()
        saved = _texts(tiny, canvas_id)
        assert len(saved) == outcomes.count("saved") == len(set(saved))
    finally:
        tiny.dispose()


def test_thirty_writers_with_the_real_pool_all_succeed(database_url):
    if database_url.startswith("sqlite"):
        # SQLite has one writer at a time: on a quiet machine the 600 notes take about 5 s and all
        # are kept, but on a loaded one (the suite beside other work) some writers wait past
        # busy_timeout (5 s) and get the "did not answer" message, so asserting all 600 would be flaky.
        pytest.skip("SQLite serialises the writers; under load some wait past busy_timeout")
    engine = storage.make_engine(database_url, migrate_schema=False)
    try:
        canvas_id = _canvas(engine)
        outcomes: list[object] = []
        _in_threads(WRITERS, lambda i: _write_notes(engine, canvas_id, i, outcomes))
        assert [o for o in outcomes if o != "saved"] == []
        saved = Counter(_texts(engine, canvas_id))
        assert len(saved) == WRITERS * NOTES_EACH  # 600 kept
        assert max(saved.values()) == 1  # none twice
    finally:
        engine.dispose()
