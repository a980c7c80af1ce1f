"""What every command shares: exit statuses and the database session.

The database modules (SQLModel, SQLAlchemy: about 0.4 s to import) are imported inside the
functions that use them, so the file commands (metrics, clv) start without them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from canvas.domain.errors import DatabaseUnavailable, InvalidInput

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

# A mistake the user can make exits with 2, like argparse's own usage errors.
EXIT_OK, EXIT_USER_ERROR = 0, 2


def open_session() -> Session:
    """A session on the database of $CANVAS_DATABASE_URL; objects stay readable after commit."""
    from sqlmodel import Session

    from canvas import storage

    return Session(storage.make_engine(), expire_on_commit=False)


@contextmanager
def database() -> Iterator[Engine]:
    """The engine of $CANVAS_DATABASE_URL (migrated), disposed of afterwards."""
    from canvas import storage

    engine = storage.make_engine()
    try:
        yield engine
    finally:
        engine.dispose()


def database_error(error: BaseException) -> DatabaseUnavailable | None:
    """The one-line message for a database that is busy or stopped answering during a command
    (``storage.as_user_error``); None for any other error, and for commands that never loaded
    SQLAlchemy (the file commands)."""
    if "sqlalchemy" not in sys.modules:
        return None
    from canvas import storage

    return storage.as_user_error(error)


def read_limited(path: str, limit: int) -> bytes:
    """The file's bytes, at most one byte past ``limit`` (so the reader finds it too big); a
    missing, folder or unreadable path is one clear message."""
    try:
        with open(path, "rb") as handle:
            return handle.read(limit + 1)
    except FileNotFoundError:
        raise InvalidInput(f"There is no file {path!r}.") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path!r} is a folder, not a file.") from None
    except PermissionError:
        raise InvalidInput(f"{path!r} cannot be read (permission denied).") from None
