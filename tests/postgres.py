"""PostgreSQL for tests: a throwaway server, and a fresh migrated database per test.

Loaded as a plugin by tests/conftest.py, so every test folder can ask for ``postgres_url`` (the
storage tests run on it through their ``database_url`` parameter; the browser tests start app
servers on it). The server is a throwaway cluster made here with the machine's initdb
(scripts/setup.sh --test installs Debian's postgresql), or the one named by
CANVAS_TEST_POSTGRES_URL. The schema is migrated once into a template database; each test gets
a copy of it (``CREATE DATABASE … TEMPLATE``), as the SQLite tests get a copy of a file.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from canvas import storage


def _as_postgres_user(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server URL (without database name), or skip when none can be had."""
    configured = os.environ.get("CANVAS_TEST_POSTGRES_URL")
    if configured:
        yield configured.rstrip("/")
        return
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not binaries or (os.geteuid() == 0 and shutil.which("runuser") is None):
        pytest.skip("no PostgreSQL server: run scripts/setup.sh --test or set CANVAS_TEST_POSTGRES_URL")
    bin_dir = os.path.dirname(binaries[-1])
    workdir = tempfile.mkdtemp(prefix="canvas-pg-")
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    data = os.path.join(workdir, "data")
    from tools.browser import free_port

    port = free_port()
    subprocess.run(_as_postgres_user([f"{bin_dir}/initdb", "-D", data, "-A", "trust", "-U", "postgres"]),
                   check=True, capture_output=True)
    subprocess.run(_as_postgres_user([
        f"{bin_dir}/pg_ctl", "-D", data, "-w", "-l", os.path.join(workdir, "log"),
        "-o", f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off", "start",
    ]), check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_postgres_user([f"{bin_dir}/pg_ctl", "-D", data, "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_admin(postgres_server: str) -> Iterator[Engine]:
    """A connection to the server's ``postgres`` database, for creating and dropping databases."""
    admin = create_engine(f"{postgres_server}/postgres", isolation_level="AUTOCOMMIT")
    yield admin
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str, postgres_admin: Engine) -> Iterator[str | None]:
    """A database with the schema migrated, to copy per test; None if the server refuses copies
    (then each test's database is migrated on its own)."""
    name = f"canvas_template_{uuid.uuid4().hex[:10]}"
    with postgres_admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    storage.make_engine(f"{postgres_server}/{name}").dispose()  # no connection may stay on a template
    try:
        with postgres_admin.connect() as connection:  # a trial copy: CREATEDB alone may not allow it
            connection.execute(text(f'CREATE DATABASE "{name}_trial" TEMPLATE "{name}"'))
            connection.execute(text(f'DROP DATABASE "{name}_trial"'))
        usable: str | None = name
    except SQLAlchemyError:
        usable = None
    yield usable
    with postgres_admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def postgres_url_from(postgres_server: str, postgres_admin: Engine,
                      monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str | None], str]]:
    """Makes this test's own database as a copy of the named template (migrated afresh when None),
    sets it as CANVAS_DATABASE_URL and returns its URL; the databases are dropped after the test."""
    made: list[str] = []

    def make(template: str | None) -> str:
        name = f"canvas_test_{uuid.uuid4().hex[:10]}"
        copy = f' TEMPLATE "{template}"' if template else ""
        with postgres_admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        made.append(name)
        url = f"{postgres_server}/{name}"
        if not template:
            storage.make_engine(url).dispose()
        monkeypatch.setenv(storage.DATABASE_URL_ENV, url)
        return url

    yield make
    for name in made:
        with postgres_admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def postgres_url(postgres_url_from: Callable[[str | None], str], postgres_template: str | None) -> str:
    """A fresh, migrated PostgreSQL database for one test, set as CANVAS_DATABASE_URL."""
    return postgres_url_from(postgres_template)
