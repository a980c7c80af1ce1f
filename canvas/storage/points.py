"""Points of a canvas's history: the timeline, the state at any point, comparing and restoring.

A point is a canvas version (the ``seq`` of the change that made it), or a snapshot's name. The
state at a point is rebuilt from the change log (``domain.canvas_state``). Restoring a point is
one new change ("restore_point") that puts back every item that differs, logged with each item
before and after: nothing is lost, the timeline shows it, and its author's undo reverts it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property

from sqlmodel import Session, col, select

from canvas.domain.authors import Author
from canvas.domain.canvas_state import DETAILS, CanvasState, LoggedChange, Unreachable, changed_items, state_at
from canvas.domain.compare import Comparison, compare
from canvas.domain.errors import InvalidInput
from canvas.domain.models import Canvas, Change, Snapshot
from canvas.domain.timeline import WorkSession, work_sessions
from canvas.storage.access import authorize
from canvas.storage.history import changing, dump
from canvas.storage.records import get_canvas
from canvas.storage.restoring import read_state, write_details, write_items

RESTORE_ACTION = "restore_point"
_VERSION = re.compile(r"[vV]?(\d{1,9})")


def logged(change: Change) -> LoggedChange:
    return LoggedChange(
        seq=change.seq, item_kind=change.item_kind, item_id=change.item_id, action=change.action,
        label=change.label, before=json.loads(change.before) if change.before else None,
        after=json.loads(change.after) if change.after else None, author_id=change.author_id,
        author_name=change.author_name, created_at=change.created_at, undone=change.undone,
    )


@dataclass(frozen=True)
class History:
    """A canvas's change log read for the history page: changes oldest first, snapshots by point."""

    canvas: Canvas
    changes: tuple[LoggedChange, ...]
    snapshots: tuple[Snapshot, ...] = field(default=())

    @property
    def current(self) -> int:
        return self.canvas.version

    @cached_property
    def blocked_by(self) -> LoggedChange | None:
        """The newest change that replaced the whole canvas without keeping what it held (an import,
        a demo reset): points before it cannot be rebuilt."""
        return next((c for c in reversed(self.changes) if not c.reversible), None)

    @property
    def earliest(self) -> int:
        """The earliest point that can be rebuilt, compared and restored."""
        if self.blocked_by is not None:
            return self.blocked_by.seq
        return self.changes[0].seq - 1 if self.changes else self.current

    @property
    def began_late(self) -> bool:
        """Whether the canvas had changes before the change log existed (its history starts later)."""
        return self.blocked_by is None and self.earliest > 1

    def where_it_starts(self) -> str | None:
        """Why the history starts where it does, in plain words (None when it starts at the canvas's
        start): for the history page and the ``history`` command alike."""
        if self.blocked_by is not None:
            return (f"The history starts at v{self.earliest}: “{self.blocked_by.label}” replaced the whole canvas "
                    "then, and what it held before was not kept.")
        if self.began_late:
            return (f"The history starts at v{self.earliest}, when the change log began: earlier changes to this "
                    "canvas were not recorded, so that is the earliest point to compare or restore.")
        return None

    @property
    def sessions(self) -> list[WorkSession]:
        return work_sessions(self.changes)

    def change_at(self, seq: int) -> LoggedChange | None:
        return next((c for c in self.changes if c.seq == seq), None)

    def snapshot_named(self, name: str) -> Snapshot | None:
        return next((s for s in self.snapshots if s.name.casefold() == name.strip().casefold()), None)

    def describe(self, seq: int) -> str:
        """A point in words: "v12 · after “Add note …”", "v1 · the start", with its snapshots' names."""
        change = self.change_at(seq)
        if seq == self.earliest and change is None:
            what = "when the change log began" if self.began_late else "the start"
        else:
            what = f"after “{change.label}”" if change else "after an unrecorded change"
        names = [f"“{s.name}”" for s in self.snapshots if s.seq == seq]
        return f"v{seq} · {what}" + (f" · snapshot {', '.join(names)}" if names else "")

    def points(self) -> list[int]:
        """Every point that can be rebuilt, newest first."""
        seqs = {c.seq for c in self.changes if c.seq >= self.earliest} | {self.earliest, self.current}
        return sorted(seqs, reverse=True)


def load_history(*, session: Session, canvas_id: str) -> History:
    canvas = get_canvas(session=session, canvas_id=canvas_id)
    session.refresh(canvas)
    changes = session.exec(select(Change).where(Change.canvas_id == canvas_id).order_by(col(Change.seq))).all()
    snapshots = session.exec(select(Snapshot).where(Snapshot.canvas_id == canvas_id)
                             .order_by(col(Snapshot.seq).desc(), col(Snapshot.id).desc())).all()
    return History(canvas=canvas, changes=tuple(logged(c) for c in changes), snapshots=tuple(snapshots))


