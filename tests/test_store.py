"""The storage module on a temporary database: canvases, segments, notes, locking, undo, trash."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import Session

from canvas import storage
from canvas.domain.blocks import Block
from canvas.domain.errors import (
    CanvasNotFound,
    DatabaseUnavailable,
    InvalidInput,
    NameTaken,
    NothingToUndo,
    StaleCanvas,
)
from canvas.domain.models import (
    NOTE_MAX_CHARS,
    CanvasCreate,
    CanvasUpdate,
    NoteCreate,
    NoteUpdate,
    SegmentCreate,
    SegmentUpdate,
)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path, monkeypatch):
    """Every storage test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'canvas.db'}"
        monkeypatch.setenv(storage.DATABASE_URL_ENV, url)
        return url
    return request.getfixturevalue("postgres_url")


def new_canvas(session: Session, name: str = "Acme"):
    return storage.create_canvas(session=session, data=storage.parse(CanvasCreate, name=name))


def add_note(session: Session, canvas, text: str, block: Block = Block.CHANNELS, **extra):
    note = storage.add_note(
        session=session, canvas_id=canvas.id, expected_version=canvas.version,
        data=storage.parse(NoteCreate, block=block, text=text, **extra),
    )
    session.refresh(canvas)
    return note


def texts(session: Session, canvas, block: Block = Block.CHANNELS) -> list[str]:
    return [n.text for n in storage.load_board(session=session, canvas_id=canvas.id).notes[block]]


# --- schema -----------------------------------------------------------------------------------

def test_migrations_create_exactly_the_models_schema(engine):
    with engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), storage.metadata()
        )
    assert differences == []
    assert {"canvas", "note", "segment", "canvassnapshot", "alembic_version"} <= set(inspect(engine).get_table_names())


def test_migrating_again_keeps_saved_canvases(engine, session):
    canvas = new_canvas(session)
    add_note(session, canvas, "Web shop")
    storage.migrate(engine)  # what every start of the app does
    with Session(engine) as fresh:
        assert texts(fresh, canvas) == ["Web shop"]


def test_unreachable_database_gives_a_clean_message():
    with pytest.raises(DatabaseUnavailable) as error:
        storage.make_engine("postgresql://me:hunter2@127.0.0.1:1/canvas")
    message = str(error.value)
    assert "Cannot reach the database" in message and "CANVAS_DATABASE_URL" in message
    assert "hunter2" not in message  # never print the password


def test_malformed_database_url_is_explained():
    with pytest.raises(DatabaseUnavailable, match="not a database URL"):
        storage.make_engine("not a url")


# --- canvases ---------------------------------------------------------------------------------

def test_create_and_list(session):
    first = new_canvas(session, "First")
    second = new_canvas(session, "Second")
    assert first.version == 1
    assert {c.id for c in storage.list_canvases(session=session)} == {first.id, second.id}


def test_canvas_name_taken_case_insensitively(session):
    new_canvas(session, "Acme")
    with pytest.raises(NameTaken, match="already exists"):
        new_canvas(session, "  acme ")


def test_empty_canvas_name_names_the_field():
    with pytest.raises(InvalidInput) as error:
        storage.parse(CanvasCreate, name="   ")
    assert error.value.field == "name"
    assert "Name: The canvas name cannot be empty" == str(error.value)


def test_unknown_canvas_id(session):
    with pytest.raises(CanvasNotFound, match="no canvas with id “nope”"):
        storage.get_canvas(session=session, canvas_id="nope")


def test_rename_checks_name_and_version(session):
    new_canvas(session, "Taken")
    canvas = new_canvas(session, "Mine")
    with pytest.raises(NameTaken):
        storage.update_canvas(session=session, canvas_id=canvas.id, expected_version=1,
                            data=storage.parse(CanvasUpdate, name="taken"))
    renamed = storage.update_canvas(session=session, canvas_id=canvas.id, expected_version=1,
                                  data=storage.parse(CanvasUpdate, name="Still mine"))
    assert (renamed.name, renamed.version) == ("Still mine", 2)


