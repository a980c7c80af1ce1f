"""Errors a user can cause. Each carries a message fit to show as it is, in a page or the CLI.

Programming errors are not caught at the edge; these are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only a type here: the CLI's file commands start without pydantic
    from pydantic import ValidationError


class CanvasError(Exception):
    """Base of every error a user can cause; ``str(error)`` is the message to show."""


class InvalidInput(CanvasError):
    """A form field or imported value is not acceptable; ``field`` names it."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class CanvasNotFound(CanvasError):
    pass


class NameTaken(InvalidInput):
    pass


class StaleCanvas(CanvasError):
    """The canvas changed since the user loaded it: their save would overwrite someone's work."""

    def __init__(self, *, canvas_name: str, expected: int, current: int):
        super().__init__(
            f"“{canvas_name}” was changed elsewhere (it is now at version {current}, you were "
            f"editing version {expected}). Your change was not saved, so nothing was overwritten: "
            "reload to see the latest version, then make your change again."
        )
        self.expected = expected
        self.current = current


class ItemConflict(CanvasError):
    """Someone else changed this note, segment or design since the user opened it; nothing was saved.

    ``current`` holds the item's fields as they are now (None if it was deleted), ``mine`` the
    values the user tried to save (so a page can keep them in the form), ``by`` who changed it.
    """

    def __init__(self, message: str, *, item_kind: str, item_id: str, current: dict | None,
                 mine: dict | None, by: str):
        super().__init__(message)
        self.item_kind = item_kind
        self.item_id = item_id
        self.current = current
        self.mine = mine
        self.by = by


class DatabaseUnavailable(CanvasError):
    """The database cannot be reached, or did not answer (``canvas.storage.db.as_user_error``)."""


class DatabaseBusy(DatabaseUnavailable):
    """Every connection of the app server's pool stayed in use for the pool's timeout."""


class NothingToUndo(CanvasError):
    pass


_FIELD_LABELS = {
    "name": "Name",
    "description": "Description",
    "currency": "Currency",
    "text": "Note text",
    "colour": "Colour",
    "estimated_size": "Estimated size",
    "block": "Block",
    "segment_id": "Segment",
    "types": "Relationship types",
    "primary_type": "Primary type",
    "cost_per_customer_month": "Cost per customer a month",
    "cost_fixed_month": "Fixed cost a month",
    "channel_note_ids": "Channels",
    "lifecycle": "Lifecycle plan",
    "competitors": "Competitors",
    "answers": "Key questions",
    "targets": "Targets",
}


def describe_validation_error(error: ValidationError) -> InvalidInput:
    """Turn pydantic's report into one readable sentence per field, naming the field."""
    parts = []
    first_field = None
    for item in error.errors():
        field = ".".join(str(p) for p in item.get("loc", ()))
        first_field = first_field or field
        label = _FIELD_LABELS.get(field, field.replace("_", " ").capitalize() or "Relationship")
        message = item.get("msg", "is not valid")
        message = message.removeprefix("Value error, ")
        parts.append(f"{label}: {message}")
    return InvalidInput("; ".join(parts), field=first_field)


class AccessDenied(CanvasError):
    """The session's access (a view link, another canvas's link, not signed in) does not allow
    this; nothing was read or changed."""


class LinkNotValid(AccessDenied):
    """A share link that is unknown (mistyped or tampered with), revoked or expired."""
