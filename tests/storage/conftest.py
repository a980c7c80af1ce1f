"""Every storage test runs on SQLite and on PostgreSQL.

The PostgreSQL fixtures (``postgres_url`` and the throwaway server behind it) are in
tests/postgres.py, a plugin of tests/conftest.py; ``sqlite_url`` is in tests/conftest.py.
"""

from __future__ import annotations

import pytest

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

