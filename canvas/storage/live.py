"""Which canvases and workshops changed, known in memory: one watcher a database, one polling
thread a process.

Every change to a canvas bumps ``Canvas.version`` (its sequence number), so a page only has to
compare the version it drew with the newest one to know that someone else changed the canvas.
Asking the database for that once a second in every open browser session would cost a query per
session per second; instead one daemon thread per database polls ``SELECT id, version FROM canvas``
every ``POLL_SECONDS`` and keeps the answers in a dict, and ``Watcher.sequence`` reads the dict.
Workshops the same way: each has two change counters (``workshop.lookups.count_change``) and,
while it runs, a count of the current block's notes still hidden (private mode), read by
``Watcher.workshop_state``: phones show that count ticking without redrawing for each hidden note.

Polling is used on PostgreSQL too: the query is one index-free scan of a table with one row a
canvas, and it needs no trigger, no migration and no connection held in LISTEN. (A LISTEN/NOTIFY
channel would shave the poll interval off the delay; not worth a second code path at this size.)
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from canvas.domain.models import Change

POLL_SECONDS = 0.25

log = logging.getLogger(__name__)

# Every workshop's counters and, for a running one, its current block's hidden notes (merged ones
# counted in the note they went into). One scalar subquery a running workshop, on an indexed column.
WORKSHOPS_QUERY = text("""
SELECT w.id, w.version, w.shared_version,
       CASE WHEN w.state = 'running' THEN (
           SELECT count(*) FROM workshopnote n
           WHERE n.workshop_id = w.id AND n.block = w.current_block
             AND NOT n.revealed AND n.merged_into_id IS NULL)
       ELSE 0 END
FROM workshop w
""")


class WorkshopState(NamedTuple):
    version: int  # every change (``workshop.lookups.count_change``)
    shared_version: int  # the changes every participant sees
    hidden: int  # the current block's notes not revealed yet


UNKNOWN_WORKSHOP = WorkshopState(0, 0, 0)


class Watcher:
    """The newest version of every canvas of one database, refreshed by one background thread.

    Make it with ``watcher(engine)``, which gives every caller of a process the same one.
    """

    def __init__(self, engine: Engine, *, poll_seconds: float = POLL_SECONDS) -> None:
        self._engine = engine
        self._poll_seconds = poll_seconds
        self._versions: dict[str, int] = {}
        self._workshops: dict[str, WorkshopState] = {}
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self.polls = 0  # how many polls have finished (successful or not): for tests and health
        self._refresh()  # known from the first call on, not a poll interval later
        self._thread = threading.Thread(target=self._run, name=f"canvas-live-{id(self):x}", daemon=True)
        self._thread.start()

    def sequence(self, canvas_id: str) -> int:
        """The newest version of the canvas seen by the last poll; 0 when unknown. Memory only."""
        return self._versions.get(canvas_id, 0)

    def workshop_state(self, workshop_id: str) -> WorkshopState:
        """The workshop's counters seen by the last poll; all 0 when unknown. Memory only."""
        return self._workshops.get(workshop_id, UNKNOWN_WORKSHOP)

    def wait_beyond(self, canvas_id: str, seen: int, *, timeout: float) -> int:
        """Block until the canvas's version is above ``seen`` or ``timeout`` seconds have passed;
        returns the version then known."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.sequence(canvas_id) <= seen:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
            return self.sequence(canvas_id)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        """Stop the thread (tests; the app's watcher lives as long as the process)."""
        self._stopping.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stopping.wait(self._poll_seconds):
            self._refresh()

    def _refresh(self) -> None:
        try:
            with self._engine.connect() as connection:
                rows = connection.execute(text("SELECT id, version FROM canvas")).all()
                workshops = connection.execute(WORKSHOPS_QUERY).all()
        except SQLAlchemyError as error:  # the database is away for a moment: keep what we knew
            log.warning("live updates: could not read the canvas versions: %s", error)
            rows, workshops = None, None
        with self._changed:
            if rows is not None and workshops is not None:
                self._versions = {canvas_id: version for canvas_id, version in rows}
                self._workshops = {row[0]: WorkshopState(*row[1:]) for row in workshops}
            self.polls += 1
            self._changed.notify_all()


_watchers: dict[str, Watcher] = {}
_watchers_lock = threading.Lock()


def watcher(engine: Engine) -> Watcher:
    """The process's one watcher of ``engine``'s database (keyed by its URL), started on first use."""
    key = engine.url.render_as_string(hide_password=False)
    with _watchers_lock:
        found = _watchers.get(key)
        if found is None or not found.alive:
            found = _watchers[key] = Watcher(engine)
        return found


def stop_all() -> None:
    """Stop every watcher of this process (tests)."""
    with _watchers_lock:
        for found in _watchers.values():
            found.stop()
        _watchers.clear()


@dataclass(frozen=True)
class ChangeNote:
    """One change as others are told of it: who (None when made without a name) and what."""

    seq: int
    author_id: str | None
    author_name: str | None
    label: str


def changes_since(*, session: Session, canvas_id: str, after_seq: int, limit: int = 20) -> list[ChangeNote]:
    """The canvas's changes with a sequence number above ``after_seq``, oldest first (at most
    ``limit``, the newest ones when there are more)."""
    rows = session.exec(
        select(Change).where(Change.canvas_id == canvas_id, col(Change.seq) > after_seq)
        .order_by(col(Change.seq).desc()).limit(limit)
    ).all()
    return [ChangeNote(seq=c.seq, author_id=c.author_id, author_name=c.author_name, label=c.label)
            for c in reversed(rows)]
