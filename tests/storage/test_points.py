"""The history's points: every point rebuilt from the log equals the canvas as it was then, any
point can be restored as one new change, and that change is undone by one undo."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, select

from canvas import storage
from canvas.domain.authors import Author
from canvas.domain.blocks import Block
from canvas.domain.canvas_state import CanvasState
from canvas.domain.errors import InvalidInput, ItemConflict
from canvas.domain.models import Canvas, CanvasUpdate, Change, NoteCreate, NoteUpdate, SegmentCreate, SegmentUpdate
from canvas.domain.relationships import RelationshipDesign
from canvas.storage.points import state_of
from canvas.storage.restoring import read_state
from tests.support import new_canvas

ANA = Author(id="ana-token", name="Ana")
BEN = Author(id="ben-token", name="Ben")


def _plain(state: CanvasState) -> dict[str, Any]:
    """A state without item versions: what a person sees (positions included)."""
    items = {kind: {k: {f: v for f, v in fields.items() if f != "version"} for k, fields in by_id.items()}
             for kind, by_id in state.items.items()}
    return {"details": dict(state.details), "items": items}


def _now(session: Session, canvas_id: str) -> dict[str, Any]:
    session.expire_all()
    return _plain(read_state(session, session.get_one(Canvas, canvas_id)))


def _busy_canvas(session: Session) -> tuple[str, dict[int, dict[str, Any]]]:
    """A canvas that went through every kind of change; returns its id and its contents after each."""
    canvas = new_canvas(session, "Busy")
    cid = canvas.id
    seen = {1: _now(session, cid)}

    def saw() -> None:
        seen[session.get_one(Canvas, cid).version] = _now(session, cid)

    def note(text: str, block: Block = Block.CHANNELS, **extra: Any):
        made = storage.add_note(session=session, canvas_id=cid, author=ANA,
                                data=storage.parse(NoteCreate, block=block, text=text, **extra))
        saw()
        return made

    def new_segment(name: str, who: Author):
        made = storage.add_segment(session=session, canvas_id=cid, author=who,
                                   data=storage.parse(SegmentCreate, name=name))
        saw()
        return made

    shop, stalls, app = note("Web shop"), note("Market stalls"), note("App")
    seg = new_segment("Office", BEN)
    other = new_segment("Homes", BEN)
    tagged = note("Coffee club", Block.VALUE_PROPOSITIONS, segment_id=seg.id)
    storage.update_note(session=session, canvas_id=cid, note_id=shop.id, expected_version=shop.version, author=ANA,
                        data=storage.parse(NoteUpdate, text="Web shop <b>EU</b>", segment_id=other.id))
    saw()
    storage.move_note(session=session, canvas_id=cid, note_id=app.id, offset=-2, author=ANA)
    saw()
    design = RelationshipDesign(types=["self_service"], channel_note_ids=[stalls.id], targets={"nps": 40})
    storage.save_relationship(session=session, canvas_id=cid, segment_id=seg.id, expected_version=0,
                              design=design, author=BEN)
    saw()
    design2 = RelationshipDesign(types=["communities"], channel_note_ids=[stalls.id, shop.id], targets={"nps": 55})
    storage.save_relationship(session=session, canvas_id=cid, segment_id=seg.id, expected_version=1,
                              design=design2, author=BEN)
    saw()
    storage.dismiss_finding(session=session, canvas_id=cid, rule_id="no_channels", segment_id=seg.id,
                            reason="On purpose", author=BEN)
    saw()
    segment = storage.update_segment(session=session, canvas_id=cid, segment_id=other.id, expected_version=1,
                                     author=BEN, data=storage.parse(SegmentUpdate, name="Households"))
    saw()
    storage.move_segment(session=session, canvas_id=cid, segment_id=segment.id, offset=-1, author=BEN)
    saw()
    storage.delete_segment(session=session, canvas_id=cid, segment_id=seg.id, expected_version=1, author=BEN)
    saw()
    storage.undo(session=session, canvas_id=cid, author=BEN)  # the segment, its tag, design and finding are back
    saw()
    storage.delete_note(session=session, canvas_id=cid, note_id=tagged.id, expected_version=1, author=ANA)
    saw()
    storage.update_canvas(session=session, canvas_id=cid, expected_version=session.get_one(Canvas, cid).version,
                          data=storage.parse(CanvasUpdate, name="Busy renamed"), author=ANA)
    saw()
    storage.undo(session=session, canvas_id=cid, author=ANA)  # the rename
    saw()
    storage.undo(session=session, canvas_id=cid, author=ANA)  # the delete: the note is back
    saw()
    late = new_segment("Late", ANA)
    storage.update_note(session=session, canvas_id=cid, note_id=stalls.id, expected_version=1, author=ANA,
                        data=storage.parse(NoteUpdate, segment_id=late.id))
    saw()
    storage.undo(session=session, canvas_id=cid, author=ANA)  # the tag
    saw()
    storage.undo(session=session, canvas_id=cid, author=ANA)  # the segment Late
    saw()
    return cid, seen


def test_every_point_is_rebuilt_as_the_canvas_was_then(session):
    cid, seen = _busy_canvas(session)
    history = storage.load_history(session=session, canvas_id=cid)
    assert history.earliest == 1 and not history.began_late and history.current == max(seen)
    assert len(seen) == history.current  # every change was one version
    for seq, expected in seen.items():
        assert _plain(state_of(session, history, seq)) == expected, f"v{seq}"


def test_restoring_any_point_makes_the_canvas_as_it_was_and_one_undo_reverts_it(session):
    cid, seen = _busy_canvas(session)
    latest = _now(session, cid)
    for seq in (1, 4, 9, 13, 15):
        restored = storage.restore_point(session=session, canvas_id=cid, point=f"v{seq}", author=ANA)
        assert restored.seq == seq and restored.label == f"Restore v{seq}"
        assert _now(session, cid) == seen[seq]
        assert storage.load_board(session=session, canvas_id=cid, author=ANA).last_change == f"Restore v{seq}"
        assert storage.undo(session=session, canvas_id=cid, author=ANA) == f"Restore v{seq}"
        assert _now(session, cid) == latest
    # The restores and their undos are history too: every point, old and new, still rebuilds.
    history = storage.load_history(session=session, canvas_id=cid)
    for seq, expected in seen.items():
        assert _plain(state_of(session, history, seq)) == expected
    first_restore = next(c for c in history.changes if c.action == "restore_point")
    assert first_restore.label == "Restore v1"
    assert _plain(state_of(session, history, first_restore.seq)) == seen[1]
    assert _plain(state_of(session, history, first_restore.seq + 1)) == latest  # after its undo


def test_an_edit_from_before_a_restore_is_refused_as_a_conflict(session):
    canvas = new_canvas(session)
    note = storage.add_note(session=session, canvas_id=canvas.id, data=storage.parse(NoteCreate, block=Block.CHANNELS,
                                                                                        text="One"))
    seen_version = storage.update_note(session=session, canvas_id=canvas.id, note_id=note.id, expected_version=1,
                                       data=storage.parse(NoteUpdate, text="Two")).version
    assert seen_version == 2
    storage.restore_point(session=session, canvas_id=canvas.id, point=2, author=ANA)
    assert storage.load_board(session=session, canvas_id=canvas.id).notes[Block.CHANNELS][0].text == "One"
    with pytest.raises(ItemConflict):  # a form still showing "Two" (version 2) cannot overwrite the restore
        storage.update_note(session=session, canvas_id=canvas.id, note_id=note.id, expected_version=seen_version,
                            data=storage.parse(NoteUpdate, text="Three"), author=BEN)


def test_undoing_a_restore_is_refused_when_someone_changed_what_it_restored(session):
    canvas = new_canvas(session)
    note = storage.add_note(session=session, canvas_id=canvas.id, data=storage.parse(NoteCreate, block=Block.CHANNELS,
                                                                                        text="One"))
    storage.update_note(session=session, canvas_id=canvas.id, note_id=note.id, expected_version=1,
                        data=storage.parse(NoteUpdate, text="Two"))
    storage.restore_point(session=session, canvas_id=canvas.id, point=2, author=ANA)
    storage.update_note(session=session, canvas_id=canvas.id, note_id=note.id, expected_version=3,
                        data=storage.parse(NoteUpdate, text="Ben's"), author=BEN)
    with pytest.raises(ItemConflict, match="Ben changed the canvas after your change “Restore v2”"):
        storage.undo(session=session, canvas_id=canvas.id, author=ANA)
    assert storage.load_board(session=session, canvas_id=canvas.id).notes[Block.CHANNELS][0].text == "Ben's"


def test_restoring_an_old_name_another_canvas_took_keeps_the_current_name(session):
    canvas = new_canvas(session, "First name")
    storage.update_canvas(session=session, canvas_id=canvas.id, expected_version=1,
                          data=storage.parse(CanvasUpdate, name="Second name"))
    new_canvas(session, "First name")
    restored = storage.restore_point(session=session, canvas_id=canvas.id, point=1)
    assert restored.note is not None and "keeps its name “Second name”" in restored.note
    assert session.get_one(Canvas, canvas.id).name == "Second name"


@pytest.mark.parametrize(("point", "message"), [
    ("", "Say which point"),
    ("v99", "There is no point v99 on this canvas: its history runs from v1 to v2"),
    ("0", "There is no point v0"),
    ("after the party", "neither a version"),
    ("v2", "already holds what it held at v2"),
])
def test_an_unknown_or_useless_point_is_refused_and_changes_nothing(session, point, message):
    canvas = new_canvas(session)
    storage.add_note(session=session, canvas_id=canvas.id,
                     data=storage.parse(NoteCreate, block=Block.CHANNELS, text="A"))
    with pytest.raises(InvalidInput, match=message):
        storage.restore_point(session=session, canvas_id=canvas.id, point=point)
    assert session.get_one(Canvas, canvas.id).version == 2
    assert len(session.exec(select(Change).where(Change.canvas_id == canvas.id)).all()) == 1


def test_snapshots_name_points_and_bad_names_are_refused(session):
    canvas = new_canvas(session)
    storage.add_note(session=session, canvas_id=canvas.id,
                     data=storage.parse(NoteCreate, block=Block.CHANNELS, text="A"))
    snap = storage.create_snapshot(session=session, canvas_id=canvas.id, name="  after   workshop 2 ", author=ANA)
    assert (snap.name, snap.seq, snap.author_name) == ("after workshop 2", 2, "Ana")
    early = storage.create_snapshot(session=session, canvas_id=canvas.id, name="<b>empty</b>", point="v1")
    assert early.seq == 1
    for name, message in (("", "Give the snapshot a name"), ("x" * 81, "at most 80 characters"),
                          ("After Workshop 2", "already has a snapshot called")):
        with pytest.raises(InvalidInput, match=message):
            storage.create_snapshot(session=session, canvas_id=canvas.id, name=name)
    with pytest.raises(InvalidInput, match="no point v7"):
        storage.create_snapshot(session=session, canvas_id=canvas.id, name="fine", point="7")
    history = storage.load_history(session=session, canvas_id=canvas.id)
    assert [s.name for s in history.snapshots] == ["after workshop 2", "<b>empty</b>"]
    assert history.describe(1) == "v1 · the start · snapshot “<b>empty</b>”"
    assert session.get_one(Canvas, canvas.id).version == 2  # naming a point is not a change

    restored = storage.restore_point(session=session, canvas_id=canvas.id, point="<B>EMPTY</b>")
    assert restored.label == "Restore v1 “<b>empty</b>”"
    assert storage.load_board(session=session, canvas_id=canvas.id).notes[Block.CHANNELS] == []
    storage.delete_snapshot(session=session, canvas_id=canvas.id, name="<b>empty</b>")
    with pytest.raises(InvalidInput, match="no snapshot called"):
        storage.delete_snapshot(session=session, canvas_id=canvas.id, name="<b>empty</b>")


def test_compare_lists_what_changed_per_block_segment_and_design(session):
    cid, _seen = _busy_canvas(session)
    seq_a, seq_b, diff = storage.compare_points(session=session, canvas_id=cid, a="1", b="v9")
    assert (seq_a, seq_b) == (1, 9)
    channels = next(b for b in diff.blocks if b.block == Block.CHANNELS)
    assert [(n.status, n.title) for n in channels.notes] == [
        ("added", "App"), ("added", "Web shop <b>EU</b>"), ("added", "Market stalls")]
    assert [(s.status, s.title) for s in diff.segments] == [("added", "Office"), ("added", "Homes")]
    _, _, later = storage.compare_points(session=session, canvas_id=cid, a=10, b=11)
    (design,) = later.relationships
    assert design.status == "changed" and design.title == "Office"
    fields = {f.label: (f.before, f.after) for f in design.fields}
    assert fields["Relationship types"] == ("Self-service", "Communities")
    assert fields["Target: NPS"] == ("40", "55")
    assert fields["Channels"] == ("Market stalls", "Market stalls, Web shop <b>EU</b>")
    _, _, renamed = storage.compare_points(session=session, canvas_id=cid, a=12, b=14)
    assert [(s.status, s.title, [(f.label, f.before, f.after) for f in s.fields]) for s in renamed.segments] == [
        ("changed", "Households", [("Name", "Homes", "Households")])]
    assert renamed.segments_reordered


def test_a_canvas_from_before_the_log_starts_its_history_when_logging_began(tmp_path):
    from sqlalchemy import text

    engine = storage.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO canvas (id, name, description, currency, version, created_at, updated_at) "
            "VALUES ('old', 'Old canvas', '', 'EUR', 7, '2026-01-01', '2026-01-01')"))
    with Session(engine) as session:
        storage.add_note(session=session, canvas_id="old", data=storage.parse(NoteCreate, block=Block.CHANNELS,
                                                                               text="New"))
        history = storage.load_history(session=session, canvas_id="old")
        assert (history.earliest, history.current, history.began_late) == (7, 8, True)
        assert history.describe(7) == "v7 · when the change log began"
        with pytest.raises(InvalidInput, match="runs from v7 to v8"):
            storage.restore_point(session=session, canvas_id="old", point=3)
        storage.restore_point(session=session, canvas_id="old", point=7)
        assert storage.load_board(session=session, canvas_id="old").notes[Block.CHANNELS] == []
    engine.dispose()


def test_points_before_a_whole_canvas_replacement_are_out_of_reach(session):
    from canvas.library.demo import DEMO_CANVAS_ID, create_demo

    create_demo(session=session)
    storage.add_note(session=session, canvas_id=DEMO_CANVAS_ID, data=storage.parse(NoteCreate, block=Block.CHANNELS,
                                                                                     text="Mine"))
    create_demo(session=session)  # the reset
    history = storage.load_history(session=session, canvas_id=DEMO_CANVAS_ID)
    assert history.blocked_by is not None and history.earliest == history.blocked_by.seq == 3
    with pytest.raises(InvalidInput, match="before “Reset the demo canvas” .v3., which replaced the whole canvas"):
        storage.restore_point(session=session, canvas_id=DEMO_CANVAS_ID, point=2)
