"""The database: the migrations build exactly the models' schema, and bad URLs are explained."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import Session

from canvas import storage
from canvas.domain.blocks import Block
from canvas.domain.errors import DatabaseUnavailable
from canvas.domain.models import NoteUpdate
from tests.support import add_note, new_canvas, texts


def test_migrations_create_exactly_the_models_schema(engine):
    with engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), storage.metadata()
        )
    assert differences == []
    assert {"canvas", "note", "segment", "change", "alembic_version"} <= set(inspect(engine).get_table_names())


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


def test_upgrading_from_0004_keeps_a_saved_canvas_and_logs_from_there(tmp_path):
    """A database made before the change log (0004), with a canvas, a segment, notes and a design."""
    from alembic import command
    from sqlalchemy import text

    engine = storage.make_engine(f"sqlite:///{tmp_path / 'old.db'}", migrate_schema=False)
    with engine.begin() as connection:
        config = storage.alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO canvas (id, name, description, currency, version, created_at, updated_at) "
            "VALUES ('old', 'Old canvas', '', 'EUR', 7, '2026-01-01', '2026-01-01')"))
        connection.execute(text(
            "INSERT INTO segment (id, canvas_id, name, description, colour, position) "
            "VALUES ('seg', 'old', 'Office teams', '', '#1F77B4', 0)"))
        for i, words in enumerate(("Web shop", "Market stalls")):
            connection.execute(text(
                "INSERT INTO note (id, canvas_id, block, text, colour, segment_id, position) "
                f"VALUES ('n{i}', 'old', 'channels', '{words}', '#FFF3A3', 'seg', {i})"))
        connection.execute(text(
            "INSERT INTO relationship (segment_id, canvas_id, types, focus_acquisition, focus_retention, "
            "focus_upselling, cost_per_customer_month, cost_fixed_month, channel_note_ids, lifecycle, "
            "competitors, answers, targets) VALUES ('seg', 'old', '[]', 34, 33, 33, 1.5, 0, '[]', '{}', '', "
            "'{}', '{}')"))
        connection.execute(text(
            "INSERT INTO canvassnapshot (canvas_id, version, label, document, created_at) "
            "VALUES ('old', 6, 'Add note', '{}', '2026-01-01')"))
    storage.migrate(engine)
    with Session(engine) as session:
        board = storage.load_board(session=session, canvas_id="old")
        assert [n.text for n in board.notes[Block.CHANNELS]] == ["Web shop", "Market stalls"]
        assert [n.version for n in board.notes[Block.CHANNELS]] == [1, 1]
        assert board.relationships["seg"].cost_per_customer_month == 1.5
        assert board.last_change is None  # the old snapshots are gone; nothing to undo
        note = board.notes[Block.CHANNELS][0]
        storage.update_note(session=session, canvas_id="old", note_id=note.id, expected_version=1,
                            data=storage.parse(NoteUpdate, text="Web shop and app"))
        assert storage.get_canvas(session=session, canvas_id="old").version == 8
        assert storage.undo(session=session, canvas_id="old") == "Edit note “Web shop”"
    assert "canvassnapshot" not in inspect(engine).get_table_names()
    engine.dispose()
