"""The database and the data folder: the URL setting, the engine, and the schema via Alembic.

The engine is made once from ``CANVAS_DATABASE_URL`` (SQLite in ``data/`` when unset); the
tables come from the migrations in ``migrations/``, never from ``create_all``. Datasets are kept
where ``CANVAS_DATASETS`` says: ``files`` (the default) under ``CANVAS_DATA_DIR`` (``data/`` when
unset), or ``database`` (in the database itself, for several app servers on one database).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, MetaData, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel, create_engine

from canvas.domain import models  # noqa: F401  (registers the tables on the metadata)
from canvas.domain.errors import DatabaseUnavailable

if TYPE_CHECKING:
    from alembic.config import Config

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'canvas.db'}"
DATABASE_URL_ENV = "CANVAS_DATABASE_URL"
DATA_DIR_ENV = "CANVAS_DATA_DIR"
DATASETS_ENV = "CANVAS_DATASETS"
DATASETS_IN_FILES = "files"
DATASETS_IN_DATABASE = "database"
DATASET_STORES = (DATASETS_IN_FILES, DATASETS_IN_DATABASE)


def database_url() -> str:
    """The configured database: ``CANVAS_DATABASE_URL`` or the SQLite file in ``data/``."""
    return os.environ.get(DATABASE_URL_ENV, "").strip() or DEFAULT_DATABASE_URL


def data_dir() -> Path:
    """Where dataset files live: ``CANVAS_DATA_DIR`` or ``data/``."""
    return Path(os.environ.get(DATA_DIR_ENV, "").strip() or DATA_DIR)


def dataset_store_setting() -> str:
    """Where new datasets are kept: ``CANVAS_DATASETS`` (``files`` when unset).

    Raises ``DatabaseUnavailable`` (the app's start-up error) for any other value, so a typo stops
    the app at start rather than scattering datasets.
    """
    value = os.environ.get(DATASETS_ENV, "").strip().lower() or DATASETS_IN_FILES
    if value not in DATASET_STORES:
        raise DatabaseUnavailable(
            f"{DATASETS_ENV} is {value!r}: use {DATASETS_IN_FILES} (the default: Parquet files under "
            f"{DATA_DIR_ENV}, on this server) or {DATASETS_IN_DATABASE} (in the database, read by every app server)."
        )
    return value


def redact(url: str) -> str:
    """The URL with its password hidden, fit for an error message."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<not a database URL>"


def make_engine(url: str | None = None, *, migrate_schema: bool = True) -> Engine:
    """Connect to the database, check it answers, and bring its schema up to date.

    Raises ``DatabaseUnavailable`` with a message naming the (redacted) URL when the URL is
    malformed, the driver is missing or the server cannot be reached.
    """
    url = url or database_url()
    dataset_store_setting()  # a wrong setting stops the start, with its message
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUnavailable(
            f"{DATABASE_URL_ENV} is not a database URL: expected something like "
            "sqlite:///path/to/canvas.db or postgresql+psycopg://user:password@host/dbname."
        ) from None
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        # Streamlit serves each session on its own thread; each unit of work has its own Session.
        kwargs["connect_args"] = {"check_same_thread": False}
        if parsed.database in (None, "", ":memory:"):
            kwargs["poolclass"] = StaticPool
        else:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    elif parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # A bare postgresql:// would ask for psycopg2; psycopg 3 is the driver we ship.
        parsed = parsed.set(drivername="postgresql+psycopg")
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, ImportError) as error:
        raise DatabaseUnavailable(f"Cannot use the database {redact(url)}: {error}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise DatabaseUnavailable(
            f"Cannot reach the database at {redact(url)}: {reason}. "
            f"Check that the server is running and that {DATABASE_URL_ENV} is right."
        ) from None
    if migrate_schema:
        migrate(engine)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers don't block the writer
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the newest migration (creates it on an empty database)."""
    from alembic import command

    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def alembic_config() -> Config:
    """Alembic's settings for our migrations (alembic is imported here: it is slow to import)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url())
    return config


def metadata() -> MetaData:
    """The models' metadata, for migration checks."""
    return SQLModel.metadata
