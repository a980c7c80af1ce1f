"""Storage: the database (SQLModel engine, Alembic migrations) and every kind of saved record."""
from canvas.storage.store import *  # noqa: F401,F403
from canvas.storage.store import DATA_DIR, DATA_DIR_ENV, DATABASE_URL_ENV  # noqa: F401
