"""What every command shares: exit statuses and the database session.

The database modules (SQLModel, SQLAlchemy: about 0.4 s to import) are imported inside the
functions that use them, so the file commands (metrics, clv) start without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlmodel import Session

# A mistake the user can make exits with 2, like argparse's own usage errors.
EXIT_OK, EXIT_USER_ERROR = 0, 2


def open_session() -> Session:
    """A session on the database of $CANVAS_DATABASE_URL; objects stay readable after commit."""
    from sqlmodel import Session

    from canvas import storage

    return Session(storage.make_engine(), expire_on_commit=False)
