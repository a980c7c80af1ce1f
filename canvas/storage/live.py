"""Which canvases changed, known in memory: one watcher a database, one polling thread a process.

Every change to a canvas bumps ``Canvas.version`` (its sequence number), so a page only has to
compare the version it drew with the newest one to know that someone else changed the canvas.
Asking the database for that once a second in every open browser session would cost a query per
session per second; instead one daemon thread per database polls ``SELECT id, version FROM canvas``
every ``POLL_SECONDS`` and keeps the answers in a dict, and ``Watcher.sequence`` reads the dict.

Polling is used on PostgreSQL too: the query is one index-free scan of a table with one row a
canvas, and it needs no trigger, no migration and no connection held in LISTEN. (A LISTEN/NOTIFY
channel would shave the poll interval off the delay; not worth a second code path at this size.)
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from canvas.domain.models import Change

POLL_SECONDS = 0.25

log = logging.getLogger(__name__)


class Watcher:
    """The newest version of every canvas of one database, refreshed by one background thread.

    Make it with ``watcher(engine)``, which gives every caller of a process the same one.
    """

    def __init__(self, engine: Engine, *, poll_seconds: float = POLL_SECONDS) -> None:
        self._engine = engine
        self._poll_seconds = poll_seconds
        self._versions: dict[str, int] = {}
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self.polls = 0  # how many polls have finished (successful or not): for tests and health
        self._refresh()  # known from the first call on, not a poll interval later
        self._thread = threading.Thread(target=self._run, name=f"canvas-live-{id(self):x}", daemon=True)
        self._thread.start()

    def sequence(self, canvas_id: str) -> int:
        """The newest version of the canvas seen by the last poll; 0 when unknown. Memory only."""
        return self._versions.get(canvas_id, 0)

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
        except SQLAlchemyError as error:  # the database is away for a moment: keep what we knew
            log.warning("live updates: could not read the canvas versions: %s", error)
            rows = None
        with self._changed:
            if rows is not None:
                self._versions = {canvas_id: version for canvas_id, version in rows}
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