def test_duplicate_copies_contents_with_fresh_ids(session):
    canvas = new_canvas(session)
    segment = storage.add_segment(session=session, canvas_id=canvas.id, expected_version=1,
                                data=storage.parse(SegmentCreate, name="Offices"))
    session.refresh(canvas)
    note = add_note(session, canvas, "Key accounts", segment_id=segment.id)
    copy = storage.duplicate_canvas(session=session, canvas_id=canvas.id)
    assert copy.name == "Acme (copy)"
    board = storage.load_board(session=session, canvas_id=copy.id)
    [copied] = board.notes[Block.CHANNELS]
    assert copied.text == "Key accounts" and copied.id != note.id
    assert board.segments_by_id[copied.segment_id].name == "Offices"
    assert copied.segment_id != segment.id
    assert storage.duplicate_canvas(session=session, canvas_id=canvas.id).name == "Acme (copy) (2)"


def test_trash_and_restore(session):
    canvas = new_canvas(session)
    add_note(session, canvas, "Kept while in the trash")
    storage.trash_canvas(session=session, canvas_id=canvas.id)
    assert storage.list_canvases(session=session) == []
    assert [c.id for c in storage.list_canvases(session=session, trashed=True)] == [canvas.id]
    with pytest.raises(CanvasNotFound, match="in the trash"):
        storage.get_canvas(session=session, canvas_id=canvas.id)
    new_canvas(session, "Acme")  # the name is free while the original is in the trash
    restored = storage.restore_canvas(session=session, canvas_id=canvas.id)
    assert restored.name == "Acme (2)"
    assert texts(session, restored) == ["Kept while in the trash"]


def test_purge_only_from_trash(session):
    canvas = new_canvas(session)
    with pytest.raises(InvalidInput, match="trash first"):
        storage.purge_canvas(session=session, canvas_id=canvas.id)
    storage.trash_canvas(session=session, canvas_id=canvas.id)
    storage.purge_canvas(session=session, canvas_id=canvas.id)
    assert storage.count_canvases(session=session) == 0


# --- notes ------------------------------------------------------------------------------------

def test_add_edit_reorder_delete_notes(session):
    canvas = new_canvas(session)
    first = add_note(session, canvas, "One")
    add_note(session, canvas, "Two")
    third = add_note(session, canvas, "Three")
    assert texts(session, canvas) == ["One", "Two", "Three"]
    storage.move_note(session=session, canvas_id=canvas.id, expected_version=canvas.version, note_id=third.id, offset=-1)
    session.refresh(canvas)
    assert texts(session, canvas) == ["One", "Three", "Two"]
    storage.move_note(session=session, canvas_id=canvas.id, expected_version=canvas.version, note_id=first.id, offset=-1)
    session.refresh(canvas)
    assert texts(session, canvas) == ["One", "Three", "Two"]  # already first: stays
    storage.update_note(session=session, canvas_id=canvas.id, expected_version=canvas.version, note_id=first.id,
                      data=storage.parse(NoteUpdate, text="Uno", colour="#bfe3ff"))
    session.refresh(canvas)
    board = storage.load_board(session=session, canvas_id=canvas.id)
    assert (board.notes[Block.CHANNELS][0].text, board.notes[Block.CHANNELS][0].colour) == ("Uno", "#BFE3FF")
    storage.delete_note(session=session, canvas_id=canvas.id, expected_version=canvas.version, note_id=first.id)
    session.refresh(canvas)
    assert texts(session, canvas) == ["Three", "Two"]
    assert canvas.version == 7


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "Note text: The note cannot be empty"),
        ("x" * (NOTE_MAX_CHARS + 1), f"is {NOTE_MAX_CHARS + 1} characters long; the limit is {NOTE_MAX_CHARS}"),
    ],
)
def test_bad_note_text_is_refused_with_a_reason(session, text, message):
    canvas = new_canvas(session)
    with pytest.raises(InvalidInput, match=message):
        add_note(session, canvas, text)
    assert texts(session, canvas) == []
    assert storage.get_canvas(session=session, canvas_id=canvas.id).version == 1


def test_segments_block_takes_segments_not_notes(session):
    canvas = new_canvas(session)
    with pytest.raises(InvalidInput, match="add a segment instead"):
        add_note(session, canvas, "Offices", block=Block.CUSTOMER_SEGMENTS)


def test_tagging_a_note_with_another_canvas_segment_is_refused(session):
    mine, theirs = new_canvas(session, "Mine"), new_canvas(session, "Theirs")
    foreign = storage.add_segment(session=session, canvas_id=theirs.id, expected_version=1,
                                data=storage.parse(SegmentCreate, name="Theirs"))
    with pytest.raises(InvalidInput, match="segment no longer exists"):
        add_note(session, mine, "Sneaky", segment_id=foreign.id)


