"""A canvas's contents at a point of its history, rebuilt from the change log.

The log (``models.Change``) keeps each item's fields before and after every change, so the state
after the change numbered ``seq`` is the current state with every later change reverted, newest
first, using its ``before`` values. This module does that on plain dicts: no database, no I/O.

What a change's ``before`` can hold, and what reverting it does:
- ``None``: the change made the item (an add, an undo of a delete): remove it again; removing a
  segment untags its notes and drops its design and its dismissed findings, as deleting one does;
- ``{"order": [...], "block": ...}`` (a move, or the undo of one): put that order back;
- ``{"items": {kind: {id: fields or None}}, "details": {...}}`` (a restore of an earlier point,
  or the undo of one): put each listed item back as it was (None: it did not exist);
- an item's fields (an edit, a delete): put them back; a deleted segment's fields carry its
  tagged notes, design and dismissed findings, which come back with it.
A change of the whole canvas with no ``before`` (an import, a demo reset) cannot be reverted:
points before it are out of reach (``Unreachable``).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

KINDS = ("segment", "note", "relationship", "finding")
KEY_FIELD = {"segment": "id", "note": "id", "relationship": "segment_id", "finding": "id"}
DETAILS = ("name", "description", "currency")
SEGMENT_EXTRAS = ("tagged_notes", "relationship", "findings")
# Fields that are bookkeeping, not what a person wrote: compared apart (``content``).
BOOKKEEPING = ("version", "position")


class Unreachable(Exception):
    """A change on the way back cannot be reverted (it replaced the canvas without keeping what it held)."""

    def __init__(self, seq: int, label: str):
        super().__init__(label)
        self.seq, self.label = seq, label


@dataclass(frozen=True)
class LoggedChange:
    """One row of the change log, its ``before``/``after`` read from JSON."""

    seq: int
    item_kind: str
    item_id: str
    action: str
    label: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    author_id: str | None
    author_name: str | None
    created_at: datetime
    undone: bool = False

    @property
    def reversible(self) -> bool:
        """Whether reverting it is possible (a whole-canvas replacement without ``before`` is not)."""
        return not (self.item_kind == "canvas" and self.action == "replace" and not self.before)


@dataclass
class CanvasState:
    """A canvas's contents: its details (name, description, currency) and every item's stored
    fields by kind ("segment", "note", "relationship", "finding") and id (a string)."""

    details: dict[str, Any]
    items: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: {k: {} for k in KINDS})

    def copy(self) -> CanvasState:
        return CanvasState(details=dict(self.details), items=copy.deepcopy(self.items))

    def of(self, kind: str) -> dict[str, dict[str, Any]]:
        return self.items.setdefault(kind, {})


def item_key(kind: str, fields: dict[str, Any]) -> str:
    return str(fields[KEY_FIELD[kind]])


def content(fields: dict[str, Any] | None) -> dict[str, Any] | None:
    """An item's fields without its version and place: what a person changed."""
    return None if fields is None else {k: v for k, v in fields.items() if k not in BOOKKEEPING}


def state_at(current: CanvasState, later: Iterable[LoggedChange]) -> CanvasState:
    """The state before ``later`` happened: ``current`` with those changes reverted, newest first.

    ``later`` are the changes after the wanted point (any order); ``Unreachable`` if one of them
    cannot be reverted. ``current`` is not changed.
    """
    state = current.copy()
    for change in sorted(later, key=lambda c: c.seq, reverse=True):
        revert(state, change)
    return state


def revert(state: CanvasState, change: LoggedChange) -> None:
    """Undo one logged change on ``state`` (in place); see the module's docstring."""
    before = change.before
    if not change.reversible:
        raise Unreachable(change.seq, change.label)
    if before is not None and "items" in before:
        put_items(state, before["items"])
        if before.get("details"):
            state.details.update({k: before["details"][k] for k in DETAILS if k in before["details"]})
        return
    if change.item_kind == "canvas":
        if before and change.action in ("update", "undo"):
            state.details.update({k: before[k] for k in DETAILS if k in before})
        return  # trash, restore from the trash, a workshop's summary: the contents did not change
    if change.item_kind not in KINDS:
        return
    if before is None:
        remove(state, change.item_kind, change.item_id)
    elif "order" in before:
        put_order(state, change.item_kind, before)
    else:
        put(state, change.item_kind, before)


def put_items(state: CanvasState, items: dict[str, dict[str, dict[str, Any] | None]]) -> None:
    """Set each listed item to its fields (None: remove it, nothing else with it)."""
    for kind, by_id in items.items():
        for item_id, fields in by_id.items():
            if fields is None:
                state.of(kind).pop(item_id, None)
            else:
                state.of(kind)[item_id] = dict(fields)


def remove(state: CanvasState, kind: str, item_id: str) -> None:
    """Remove an item; a segment goes with its tags, its design and its dismissed findings."""
    state.of(kind).pop(item_id, None)
    if kind != "segment":
        return
    for note in state.of("note").values():
        if note.get("segment_id") == item_id:
            note["segment_id"] = None
    state.of("relationship").pop(item_id, None)
    for key in [k for k, f in state.of("finding").items() if f.get("segment_id") == item_id]:
        del state.of("finding")[key]


def put(state: CanvasState, kind: str, before: dict[str, Any]) -> None:
    """Put an item back as ``before``; a segment's saved tags, design and findings with it."""
    fields = dict(before)
    extras = {k: fields.pop(k) for k in SEGMENT_EXTRAS if k in fields}
    if kind == "note" and fields.get("segment_id") and fields["segment_id"] not in state.of("segment"):
        fields["segment_id"] = None  # as undo does: a note is never tagged with a missing segment
    state.of(kind)[item_key(kind, fields)] = fields
    if kind != "segment":
        return
    notes = state.of("note")
    for note_id in extras.get("tagged_notes") or []:
        if note_id in notes and notes[note_id].get("segment_id") is None:
            notes[note_id]["segment_id"] = fields["id"]
    if extras.get("relationship"):
        state.of("relationship")[fields["id"]] = dict(extras["relationship"])
    for finding in extras.get("findings") or []:
        state.of("finding")[item_key("finding", finding)] = dict(finding)


def put_order(state: CanvasState, kind: str, snapshot: dict[str, Any]) -> None:
    """Put a block's notes (or the segments) back in ``snapshot["order"]``; the others keep
    their place after them, and positions are renumbered 0..n-1 as a move leaves them."""
    order = {item_id: index for index, item_id in enumerate(snapshot.get("order", []))}
    items = [f for f in state.of(kind).values() if kind != "note" or f.get("block") == snapshot.get("block")]
    items.sort(key=lambda f: (f.get("position", 0), f["id"]))
    items.sort(key=lambda f: order.get(f["id"], len(order)))
    for position, fields in enumerate(items):
        fields["position"] = position


def changed_items(current: CanvasState, target: CanvasState) -> dict[str, dict[str, dict[str, Any] | None]]:
    """What must change to turn ``current`` into ``target``: kind -> id -> the target's fields
    (None: remove). Items equal but for their version are left alone; a new place counts."""
    out: dict[str, dict[str, dict[str, Any] | None]] = {}
    for kind in KINDS:
        now, then = current.of(kind), target.of(kind)
        for item_id in sorted(set(now) | set(then)):
            a, b = now.get(item_id), then.get(item_id)
            if a is None or b is None:
                if a != b:
                    out.setdefault(kind, {})[item_id] = b
            elif content(a) != content(b) or a.get("position") != b.get("position"):
                out.setdefault(kind, {})[item_id] = b
    return out
