"""Names that look alike: what canvas, segment and participant names are compared by.

Two canvases called "Acme" and "Асме" (the second typed in Cyrillic) read the same on screen, and
a link or an import can use that to pass one for the other. Names are therefore compared by their
*skeleton*: NFKC (compatibility forms: full-width letters, ligatures, superscripts), case folded,
inner spaces collapsed, and the common Cyrillic and Greek letters that are drawn like Latin ones
mapped to those. A word that mixes Latin letters with Cyrillic or Greek ones is refused outright
(``mixed_script_word``): nobody types that by accident.

What is deliberately left out: accents (“Café” and “Cafe” look different, and both are real
names), and digits against letters (1/l/I, 0/O): folding them would make real, distinct names
such as "Mail" and "Mall" or "Q1" and "Ql" clash, and case folding already makes "I" an "i".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

# Cyrillic and Greek letters (case-folded: capitals are folded to these first) that are drawn
# like a Latin letter, mapped to that letter. Capitals matter too: Cyrillic "В", "Н", "М", "Т"
# look like Latin "B", "H", "M", "T", so their small forms map there as well.
_LOOKS_LATIN = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "ë", "з": "3", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "ï", "ј": "j",
    "ԁ": "d", "һ": "h", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ү": "y",
    # Greek
    "α": "a", "β": "b", "ε": "e", "ζ": "z", "η": "h", "ι": "i", "κ": "k", "μ": "m", "ν": "v",
    "ο": "o", "ρ": "p", "τ": "t", "υ": "y", "χ": "x", "ϲ": "c", "ϳ": "j",
}
_FOLD = str.maketrans(_LOOKS_LATIN)
_CONFUSABLE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


def skeleton(name: str) -> str:
    """What two names are compared by: equal skeletons look the same on screen ("Acme", "ACME",
    " acme ", "Ａｃｍｅ" and Cyrillic "Асме" share one)."""
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return " ".join(text.translate(_FOLD).split())


def looks_alike(a: str, b: str) -> bool:
    return skeleton(a) == skeleton(b)


def find_lookalike(name: str, others: Iterable[str]) -> str | None:
    """The first of ``others`` that looks like ``name`` (an equal name first), or None."""
    key = skeleton(name)
    alike = [other for other in others if skeleton(other) == key]
    return next((o for o in alike if o.casefold() == name.casefold()), alike[0] if alike else None)


def _script(char: str) -> str | None:
    if not char.isalpha():
        return None
    word = unicodedata.name(char, "").split(" ", 1)[0]
    return word if word in _CONFUSABLE_SCRIPTS else None


def mixed_script_word(text: str) -> str | None:
    """The first word of ``text`` that mixes Latin, Cyrillic and Greek letters, or None."""
    for word in text.split():
        scripts = {s for s in map(_script, word) if s}
        if len(scripts) > 1:
            return word
    return None


def mixed_script_message(what: str, word: str) -> str:
    """Why a name with a word like "Аcme" (a Cyrillic А, then Latin letters) is refused."""
    return (f"{what} mixes Latin letters with Cyrillic or Greek ones in one word (“{word}”), which is "
            "how look-alike names are made; retype the word in one alphabet")


def same_name(a: str, b: str) -> bool:
    """Equal but for case (the callers' own “already called” message), not merely alike."""
    return a.casefold() == b.casefold()


def lookalike_message(kind: str, name: str, existing: str, *, where: str = "") -> str:
    """The refusal for ``name`` when ``existing`` (a ``kind``: "canvas", "segment", …) reads the
    same without being the same name; ``where`` follows the existing name (" in this workshop")."""
    return (f"“{name}” looks like the existing {kind} “{existing}”{where} (same letters once case, "
            "width and look-alike letters from other alphabets are set aside). Choose a name that "
            "reads differently.")
