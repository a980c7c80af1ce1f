"""Participants' display names: required, short enough for a sticky note, unique in a workshop."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from canvas.domain.authors import NAME_MAX_CHARS
from canvas.domain.errors import InvalidInput, NameTaken
from canvas.domain.lookalike import (
    find_lookalike,
    lookalike_message,
    mixed_script_message,
    mixed_script_word,
    same_name,
    skeleton,
)


def name_key(name: str) -> str:
    """What two names are compared by (stored, unique in a workshop): the look-alike skeleton,
    where case, accents' encodings, inner spaces and look-alike letters of other alphabets do not
    count ("Ana", "ANA", " ana " and Cyrillic "Ана" are one name)."""
    return skeleton(name)


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
    if word := mixed_script_word(name):
        raise InvalidInput(mixed_script_message("Your name", word) + ".", field="name")
    existing = find_lookalike(name, taken)
    if existing is not None and same_name(name, existing):
        raise NameTaken(
            f"Someone in this workshop is already called “{name}”. Add an initial or pick "
            f"another name (for example “{name} B.”).", field="name",
        )
    if existing is not None:
        raise NameTaken(lookalike_message("participant", name, existing, where=" of this workshop")
                        + f" Add an initial (for example “{name} B.”).", field="name")
    return name
