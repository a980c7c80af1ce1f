"""Workshop storage tests run on SQLite and on PostgreSQL, with the storage tests' fixtures
(the PostgreSQL ones come from tests/postgres.py, a plugin of tests/conftest.py)."""

from tests.storage.conftest import (  # noqa: F401  (fixtures)
    database_url,
)
