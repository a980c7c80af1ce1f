"""The database: the migrations build exactly the models' schema, and bad URLs are explained."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import Session

from canvas import storage
from canvas.domain.errors import DatabaseUnavailable
from tests.support import add_note, new_canvas, texts


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
