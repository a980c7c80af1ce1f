"""Fixtures many test folders use: a database of each test's own, copied from a template.

Migrating a database, and loading the demo canvas with its customer data, are the slow parts of
a test's setup; they are done once per run, into two SQLite templates (the schema alone; the
schema with the demo canvas and its datasets), and each test gets a copy of a file.
``database_url`` is an empty, migrated database; ``demo_database_url`` holds the demo as a first
start of the app leaves it. A folder whose tests all want the demo overrides ``database_url``
with ``demo_database_url`` in its own conftest. PostgreSQL fixtures (``postgres_url``) are in
tests/postgres.py, loaded here as a plugin.

``CANVAS_TEST_DATABASE=postgresql`` (``make test-postgres``, run by CI) makes both fixtures give a
PostgreSQL database instead, so the pages, the CLI and every other test that asks for a database
run on PostgreSQL too; the demo is then loaded once into a template database and copied per test.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from canvas import storage
from tests.support import on_postgres

pytest_plugins = ["tests.postgres"]  # postgres_url and its server, for every folder


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Dataset files of each test go to its own folder, never into the repository's data/."""
    folder = tmp_path / "data"
    monkeypatch.setenv(storage.DATA_DIR_ENV, str(folder))
    return folder


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _close_sqlite(engine: Engine) -> None:
    """Write the write-ahead log into the database file and close, so the file alone is whole."""
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


@pytest.fixture(scope="session")
def schema_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the schema migrated to the newest revision and nothing in it."""
    path = tmp_path_factory.mktemp("schema-template") / "canvas.db"
    _close_sqlite(storage.make_engine(_sqlite_url(path)))
    return path


@dataclass(frozen=True)
class DemoTemplate:
    database: Path  # SQLite file with the demo canvas and its dataset records
    data: Path  # the data folder holding the datasets' Parquet files


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, schema_template: Path) -> DemoTemplate:
    """The schema template plus the demo canvas and its customer data, as ``ensure_demo`` makes them."""
    from canvas.library.demo import ensure_demo

    folder = tmp_path_factory.mktemp("demo-template")
    template = DemoTemplate(database=folder / "canvas.db", data=folder / "data")
    shutil.copyfile(schema_template, template.database)
    with pytest.MonkeyPatch.context() as patch:  # save_dataset writes under CANVAS_DATA_DIR
        patch.setenv(storage.DATA_DIR_ENV, str(template.data))
        engine = storage.make_engine(_sqlite_url(template.database), migrate_schema=False)
        with Session(engine) as session:
            ensure_demo(session=session)
        _close_sqlite(engine)
    return template


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> str:
    """An empty, migrated database of this test's own, also set as CANVAS_DATABASE_URL: a SQLite
    file, or a PostgreSQL database when ``CANVAS_TEST_DATABASE=postgresql``."""
    return request.getfixturevalue("postgres_url" if on_postgres() else "sqlite_url")


@pytest.fixture
def sqlite_url(tmp_path: Path, schema_template: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A copy of the migrated SQLite template, set as CANVAS_DATABASE_URL."""
    path = tmp_path / "canvas.db"
    shutil.copyfile(schema_template, path)
    url = _sqlite_url(path)
    monkeypatch.setenv(storage.DATABASE_URL_ENV, url)
    return url


@pytest.fixture
def demo_database_url(request: pytest.FixtureRequest, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A database of this test's own holding the demo canvas, its datasets in ``data_dir``; set as
    CANVAS_DATABASE_URL. The app finds a canvas there, so it does not create the demo."""
    if on_postgres():
        template = request.getfixturevalue("postgres_demo_template")
        url = request.getfixturevalue("postgres_url_from")(template.database)
    else:
        template = request.getfixturevalue("demo_template")
        path = request.getfixturevalue("tmp_path") / "canvas.db"
        shutil.copyfile(template.database, path)
        url = _sqlite_url(path)
    shutil.copytree(template.data, data_dir, dirs_exist_ok=True)
    monkeypatch.setenv(storage.DATABASE_URL_ENV, url)
    return url


@dataclass(frozen=True)
class PostgresDemoTemplate:
    database: str  # name of a PostgreSQL database holding the demo, to copy per test
    data: Path  # the data folder holding the datasets' Parquet files


@pytest.fixture(scope="session")
def postgres_demo_template(tmp_path_factory: pytest.TempPathFactory, postgres_server: str,
                           postgres_admin: Engine) -> Iterator[PostgresDemoTemplate]:
    """The demo loaded once into a PostgreSQL database (only when the run is on PostgreSQL)."""
    from canvas.library.demo import ensure_demo

    name = f"canvas_demo_{uuid.uuid4().hex[:10]}"
    with postgres_admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    template = PostgresDemoTemplate(database=name, data=tmp_path_factory.mktemp("pg-demo") / "data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(storage.DATA_DIR_ENV, str(template.data))
        engine = storage.make_engine(f"{postgres_server}/{name}")
        with Session(engine) as session:
            ensure_demo(session=session)
        engine.dispose()  # no connection may stay on a template
    yield template
    with postgres_admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the test's database (already migrated: the templates are)."""
    engine = storage.make_engine(database_url, migrate_schema=False)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture(scope="module")
def demo():
    """The demo's transactions, surveys and spend, linked to its segments as the page links them
    (``tests.analytics.linked_demo``), read once per test module."""
    from tests.analytics.linked_demo import demo_frames

    return demo_frames()


@pytest.fixture(scope="session")
def browser():
    """The session's one headless Debian Chromium (Playwright's sync API holds an event loop, so
    there is one for every folder's browser tests: a second ``sync_playwright()`` would refuse)."""
    from playwright.sync_api import sync_playwright

    from tools.browser import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()
