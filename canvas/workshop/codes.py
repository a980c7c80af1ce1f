"""Join codes, facilitator and participant tokens, and the join link.

A join code is six characters from an alphabet without the look-alikes 0/O and 1/I/L, shown in
two groups ("K7Q-M4P") so it reads well aloud and types well on a phone. What a participant types
is normalised (case, spaces, dashes, a pasted join link, full-width and Cyrillic/Greek look-alike
letters) before it is checked. Tokens are ``secrets.token_urlsafe(32)``; only their SHA-256 is
stored, and a presented token is compared with ``hmac.compare_digest``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from urllib.parse import parse_qs, urlsplit

from canvas.workshop.errors import MalformedJoinCode

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0, O, 1, I, L
CODE_LENGTH = 6
EXCLUDED = "0O1IL"  # never in a code: each is easy to mistake for another
JOIN_PATH = "workshop"
JOIN_PARAM = "join"

# Letters from other scripts that look like Latin capitals, as a phone keyboard in another
# language types them (Cyrillic А В Е К М Н Р С Т Х У, Greek Α Β Ε Ζ Η Κ Μ Ν Ρ Τ Χ Υ).
_LOOK_ALIKES = str.maketrans({
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "Р": "P", "С": "C", "Т": "T",
    "Х": "X", "У": "Y", "Ѕ": "S", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Κ": "K",
    "Μ": "M", "Ν": "N", "Ρ": "P", "Τ": "T", "Χ": "X", "Υ": "Y",
})
# Spaces, dashes of every kind, dots, underscores and slashes people put between the groups.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−_./·]+")


def new_join_code() -> str:
    """A random code of ``CODE_LENGTH`` characters of ``CODE_ALPHABET`` (stored and compared
    without the dash; ``format_code`` adds it for display)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """The code as shown and read aloud: two groups of three, "K7Q-M4P"."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def _from_link(typed: str) -> str:
    """The ``join`` value of a pasted join link, or the text unchanged."""
    if "=" not in typed and "?" not in typed:
        return typed
    values = parse_qs(urlsplit(typed.strip()).query).get(JOIN_PARAM)
    return values[0] if values else typed


def normalise_code(typed: str) -> str:
    """The code a participant meant, as stored ("K7QM4P"), or ``MalformedJoinCode`` saying what is
    wrong with what they typed and what to do.

    Accepts lower case, spaces and dashes anywhere, a pasted join link, full-width characters and
    Cyrillic or Greek letters that look like Latin capitals.
    """
    text = unicodedata.normalize("NFKC", _from_link(typed or ""))
    code = _SEPARATORS.sub("", text).upper().translate(_LOOK_ALIKES)
    if not code:
        raise MalformedJoinCode(
            "Type the workshop's join code: six letters and digits like K7Q-M4P, shown on the "
            "facilitator's screen."
        )
    confusable = sorted({c for c in code if c in EXCLUDED}, key=EXCLUDED.index)
    if confusable:
        listed = " or ".join(f"“{c}”" for c in confusable)
        raise MalformedJoinCode(
            f"“{typed.strip()}” has {listed}, which join codes never use (no 0, O, 1, I or L, so "
            "none can be mistaken for another). Check the code on the facilitator's screen and "
            "type it again."
        )
    strange = sorted({c for c in code if c not in CODE_ALPHABET})
    if strange:
        listed = " ".join(f"“{c}”" for c in strange)
        raise MalformedJoinCode(
            f"A join code has only letters and digits; “{typed.strip()}” also has {listed}. "
            "Type the six characters shown on the facilitator's screen, like K7Q-M4P."
        )
    if len(code) != CODE_LENGTH:
        raise MalformedJoinCode(
            f"A join code has {CODE_LENGTH} characters; “{typed.strip()}” has {len(code)}. "
            "Check the code on the facilitator's screen, like K7Q-M4P."
        )
    return code


def join_link(code: str, *, origin: str = "") -> str:
    """The link that opens the workshop page ready to join: ``workshop?join=K7QM4P``, relative
    unless ``origin`` (e.g. "https://canvas.example.org/app") is given."""
    link = f"{JOIN_PATH}?{JOIN_PARAM}={code}"
    return f"{origin.rstrip('/')}/{link}" if origin else link


def new_token() -> str:
    """A secret token for a facilitator or a participant (43 URL-safe characters, 256 bits)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored for a token: its SHA-256, hex (64 characters). The token itself never is."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str | None, stored_hash: str) -> bool:
    """Whether ``token`` is the one whose hash was stored, compared in constant time."""
    if not token or not stored_hash:
        return False
    return hmac.compare_digest(token_hash(token), stored_hash)
