"""Silent brainstorming: who sees which note, merging duplicates, and the author a promoted note
carries onto the canvas.

In private mode a note is hidden from the other participants until the facilitator reveals the
block's notes; the facilitator sees every note. A merged note disappears into the one it was
merged into, which then has every author of both and the votes of both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from canvas.domain.authors import NAME_MAX_CHARS
from canvas.domain.blocks import BLOCKS, Block
from canvas.domain.errors import InvalidInput
from canvas.domain.models import NOTE_MAX_CHARS


def clean_note_text(typed: str) -> str:
    """The note as stored (trimmed), or ``InvalidInput`` when it is empty or too long."""
    text = (typed or "").strip()
    if not text:
        raise InvalidInput("Type your idea before adding the note.", field="text")
    if len(text) > NOTE_MAX_CHARS:
        raise InvalidInput(
            f"The note is {len(text)} characters long; the limit is {NOTE_MAX_CHARS}. "
            "Shorten it or split it into two notes.", field="text",
        )
    return text


def can_see(*, author_id: str, revealed: bool, viewer_id: str | None, facilitator: bool = False) -> bool:
    """Whether a viewer sees a note: the facilitator and the note's author always, others once the
    note is revealed (notes in a workshop without private mode are revealed when added)."""
    return facilitator or revealed or author_id == viewer_id


@dataclass(frozen=True)
class MergeCandidate:
    """What the merge rules need to know of a workshop note."""

    id: str
    block: Block
    merged_into: str | None
    promoted: bool


def check_merge(target: MergeCandidate, others: Sequence[MergeCandidate]) -> None:
    """Whether ``others`` may be merged into ``target``; ``InvalidInput`` saying why not.

    All must be on the same block, none merged already or promoted, and none the target itself.
    """
    if not others:
        raise InvalidInput("Pick at least one other note to merge into this one.", field="note_ids")
    if target.merged_into is not None:
        raise InvalidInput("That note was itself merged into another; merge into that one instead.",
                           field="note_id")
    for note in others:
        if note.id == target.id:
            raise InvalidInput("A note cannot be merged into itself; pick the duplicates only.", field="note_ids")
        if note.block != target.block:
            raise InvalidInput(
                f"Only notes of one block can be merged: one is on {BLOCKS[note.block].title}, "
                f"the other on {BLOCKS[target.block].title}.", field="note_ids",
            )
        if note.merged_into is not None:
            raise InvalidInput("One of those notes was merged already; reload to see the current notes.",
                               field="note_ids")
        if note.promoted:
            raise InvalidInput("A note already on the canvas cannot be merged; merge before promoting.",
                               field="note_ids")


def authors_label(names: Sequence[str]) -> str:
    """The author name a promoted note carries: the names joined ("Ana, Ben") when they fit in a
    display name, else the first and a count ("Ana and 3 others")."""
    unique = list(dict.fromkeys(names))
    if not unique:
        return ""
    joined = ", ".join(unique)
    if len(joined) <= NAME_MAX_CHARS:
        return joined
    rest = len(unique) - 1
    tail = f" and {rest} other{'s' if rest > 1 else ''}"
    return unique[0][: NAME_MAX_CHARS - len(tail)] + tail
