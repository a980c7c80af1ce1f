"""The change log and undo: adds commute, stale edits are refused per item, undo is per author,
and a change costs one log row whatever the canvas's size."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func
from sqlmodel import Session, select

from canvas import storage
from canvas.domain.authors import Author
from canvas.domain.blocks import Block
from canvas.domain.errors import InvalidInput, ItemConflict, NothingToUndo
from canvas.domain.models import Change, Note, NoteCreate, NoteUpdate, SegmentCreate
from tests.support import add_note, new_canvas, texts

ANA = Author(id="ana-token", name="Ana")
BEN = Author(id="ben-token", name="Ben")


def _add(session: Session, canvas_id: str, text: str, author: Author | None = None) -> Note:
    return storage.add_note(session=session, canvas_id=canvas_id, author=author,
                            data=storage.parse(NoteCreate, block=Block.CHANNELS, text=text))


def _edit(session: Session, note: Note, text: str, author: Author | None = None, version: int | None = None) -> Note:
    return storage.update_note(session=session, canvas_id=note.canvas_id, note_id=note.id, author=author,
                               expected_version=note.version if version is None else version,
                               data=storage.parse(NoteUpdate, text=text))


def _log(session: Session, canvas_id: str) -> list[Change]:
    return list(session.exec(select(Change).where(Change.canvas_id == canvas_id).order_by(Change.seq)).all())


def test_two_people_adding_notes_at_once_both_succeed(engine):
    """Both saw the same empty canvas; neither is refused, and each change gets its own number."""
    with Session(engine) as setup:
        canvas = new_canvas(setup)
    with Session(engine) as ana, Session(engine) as ben:
        _add(ana, canvas.id, "Ana's note", ANA)
        _add(ben, canvas.id, "Ben's note", BEN)
        storage.add_segment(session=ben, canvas_id=canvas.id, author=BEN,
                            data=storage.parse(SegmentCreate, name="Office teams"))
    with Session(engine) as check:
        assert texts(check, canvas) == ["Ana's note", "Ben's note"]
        assert storage.get_canvas(session=check, canvas_id=canvas.id).version == 4
        log = _log(check, canvas.id)
        assert [(c.seq, c.action, c.author_name) for c in log] == [(2, "add", "Ana"), (3, "add", "Ben"),
                                                                     (4, "add", "Ben")]
        assert check.exec(select(Note.author_name).order_by(Note.position)).all() == ["Ana", "Ben"]


def test_a_stale_edit_of_the_same_note_is_refused_and_keeps_both_texts(engine):
    with Session(engine) as setup:
        canvas = new_canvas(setup)
        note = add_note(setup, canvas, "Web shop")
    with Session(engine) as ana, Session(engine) as ben:
        seen_by_ana = ana.get_one(Note, note.id)
        seen_by_ben = ben.get_one(Note, note.id)
        _edit(ana, seen_by_ana, "Web shop and app", ANA)
        with pytest.raises(ItemConflict) as refused:
            _edit(ben, seen_by_ben, "Market stalls", BEN)
    message = str(refused.value)
    assert "Ana changed this note meanwhile" in message and "“Web shop and app”" in message
    assert "save again to replace theirs" in message
    assert refused.value.mine == {"text": "Market stalls"}  # the page keeps it in the box
    assert refused.value.current is not None and refused.value.current["version"] == 2
    with Session(engine) as check:
        assert texts(check, canvas) == ["Web shop and app"]
        assert len(_log(check, canvas.id)) == 2  # the add and Ana's edit; nothing of Ben's


def test_saving_again_after_a_conflict_replaces_their_text(session):
    canvas = new_canvas(session)
    note = add_note(session, canvas, "Web shop")
    _edit(session, note, "Theirs", ANA, version=1)
    with pytest.raises(ItemConflict):
        _edit(session, note, "Mine", BEN, version=1)
    _edit(session, note, "Mine", BEN, version=2)  # the version the page now shows
    assert texts(session, canvas) == ["Mine"]


def test_edits_of_different_notes_do_not_conflict(session):
    canvas = new_canvas(session)
    one, two = add_note(session, canvas, "One"), add_note(session, canvas, "Two")
    _edit(session, one, "One, edited", ANA)
    _edit(session, two, "Two, edited", BEN)
    storage.move_note(session=session, canvas_id=canvas.id, note_id=one.id, offset=1, author=BEN)
    assert texts(session, canvas) == ["Two, edited", "One, edited"]


def test_deleting_a_note_already_deleted_says_so(session):
    canvas = new_canvas(session)
    note = add_note(session, canvas, "Gone soon")
    storage.delete_note(session=session, canvas_id=canvas.id, note_id=note.id, expected_version=1, author=ANA)
    with pytest.raises(InvalidInput, match="already deleted by Ana"):
        storage.delete_note(session=session, canvas_id=canvas.id, note_id=note.id, expected_version=1, author=BEN)


def test_undo_reverts_my_last_change_only(session):
    canvas = new_canvas(session)
    mine = _add(session, canvas.id, "Mine", ANA)
    theirs = _add(session, canvas.id, "Theirs", BEN)
    _edit(session, theirs, "Theirs, edited", BEN)
    board = storage.load_board(session=session, canvas_id=canvas.id, author=ANA)
    assert board.last_change == "Add note “Mine”"
    assert storage.undo(session=session, canvas_id=canvas.id, author=ANA) == "Add note “Mine”"
    assert texts(session, canvas) == ["Theirs, edited"]
    assert session.get(Note, mine.id) is None
    with pytest.raises(NothingToUndo):
        storage.undo(session=session, canvas_id=canvas.id, author=ANA)
    assert storage.undo(session=session, canvas_id=canvas.id, author=BEN) == "Edit note “Theirs”"
    assert texts(session, canvas) == ["Theirs"]
    assert [c.action for c in _log(session, canvas.id)][-2:] == ["undo", "undo"]


def test_undo_is_refused_when_someone_else_changed_the_item_since(session):
    canvas = new_canvas(session)
    note = _add(session, canvas.id, "Web shop", ANA)
    note = _edit(session, note, "Web shop and app", ANA)
    _edit(session, note, "Ben's wording", BEN)
    with pytest.raises(ItemConflict, match="Ben changed it after your change"):
        storage.undo(session=session, canvas_id=canvas.id, author=ANA)
    assert texts(session, canvas) == ["Ben's wording"]
    # The refused change is set aside: the next undo goes to the one before it (also refused here).
    with pytest.raises(ItemConflict):
        storage.undo(session=session, canvas_id=canvas.id, author=ANA)
    with pytest.raises(NothingToUndo):
        storage.undo(session=session, canvas_id=canvas.id, author=ANA)


def test_undo_brings_back_a_deleted_segment_with_its_tags(session):
    canvas = new_canvas(session)
    segment = storage.add_segment(session=session, canvas_id=canvas.id,
                                  data=storage.parse(SegmentCreate, name="Office teams"))
    note = add_note(session, canvas, "Tagged", segment_id=segment.id)
    storage.delete_segment(session=session, canvas_id=canvas.id, segment_id=segment.id, expected_version=1)
    assert session.get_one(Note, note.id).segment_id is None
    assert storage.undo(session=session, canvas_id=canvas.id) == "Delete segment “Office teams”"
    session.expire_all()
    assert session.get_one(Note, note.id).segment_id == segment.id
    assert [s.name for s in storage.list_segments(session=session, canvas_id=canvas.id)] == ["Office teams"]


def test_undo_of_a_move_restores_the_order(session):
    canvas = new_canvas(session)
    one = add_note(session, canvas, "One")
    add_note(session, canvas, "Two")
    storage.move_note(session=session, canvas_id=canvas.id, note_id=one.id, offset=1)
    assert texts(session, canvas) == ["Two", "One"]
    assert storage.undo(session=session, canvas_id=canvas.id) == "Move note “One”"
    assert texts(session, canvas) == ["One", "Two"]


def test_undo_reverts_the_last_change_and_can_repeat(session):
    canvas = new_canvas(session)
    add_note(session, canvas, "One")
    add_note(session, canvas, "Two")
    assert storage.load_board(session=session, canvas_id=canvas.id).last_change == "Add note “Two”"
    assert storage.undo(session=session, canvas_id=canvas.id) == "Add note “Two”"
    assert texts(session, canvas) == ["One"]
    assert storage.undo(session=session, canvas_id=canvas.id) == "Add note “One”"
    assert texts(session, canvas) == []
    with pytest.raises(NothingToUndo):
        storage.undo(session=session, canvas_id=canvas.id)


def test_a_whole_canvas_replacement_cannot_be_undone(session):
    from canvas.library.demo import DEMO_CANVAS_ID, create_demo
    create_demo(session=session)
    create_demo(session=session)  # the reset
    with pytest.raises(NothingToUndo, match="replaced the whole canvas"):
        storage.undo(session=session, canvas_id=DEMO_CANVAS_ID)
    assert storage.load_board(session=session, canvas_id=DEMO_CANVAS_ID).last_change is None


@pytest.mark.parametrize("kind", ["add", "edit"])
def test_a_change_writes_the_same_rows_on_a_small_and_a_large_canvas(engine, kind):
    """No snapshot of the whole canvas: a change on 300 or 3,000 notes writes the same rows."""
    written = []
    for size in (300, 3000):
        with Session(engine) as session:
            canvas = new_canvas(session, name=f"Size {size}")
            session.add_all(Note(canvas_id=canvas.id, block=Block.CHANNELS.value, text=f"n{i}", position=i)
                            for i in range(size))
            session.commit()
            note = session.exec(select(Note).where(Note.canvas_id == canvas.id)).first()
            assert note is not None
            statements: list[str] = []

            def count(conn, cursor, statement, parameters, context, executemany, statements=statements):
                if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
                    statements.append(statement)

            event.listen(engine, "before_cursor_execute", count)
            try:
                if kind == "add":
                    _add(session, canvas.id, "New", ANA)
                else:
                    _edit(session, note, "Edited", ANA)
            finally:
                event.remove(engine, "before_cursor_execute", count)
            written.append(len(statements))
            assert session.exec(select(func.count()).select_from(Change)
                                .where(Change.canvas_id == canvas.id)).one() == 1
    assert written[0] == written[1] <= 4


def test_notes_added_in_two_threads_at_the_same_moment_both_land(engine):
    """Real concurrency: two units of work start together; each change gets its own number."""
    import threading

    with Session(engine) as setup:
        canvas = new_canvas(setup)
    start, errors = threading.Barrier(2), []

    def add(author: Author) -> None:
        try:
            with Session(engine) as session:
                start.wait()
                _add(session, canvas.id, f"{author.name}'s note", author)
        except Exception as error:  # reported below: a thread's exception would be lost
            errors.append(error)

    threads = [threading.Thread(target=add, args=(who,)) for who in (ANA, BEN)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Session(engine) as check:
        assert sorted(texts(check, canvas)) == ["Ana's note", "Ben's note"]
        assert [c.seq for c in _log(check, canvas.id)] == [2, 3]


def test_renaming_commutes_with_note_changes_but_not_with_another_rename(session):
    from canvas.domain.models import CanvasUpdate

    canvas = new_canvas(session)
    seen = canvas.version
    _add(session, canvas.id, "Ben's note", BEN)
    storage.update_canvas(session=session, canvas_id=canvas.id, expected_version=seen, author=ANA,
                          data=storage.parse(CanvasUpdate, name="Ana's name"))
    with pytest.raises(ItemConflict, match="Ana changed this canvas's details meanwhile; it is now called “Ana's"):
        storage.update_canvas(session=session, canvas_id=canvas.id, expected_version=seen, author=BEN,
                              data=storage.parse(CanvasUpdate, name="Ben's name"))
    assert storage.get_canvas(session=session, canvas_id=canvas.id).name == "Ana's name"


def test_two_first_saves_of_a_design_conflict_and_undo_restores_the_earlier_one(session):
    from canvas.domain.models import Relationship
    from canvas.domain.relationships import RelationshipDesign

    canvas = new_canvas(session)
    segment = storage.add_segment(session=session, canvas_id=canvas.id,
                                  data=storage.parse(SegmentCreate, name="Office teams"))
    storage.save_relationship(session=session, canvas_id=canvas.id, segment_id=segment.id, expected_version=0,
                              design=RelationshipDesign(competitors="Ana's view"), author=ANA)
    with pytest.raises(ItemConflict, match="Ana changed the relationship design for “Office teams”") as refused:
        storage.save_relationship(session=session, canvas_id=canvas.id, segment_id=segment.id, expected_version=0,
                                  design=RelationshipDesign(competitors="Ben's view"), author=BEN)
    assert refused.value.mine is not None and refused.value.mine["competitors"] == "Ben's view"
    storage.save_relationship(session=session, canvas_id=canvas.id, segment_id=segment.id, expected_version=1,
                              design=RelationshipDesign(competitors="Ben's view"), author=BEN)
    assert storage.undo(session=session, canvas_id=canvas.id, author=BEN) == "Edit relationship with “Office teams”"
    session.expire_all()
    assert session.get_one(Relationship, segment.id).competitors == "Ana's view"
    storage.undo(session=session, canvas_id=canvas.id, author=ANA)
    assert session.get(Relationship, segment.id) is None


def test_deleting_a_note_someone_changed_meanwhile_is_refused(session):
    canvas = new_canvas(session)
    note = add_note(session, canvas, "Web shop")
    _edit(session, note, "Web shop and app", ANA, version=1)
    with pytest.raises(ItemConflict, match="it now reads “Web shop and app”. It was not deleted"):
        storage.delete_note(session=session, canvas_id=canvas.id, note_id=note.id, expected_version=1, author=BEN)
    assert texts(session, canvas) == ["Web shop and app"]