# --- segments ---------------------------------------------------------------------------------

def test_segments_crud_and_untagging_on_delete(session):
    canvas = new_canvas(session)
    offices = storage.add_segment(session=session, canvas_id=canvas.id, expected_version=1,
                                data=storage.parse(SegmentCreate, name="Offices", colour="#e4572e", estimated_size=240))
    session.refresh(canvas)
    with pytest.raises(NameTaken):
        storage.add_segment(session=session, canvas_id=canvas.id, expected_version=canvas.version,
                          data=storage.parse(SegmentCreate, name="offices"))
    note = add_note(session, canvas, "Account manager", segment_id=offices.id)
    storage.update_segment(session=session, canvas_id=canvas.id, expected_version=canvas.version,
                         segment_id=offices.id, data=storage.parse(SegmentUpdate, estimated_size=300))
    session.refresh(canvas)
    assert storage.list_segments(session=session, canvas_id=canvas.id)[0].estimated_size == 300
    storage.delete_segment(session=session, canvas_id=canvas.id, expected_version=canvas.version, segment_id=offices.id)
    session.refresh(canvas)
    board = storage.load_board(session=session, canvas_id=canvas.id)
    assert board.segments == []
    assert board.notes[Block.CHANNELS][0].id == note.id and board.notes[Block.CHANNELS][0].segment_id is None
    # Undo brings back the segment and the tag.
    storage.undo(session=session, canvas_id=canvas.id, expected_version=canvas.version)
    board = storage.load_board(session=session, canvas_id=canvas.id)
    assert board.notes[Block.CHANNELS][0].segment_id == offices.id


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "segment name cannot be empty"),
        ({"name": "A", "estimated_size": -5}, "between 0 and"),
        ({"name": "A", "colour": "blue"}, "not a colour"),
    ],
)
def test_bad_segment_fields(fields, message):
    with pytest.raises(InvalidInput, match=message):
        storage.parse(SegmentCreate, **fields)


# --- locking and undo -------------------------------------------------------------------------

def test_a_save_based_on_a_stale_version_is_refused(engine):
    """Two people open version 1; the first saves; the second is refused, nothing overwritten."""
    with Session(engine) as setup:
        canvas = new_canvas(setup)
    with Session(engine) as alice, Session(engine) as bob:
        storage.add_note(session=alice, canvas_id=canvas.id, expected_version=1,
                       data=storage.parse(NoteCreate, block=Block.CHANNELS, text="Alice's note"))
        with pytest.raises(StaleCanvas, match="changed elsewhere") as refused:
            storage.add_note(session=bob, canvas_id=canvas.id, expected_version=1,
                           data=storage.parse(NoteCreate, block=Block.CHANNELS, text="Bob's note"))
        assert (refused.value.expected, refused.value.current) == (1, 2)
    with Session(engine) as check:
        assert texts(check, canvas) == ["Alice's note"]
        assert storage.get_canvas(session=check, canvas_id=canvas.id).version == 2


def test_undo_reverts_the_last_change_and_can_repeat(session):
    canvas = new_canvas(session)
    add_note(session, canvas, "One")
    add_note(session, canvas, "Two")
    assert storage.load_board(session=session, canvas_id=canvas.id).last_change == "Add note “Two”"
    assert storage.undo(session=session, canvas_id=canvas.id, expected_version=3) == "Add note “Two”"
    assert texts(session, canvas) == ["One"]
    assert storage.undo(session=session, canvas_id=canvas.id, expected_version=4) == "Add note “One”"
    assert texts(session, canvas) == []
    with pytest.raises(NothingToUndo):
        storage.undo(session=session, canvas_id=canvas.id, expected_version=5)


def test_undo_on_a_stale_version_is_refused(session):
    canvas = new_canvas(session)
    add_note(session, canvas, "One")
    with pytest.raises(StaleCanvas):
        storage.undo(session=session, canvas_id=canvas.id, expected_version=1)
    assert texts(session, canvas) == ["One"]


def test_undo_history_is_bounded(session, monkeypatch):
    from canvas.storage import history
    monkeypatch.setattr(history, "UNDO_DEPTH", 3)
    canvas = new_canvas(session)
    for i in range(6):
        add_note(session, canvas, f"Note {i}")
    for _ in range(3):
        storage.undo(session=session, canvas_id=canvas.id, expected_version=canvas.version)
        session.refresh(canvas)
    assert texts(session, canvas) == ["Note 0", "Note 1", "Note 2"]
    with pytest.raises(NothingToUndo):
        storage.undo(session=session, canvas_id=canvas.id, expected_version=canvas.version)


