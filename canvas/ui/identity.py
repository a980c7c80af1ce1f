"""Who is at this browser: a display name asked once and kept across reloads.

Placeholder until the workshop issue's identity lands: nobody is known yet.
"""

from __future__ import annotations

from canvas.domain.authors import Author


def current_author() -> Author | None:
    """The person at this browser, or None while they have not given a name."""
    return None
