"""Every storage test runs on SQLite and on PostgreSQL.

The PostgreSQL fixtures (``postgres_url`` and the throwaway server behind it) are in
tests/postgres.py, a plugin of tests/conftest.py; ``sqlite_url`` is in tests/conftest.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from canvas import storage
from tests.support import on_postgres

# With CANVAS_TEST_DATABASE=postgresql (``make test-postgres``) the SQLite half already ran in
# ``make test``, so only the PostgreSQL half runs.
_DATABASES = ([] if on_postgres() else ["sqlite"]) + [pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=_DATABASES)
def database_url(request: pytest.FixtureRequest) -> str:
    """The test's own migrated database, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")



@pytest.fixture
def empty_url(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A second, freshly migrated database of the same kind as ``database_url``, to restore into."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'restored.db'}"
        storage.make_engine(url).dispose()
        yield url
        return
    admin = request.getfixturevalue("postgres_admin")
    name = f"canvas_restore_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{database_url.rsplit('/', 1)[0]}/{name}"
    storage.make_engine(url).dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
