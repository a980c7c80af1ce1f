"""The error a user's file or column mapping can cause, with the line and column it concerns."""

from __future__ import annotations

from canvas.domain.errors import InvalidInput


class IngestError(InvalidInput):
    """A file or mapping the user gave cannot be read; says what, where and what to do."""

    def __init__(self, message: str, *, line: int | None = None, column: str | None = None):
        super().__init__(message, field=column)
        self.line = line
        self.column = column
