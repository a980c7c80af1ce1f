"""Helpers shared by tests in several folders (fixtures live in the conftest files)."""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

from sqlmodel import Session

from canvas import storage
from canvas.domain.blocks import Block
from canvas.domain.models import Canvas, CanvasCreate, Note, NoteCreate

ROOT = Path(__file__).resolve().parent.parent  # the repository
TEST_DATABASE_ENV = "CANVAS_TEST_DATABASE"  # "postgresql": the database fixtures give PostgreSQL


def on_postgres() -> bool:
    """Whether this run puts the tests' databases on PostgreSQL (``CANVAS_TEST_DATABASE``, set by
    ``make test-postgres``)."""
    return os.environ.get(TEST_DATABASE_ENV, "").strip().lower() in ("postgresql", "postgres")


def new_canvas(session: Session, name: str = "Acme") -> Canvas:
    """A new, empty canvas (version 1)."""
    return storage.create_canvas(session=session, data=storage.parse(CanvasCreate, name=name))


def add_note(session: Session, canvas: Canvas, text: str, block: Block = Block.CHANNELS, **extra: object) -> Note:
    """Add a note to ``canvas``, and refresh ``canvas`` to its new version."""
    note = storage.add_note(
        session=session, canvas_id=canvas.id,
        data=storage.parse(NoteCreate, block=block, text=text, **extra),
    )
    session.refresh(canvas)
    return note


def texts(session: Session, canvas: Canvas, block: Block = Block.CHANNELS) -> list[str]:
    """The texts of the notes of one block, in board order."""
    return [n.text for n in storage.load_board(session=session, canvas_id=canvas.id).notes[block]]


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~\n])")


def shown(markdown: str) -> str:
    """The text a user sees of Streamlit Markdown made of ``markup.literal`` text (and plain words):
    backslash escapes resolved, a backslash line break as a new line, the invisible word joiners
    gone. For asserting messages as users read them."""
    return _ESCAPED.sub(r"\1", markdown).replace("\u2060", "")


def assert_same_report(expected, actual, path: str = "") -> None:
    """Equal, floats up to the rounding of sums added in another order."""
    if isinstance(expected, dict):
        assert expected.keys() == actual.keys(), path
        for key in expected:
            assert_same_report(expected[key], actual[key], f"{path}/{key}")
    elif isinstance(expected, list):
        assert len(expected) == len(actual), path
        for i, (e, a) in enumerate(zip(expected, actual)):
            assert_same_report(e, a, f"{path}[{i}]")
    elif isinstance(expected, float) and isinstance(actual, float):
        assert math.isclose(expected, actual, rel_tol=1e-9, abs_tol=1e-6), (path, expected, actual)
    else:
        assert expected == actual, (path, expected, actual)