def resolve_point(history: History, point: str | int) -> int:
    """The version a point names: a number ("12", "v12") or a snapshot's name; ``InvalidInput``
    saying what exists when it names nothing that can be rebuilt."""
    text = str(point).strip()
    if not text:
        raise InvalidInput("Say which point: a version like v12 (see the history) or a snapshot's name.",
                           field="point")
    match = _VERSION.fullmatch(text)
    snapshot = None if match else history.snapshot_named(text)
    if match:
        seq = int(match.group(1))
    elif snapshot is not None:
        seq = snapshot.seq
    else:
        raise InvalidInput(f"“{text}” is neither a version (like v12) nor the name of a snapshot of this canvas. "
                           f"Its history runs from v{history.earliest} to v{history.current}.", field="point")
    if seq > history.current or (seq < history.earliest and history.blocked_by is None):
        raise InvalidInput(f"There is no point v{seq} on this canvas: its history runs from v{history.earliest} "
                           f"to v{history.current}.", field="point")
    if seq < history.earliest:
        assert history.blocked_by is not None
        raise InvalidInput(f"v{seq} is before “{history.blocked_by.label}” (v{history.blocked_by.seq}), which replaced "
                           "the whole canvas without keeping what it held, so it cannot be rebuilt. The earliest "
                           f"point is v{history.earliest}.", field="point")
    return seq


def state_of(session: Session, history: History, seq: int, current: CanvasState | None = None) -> CanvasState:
    """The canvas's contents at version ``seq`` (checked by ``resolve_point``); ``current`` is what
    it holds now, when the caller has read it already."""
    now = current if current is not None else read_state(session, history.canvas)
    try:
        return state_at(now, (c for c in history.changes if c.seq > seq))
    except Unreachable as blocked:  # resolve_point keeps this from happening; say it clearly if it does
        raise InvalidInput(f"v{seq} is before “{blocked.label}”, which cannot be reverted.", field="point") from None


def compare_points(*, session: Session, canvas_id: str, a: str | int, b: str | int) -> tuple[int, int, Comparison]:
    """What changed from point ``a`` to point ``b`` (their versions, and the comparison)."""
    history = load_history(session=session, canvas_id=canvas_id)
    seq_a, seq_b = resolve_point(history, a), resolve_point(history, b)
    now = read_state(session, history.canvas)
    return seq_a, seq_b, compare(state_of(session, history, seq_a, now), state_of(session, history, seq_b, now))


@dataclass(frozen=True)
class Restored:
    seq: int  # the point restored
    version: int  # the canvas's version now (the restore's own change)
    label: str  # the restore as the timeline and undo name it
    note: str | None = None  # something the user should know (the old name was taken)


def restore_point(*, session: Session, canvas_id: str, point: str | int, author: Author | None = None) -> Restored:
    """Make the canvas hold what it held at ``point`` again, as one new change its author can undo.

    ``InvalidInput`` when the point is unknown, or the canvas already holds the same.
    """
    authorize(session, canvas_id)
    history = load_history(session=session, canvas_id=canvas_id)
    seq = resolve_point(history, point)
    current = read_state(session, history.canvas)
    target = state_of(session, history, seq, current)
    items = changed_items(current, target)
    details = {k: target.details[k] for k in DETAILS if target.details.get(k) != current.details.get(k)}
    if not items and not details:
        raise InvalidInput(f"The canvas already holds what it held at v{seq}: there is nothing to restore.",
                           field="point")
    names = [s.name for s in history.snapshots if s.seq == seq]
    label = f"Restore v{seq}" + (f" “{names[0]}”" if names else "")
    with changing(session, canvas_id=canvas_id, author=author, item_kind="canvas", item_id=canvas_id,
                  action=RESTORE_ACTION, label=label) as log:
        canvas = session.get_one(Canvas, canvas_id)
        before = {kind: {item_id: current.of(kind).get(item_id) for item_id in by_id} for kind, by_id in items.items()}
        written = write_items(session, canvas_id, items)
        note = write_details(session, canvas, details) if details else None
        log.before = dump({"items": before, "details": current.details})
        log.after = dump({"items": written, "details": {k: getattr(canvas, k) for k in DETAILS}})
        version = log.seq
    return Restored(seq=seq, version=version, label=label, note=note)
