"""The change log as a timeline: changes grouped into sessions of work, and named points.

A session of work is a run of consecutive changes by the same person, each less than
``SESSION_GAP`` after the one before; anyone else's change, or a longer pause, starts a new one.
A point of the history is a canvas version: ``seq`` of the change that made it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from canvas.domain.canvas_state import LoggedChange

SESSION_GAP = timedelta(minutes=30)
SNAPSHOT_NAME_MAX_CHARS = 80
NO_NAME = "Someone without a name"


@dataclass(frozen=True)
class WorkSession:
    """Consecutive changes by one person; ``changes`` newest first."""

    author_name: str | None
    changes: tuple[LoggedChange, ...]

    @property
    def started(self) -> datetime:
        return self.changes[-1].created_at

    @property
    def ended(self) -> datetime:
        return self.changes[0].created_at

    @property
    def who(self) -> str:
        return self.author_name or NO_NAME

    @property
    def first_seq(self) -> int:
        return self.changes[-1].seq

    @property
    def last_seq(self) -> int:
        return self.changes[0].seq


def _author(change: LoggedChange) -> tuple[str | None, str | None]:
    return change.author_id, (change.author_name if change.author_id is None else None)


def work_sessions(changes: Sequence[LoggedChange], gap: timedelta = SESSION_GAP) -> list[WorkSession]:
    """The changes (any order) grouped into sessions of work, newest session first."""
    groups: list[list[LoggedChange]] = []
    for change in sorted(changes, key=lambda c: c.seq):
        last = groups[-1][-1] if groups else None
        if last is not None and _author(last) == _author(change) and change.created_at - last.created_at < gap:
            groups[-1].append(change)
        else:
            groups.append([change])
    return [WorkSession(author_name=group[-1].author_name, changes=tuple(reversed(group)))
            for group in reversed(groups)]


def check_snapshot_name(raw: str, taken: Sequence[str] = ()) -> str:
    """A snapshot's name without surrounding spaces; ``ValueError`` with the reason when it is
    empty, longer than ``SNAPSHOT_NAME_MAX_CHARS``, or the name of another snapshot of the canvas
    (``taken``, ignoring case)."""
    name = " ".join((raw or "").split())
    if not name:
        raise ValueError("Give the snapshot a name, e.g. “after workshop 2”.")
    if len(name) > SNAPSHOT_NAME_MAX_CHARS:
        raise ValueError(f"A snapshot name is at most {SNAPSHOT_NAME_MAX_CHARS} characters; this one has "
                         f"{len(name)}.")
    if name.casefold() in {t.casefold() for t in taken}:
        raise ValueError(f"This canvas already has a snapshot called “{name}”: choose another name.")
    return name
