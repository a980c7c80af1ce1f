"""Shared fixtures: a fresh, migrated database per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from canvas import store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A SQLite file of this test's own, also set as CANVAS_DATABASE_URL for code that reads it."""
    url = f"sqlite:///{tmp_path / 'canvas.db'}"
    monkeypatch.setenv(store.DATABASE_URL_ENV, url)
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = store.make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session
