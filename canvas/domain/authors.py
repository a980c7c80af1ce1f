"""Who made a change, without accounts: a browser's display name and its private id.

The id is a random token kept by the browser (never shown); the name is what others see on the
notes and changes this person makes. Both are set by ``canvas.ui.identity``; storage records them
on every change it logs. ``None`` stands for changes made outside a browser (the CLI, the demo).
"""

from __future__ import annotations

from dataclasses import dataclass

NAME_MAX_CHARS = 40


@dataclass(frozen=True)
class Author:
    """A person as the change log records them: ``id`` is the browser's private token, ``name``
    the display name they chose."""

    id: str
    name: str
