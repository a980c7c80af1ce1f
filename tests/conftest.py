"""Shared fixtures: a fresh, migrated database per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from canvas import storage

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Dataset files of each test go to its own folder, never into the repository's data/."""
    folder = tmp_path / "data"
    monkeypatch.setenv(storage.DATA_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A SQLite file of this test's own, also set as CANVAS_DATABASE_URL for code that reads it."""
    url = f"sqlite:///{tmp_path / 'canvas.db'}"
    monkeypatch.setenv(storage.DATABASE_URL_ENV, url)
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = storage.make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


# --- PostgreSQL ---------------------------------------------------------------------------------
# The storage tests run on SQLite and on PostgreSQL. The server is a throwaway cluster made here
# with the machine's initdb (scripts/setup.sh --test installs Debian's postgresql), or the one
# named by CANVAS_TEST_POSTGRES_URL. Each test gets a database of its own.

import glob  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import uuid  # noqa: E402

from sqlalchemy import create_engine, text  # noqa: E402


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


@pytest.fixture
def postgres_url(postgres_server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, set as CANVAS_DATABASE_URL."""
    name = f"canvas_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(f"{postgres_server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{postgres_server}/{name}"
    monkeypatch.setenv(storage.DATABASE_URL_ENV, url)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
