"""Participants' display names: required, short enough for a sticky note, unique in a workshop."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from canvas.domain.authors import NAME_MAX_CHARS
from canvas.domain.errors import InvalidInput, NameTaken


def name_key(name: str) -> str:
    """What two names are compared by: case, accents' encodings and inner spaces do not count
    ("Ana", "ANA" and " ana " are one name)."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def clean_participant_name(typed: str, *, taken: Iterable[str] = ()) -> str:
    """The display name as it will be shown, or ``InvalidInput`` (``NameTaken`` when another
    participant of the workshop has it, ignoring case) saying what to change."""
    name = " ".join(unicodedata.normalize("NFC", typed or "").split())
    if not name:
        raise InvalidInput("Type your name (or a nickname) so the others know whose notes are whose.",
                           field="name")
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in name):
        raise InvalidInput("A name cannot contain control characters; type it again with letters only.",
                           field="name")
    if len(name) > NAME_MAX_CHARS:
        raise InvalidInput(
            f"Your name is {len(name)} characters long; the limit is {NAME_MAX_CHARS}. "
            "A first name or a nickname is enough.", field="name",
        )
    if name_key(name) in {name_key(other) for other in taken}:
        raise NameTaken(
            f"Someone in this workshop is already called “{name}”. Add an initial or pick "
            f"another name (for example “{name} B.”).", field="name",
        )
    return name
