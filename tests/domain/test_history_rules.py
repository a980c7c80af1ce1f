"""The history's pure rules: sessions of work, snapshot names, reverting logged changes and
comparing two states."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from canvas.domain.blocks import Block
from canvas.domain.canvas_state import CanvasState, LoggedChange, Unreachable, changed_items, revert, state_at
from canvas.domain.compare import compare
from canvas.domain.timeline import SESSION_GAP, check_snapshot_name, work_sessions

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def change(seq: int, minutes: float, who: str | None = "ana", *, kind: str = "note", item_id: str = "n1",
           action: str = "add", before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
           label: str = "") -> LoggedChange:
    return LoggedChange(seq=seq, item_kind=kind, item_id=item_id, action=action, label=label or f"change {seq}",
                        before=before, after=after, author_id=who, author_name=who.title() if who else None,
                        created_at=T0 + timedelta(minutes=minutes))


def test_sessions_split_on_another_author_or_a_long_pause():
    changes = [change(2, 0), change(3, 10), change(4, 39), change(5, 40, "ben"), change(6, 41),
               change(7, 41 + SESSION_GAP.total_seconds() / 60)]
    sessions = work_sessions(list(reversed(changes)))
    assert [[c.seq for c in s.changes] for s in sessions] == [[7], [6], [5], [4, 3, 2]]
    assert sessions[3].who == "Ana" and sessions[3].started == T0 and sessions[3].ended == T0 + timedelta(minutes=39)
    assert work_sessions([change(2, 0, None), change(3, 1, None)])[0].who == "Someone without a name"


def test_snapshot_names_are_trimmed_and_checked():
    assert check_snapshot_name("  after \n workshop 2 ") == "after workshop 2"
    for bad, message in (("  ", "Give the snapshot a name"), ("x" * 81, "at most 80"),
                         ("Sent", "already has a snapshot called “Sent”")):
        with pytest.raises(ValueError, match=message):
            check_snapshot_name(bad, ["sent"])


def _note(note_id: str, text: str, position: int, segment_id: str | None = None) -> dict[str, Any]:
    return {"id": note_id, "canvas_id": "c", "block": Block.CHANNELS.value, "text": text, "colour": "#FFF3A3",
            "segment_id": segment_id, "position": position, "version": 1, "author_name": None}


def _state() -> CanvasState:
    state = CanvasState(details={"name": "Acme", "description": "", "currency": "EUR"})
    state.of("segment")["s1"] = {"id": "s1", "canvas_id": "c", "name": "Office", "description": "", "colour": "#1F77B4",
                                 "estimated_size": 200, "position": 0, "version": 1}
    state.of("note").update({"n1": _note("n1", "Shop", 0, "s1"), "n2": _note("n2", "Stall", 1)})
    state.of("relationship")["s1"] = {"segment_id": "s1", "canvas_id": "c", "types": ["self_service"],
                                      "targets": {"nps": 40.0}, "cost_fixed_month": 100.0}
    return state


def test_reverting_a_segments_add_takes_its_tags_and_design_with_it():
    state = _state()
    revert(state, change(5, 0, kind="segment", item_id="s1", after={"id": "s1"}))
    assert "s1" not in state.of("segment") and state.of("relationship") == {}
    assert state.of("note")["n1"]["segment_id"] is None


def test_reverting_a_move_puts_the_order_back_and_a_replacement_cannot_be_reverted():
    state = _state()
    revert(state, change(5, 0, action="move", before={"canvas_id": "c", "block": "channels", "order": ["n2", "n1"]}))
    assert [state.of("note")[k]["position"] for k in ("n2", "n1")] == [0, 1]
    with pytest.raises(Unreachable):
        state_at(state, [change(6, 0, kind="canvas", item_id="c", action="replace", label="Import the canvas")])


def test_changed_items_ignore_versions_but_not_places():
    a, b = _state(), _state()
    b.of("note")["n1"]["version"] = 9
    assert changed_items(a, b) == {}
    b.of("note")["n2"]["position"] = 5
    assert list(changed_items(a, b)) == ["note"]


def test_compare_names_each_change_in_the_users_words():
    a, b = _state(), _state()
    b.details["name"] = "Acme 2"
    b.of("note")["n1"]["text"] = "Web shop"
    b.of("note")["n1"]["segment_id"] = None
    del b.of("note")["n2"]
    b.of("relationship")["s1"] |= {"targets": {"nps": 55.0}, "cost_fixed_month": 250.0}
    diff = compare(a, b)
    assert [(f.label, f.before, f.after) for f in diff.details] == [("Name", "Acme", "Acme 2")]
    (channels,) = diff.blocks
    assert [(n.status, n.title_before or n.title, n.title) for n in channels.notes] == [
        ("changed", "Shop", "Web shop"), ("removed", "Stall", "Stall")]
    assert [(f.label, f.before, f.after) for f in channels.notes[0].fields] == [
        ("Text", "Shop", "Web shop"), ("Segment", "Office", "No segment")]
    fields = {f.label: (f.before, f.after) for f in diff.relationships[0].fields}
    assert fields == {"Fixed cost a month": ("100 EUR", "250 EUR"), "Target: NPS": ("40", "55")}
    assert (diff.count("changed"), diff.count("removed"), diff.count("added")) == (2, 1, 0)
    assert compare(a, _state()).empty
