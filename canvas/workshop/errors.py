"""Errors a workshop's participants and facilitator can cause, each with a message to show as it is.

All are ``CanvasError`` subclasses, so ``canvas.ui.frame.act`` shows them like any other; a
malformed code or name is ``InvalidInput`` naming the field it concerns.
"""

from __future__ import annotations

from canvas.domain.errors import CanvasError, InvalidInput


class MalformedJoinCode(InvalidInput):
    """What was typed cannot be a join code at all (wrong length, a letter codes never use)."""

    def __init__(self, message: str):
        super().__init__(message, field="code")


class UnknownJoinCode(CanvasError):
    """A well-formed code that no workshop has."""


class WorkshopEnded(CanvasError):
    """The workshop is over: no joins, notes, votes or facilitator actions any more."""


class NotAllowed(CanvasError):
    """A token that does not give the power the action needs (a participant trying a facilitator
    action, a stale or crafted link)."""


class AgendaError(CanvasError):
    """A facilitator's agenda step that does not fit where the workshop is (locking a block that is
    not open, moving past the last block)."""


class NoteRefused(CanvasError):
    """A participant's note that cannot be taken now (block locked, timer run out)."""


class VoteRefused(CanvasError):
    """A vote that cannot be taken: no vote open, beyond the allowance, a note not up for voting."""


class WorkshopNoteGone(CanvasError):
    """A workshop note that is not (or no longer) on this workshop's open block."""


class WorkshopNotFound(CanvasError):
    """A workshop id (from a link or a page's state) that no workshop has."""
