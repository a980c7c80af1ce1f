"""Workshop storage tests run on SQLite and on PostgreSQL, with the storage tests' fixtures."""

from tests.storage.conftest import (  # noqa: F401  (fixtures)
    database_url,
    postgres_admin,
    postgres_server,
    postgres_template,
    postgres_url,
    sqlite_url,
)
