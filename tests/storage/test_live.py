"""Live updates' watcher: a change made through another engine is seen within a poll, from memory,
by one thread per database however many sessions ask."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from canvas import storage
from canvas.domain.authors import Author
from canvas.domain.blocks import Block
from canvas.domain.models import NoteCreate
from canvas.storage import live
from canvas.workshop import store as workshops
from tests.support import add_note, new_canvas


@pytest.fixture
def watchers() -> Iterator[None]:
    yield
    live.stop_all()


def live_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("canvas-live-")]


def test_a_change_through_another_engine_is_seen_within_a_poll(engine: Engine, database_url: str, watchers):
    with Session(engine, expire_on_commit=False) as db:
        canvas = new_canvas(db)
    watcher = live.watcher(engine)
    assert watcher.sequence(canvas.id) == canvas.version == 1  # known at once, not a poll later
    assert watcher.sequence("no-such-canvas") == 0

    other = storage.make_engine(database_url, migrate_schema=False)  # another process's view, in effect
    try:
        with Session(other, expire_on_commit=False) as db:
            add_note(db, db.merge(canvas), "Local milk co-op")
        assert watcher.wait_beyond(canvas.id, 1, timeout=2 * live.POLL_SECONDS + 1) == 2
    finally:
        other.dispose()


def test_a_workshop_change_is_seen_within_a_poll(engine: Engine, database_url: str, watchers):
    with Session(engine, expire_on_commit=False) as db:
        canvas = new_canvas(db)
        started = workshops.start_workshop(session=db, canvas_id=canvas.id)
    watcher = live.watcher(engine)
    assert watcher.workshop_state(started.workshop_id) == (0, 0, 0)
    assert watcher.workshop_state("no-such-workshop") == (0, 0, 0)
    other = storage.make_engine(database_url, migrate_schema=False)
    try:
        with Session(other) as db:
            ana = workshops.join_workshop(session=db, code=started.code, name="Ana")
            workshops.open_block(session=db, workshop_id=started.workshop_id,
                                 facilitator_token=started.facilitator_token)
            for text in ("Home brewers", "Office teams"):  # private mode: hidden
                workshops.add_workshop_note(session=db, workshop_id=started.workshop_id,
                                            participant_token=ana.token, text=text)
        for _ in range(100):
            if watcher.workshop_state(started.workshop_id) == (4, 1, 2):
                break
            watcher.wait_beyond("no-such-canvas", 0, timeout=live.POLL_SECONDS)  # one poll
        # The join and the hidden notes count in version only; opening the block in both.
        assert watcher.workshop_state(started.workshop_id) == (4, 1, 2)
    finally:
        other.dispose()


def test_sequence_reads_memory_only(engine: Engine, watchers, monkeypatch):
    with Session(engine, expire_on_commit=False) as db:
        canvas = new_canvas(db)
    watcher = live.watcher(engine)
    asked: list[str] = []
    monkeypatch.setattr(engine, "connect", lambda *a, **k: asked.append("connect"))
    for _ in range(1000):
        assert watcher.sequence(canvas.id) == 1
    monkeypatch.undo()
    # The background thread may have polled meanwhile (and failed on the patched connect, kept the
    # old values); the thousand reads themselves did not wait for one poll each.
    assert len(asked) <= 2


def test_one_thread_per_database_however_many_callers(engine: Engine, watchers):
    before = len(live_threads())
    found: list[live.Watcher] = []
    callers = [threading.Thread(target=lambda: found.append(live.watcher(engine))) for _ in range(20)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    assert len({id(w) for w in found}) == 1
    assert len(live_threads()) == before + 1
    live.stop_all()
    assert not found[0].alive


def test_keeps_the_last_versions_while_the_database_is_away(engine: Engine, watchers, monkeypatch):
    with Session(engine, expire_on_commit=False) as db:
        canvas = new_canvas(db)
    watcher = live.watcher(engine)
    polls = watcher.polls

    def broken(*args, **kwargs):
        from sqlalchemy.exc import OperationalError

        raise OperationalError("SELECT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(engine, "connect", broken)
    watcher.wait_beyond(canvas.id, 10, timeout=3 * live.POLL_SECONDS)  # a poll or more fail
    assert watcher.polls > polls
    assert watcher.sequence(canvas.id) == 1
    assert watcher.alive


def test_changes_since_names_who_did_what(session):
    canvas = new_canvas(session)
    add_note(session, canvas, "Local milk co-op")
    storage.add_note(session=session, canvas_id=canvas.id,
                     data=storage.parse(NoteCreate, block=Block.CHANNELS, text="Pop-up stall"),
                     author=Author(id="ana-id", name="Ana"))
    notes = live.changes_since(session=session, canvas_id=canvas.id, after_seq=1)
    assert [(n.seq, n.author_name) for n in notes] == [(2, None), (3, "Ana")]
    assert "Pop-up stall" in notes[-1].label and notes[-1].author_id == "ana-id"
    assert live.changes_since(session=session, canvas_id=canvas.id, after_seq=3) == []
    assert [n.seq for n in live.changes_since(session=session, canvas_id=canvas.id, after_seq=0, limit=1)] == [3]
