"""How a segment value of customer data is compared and remembered.

Two values that differ only in case or spacing ("Home  Brewers", "home brewers") mean the same
segment. The key is the rule for both the link suggestions and the links a canvas remembers, so
it lives below the two.
"""

from __future__ import annotations


def value_key(value: str) -> str:
    """A segment value as it is compared and remembered: case and spacing ignored."""
    return " ".join(str(value).split()).casefold()
