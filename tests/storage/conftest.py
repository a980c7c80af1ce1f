"""Every storage test runs on SQLite and on PostgreSQL.

The PostgreSQL fixtures (``postgres_url`` and the throwaway server behind it) are in
tests/postgres.py, a plugin of tests/conftest.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from canvas import storage


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """The test's own migrated database, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def sqlite_url(tmp_path: Path, schema_template: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A copy of the migrated SQLite template, as the root conftest's ``database_url`` gives."""
    url = f"sqlite:///{tmp_path / 'canvas.db'}"
    shutil.copyfile(schema_template, tmp_path / "canvas.db")
    monkeypatch.setenv(storage.DATABASE_URL_ENV, url)
    return url