# --- datasets ---------------------------------------------------------------------------------

def test_datasets_are_stored_replaced_and_deleted(session, data_dir):
    import pandas as pd

    canvas = new_canvas(session)
    first = pd.DataFrame({"customer_id": ["a", "b"], "amount": [1.0, 2.0]})
    saved = storage.save_dataset(session=session, canvas_id=canvas.id, kind="transactions", frame=first,
                               filename="orders.csv", mapping={"customer_id": "Kunde"}, report={"rows_read": 2})
    assert (data_dir / saved.path).exists()
    assert storage.load_dataset(saved).equals(first)
    second = storage.save_dataset(session=session, canvas_id=canvas.id, kind="transactions", frame=first.head(1),
                                filename="orders2.csv", mapping={}, report={})
    assert list(storage.list_datasets(session=session, canvas_id=canvas.id)) == ["transactions"]
    assert not (data_dir / saved.path).exists()  # the replaced file is gone
    assert storage.list_datasets(session=session, canvas_id=canvas.id)["transactions"].filename == "orders2.csv"
    storage.delete_dataset(session=session, canvas_id=canvas.id, dataset_id=second.id)
    assert storage.list_datasets(session=session, canvas_id=canvas.id) == {}
    assert not (data_dir / second.path).exists()


def test_dataset_links_must_name_segments_of_the_canvas(session):
    import pandas as pd

    canvas = new_canvas(session)
    with pytest.raises(InvalidInput, match="no longer on this canvas"):
        storage.save_dataset(session=session, canvas_id=canvas.id, kind="transactions",
                           frame=pd.DataFrame({"x": [1]}), filename="f.csv", mapping={}, report={},
                           segment_links={"Offices": "not-a-segment"})
    assert storage.list_datasets(session=session, canvas_id=canvas.id) == {}


def test_confirmed_links_are_remembered_for_the_next_upload(session):
    import pandas as pd

    canvas = new_canvas(session)
    home = storage.add_segment(session=session, canvas_id=canvas.id, expected_version=canvas.version,
                             data=storage.parse(SegmentCreate, name="Home brewers"))
    session.refresh(canvas)
    office = storage.add_segment(session=session, canvas_id=canvas.id, expected_version=canvas.version,
                               data=storage.parse(SegmentCreate, name="Office teams"))
    session.refresh(canvas)
    frame = pd.DataFrame({"customer_id": ["a"], "segment": ["HB"]})
    links = {"HB": home.id, "Corp": office.id, "Other": ""}
    storage.save_dataset(session=session, canvas_id=canvas.id, kind="transactions", frame=frame, filename="f.csv",
                       mapping={}, report={}, segment_links=links, confirmed_links=links)
    assert storage.remembered_links(session=session, canvas_id=canvas.id) == {"hb": home.id, "corp": office.id}
    # Relinking is a confirmation too; Unassigned forgets the earlier link.
    surveys = storage.save_dataset(session=session, canvas_id=canvas.id, kind="surveys", frame=frame,
                                 filename="s.csv", mapping={}, report={}, segment_links={"HB": home.id})
    storage.link_dataset_segments(session=session, canvas_id=canvas.id, dataset_id=surveys.id,
                                segment_links={"HB": office.id, " corp ": ""})
    assert storage.remembered_links(session=session, canvas_id=canvas.id) == {"hb": office.id}
    # A deleted segment's remembered link is left out.
    storage.delete_segment(session=session, canvas_id=canvas.id, expected_version=canvas.version, segment_id=office.id)
    assert storage.remembered_links(session=session, canvas_id=canvas.id) == {}


def test_links_saved_without_confirmation_are_not_remembered(session):
    import pandas as pd

    canvas = new_canvas(session)
    segment = storage.add_segment(session=session, canvas_id=canvas.id, expected_version=canvas.version,
                                data=storage.parse(SegmentCreate, name="Home brewers"))
    storage.save_dataset(session=session, canvas_id=canvas.id, kind="transactions",
                       frame=pd.DataFrame({"x": [1]}), filename="f.csv", mapping={}, report={},
                       segment_links={"Home brewers": segment.id})
    assert storage.remembered_links(session=session, canvas_id=canvas.id) == {}
