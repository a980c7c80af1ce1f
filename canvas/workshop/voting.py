"""Dot voting: each participant has N votes (the facilitator's choice, 1-10) for the revealed
notes of the current block; several on one note are allowed. Results stay hidden until the
facilitator closes the vote; before that each participant sees only their own votes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from enum import StrEnum

from canvas.domain.errors import InvalidInput
from canvas.workshop.errors import VoteRefused

VOTES_MIN = 1
VOTES_MAX = 10
DEFAULT_VOTES = 3


class VoteState(StrEnum):
    NONE = "none"  # no vote on the current block yet
    OPEN = "open"  # participants are voting; results hidden
    CLOSED = "closed"  # results shown


def check_allowance(votes: int) -> int:
    """``votes`` if it is a whole number from 1 to 10, else ``InvalidInput``."""
    if isinstance(votes, bool) or not isinstance(votes, int) or not VOTES_MIN <= votes <= VOTES_MAX:
        raise InvalidInput(
            f"Each participant gets from {VOTES_MIN} to {VOTES_MAX} votes; {votes!r} is not possible.",
            field="vote_allowance",
        )
    return votes


def check_vote(*, state: VoteState, used: int, allowance: int, revealed: bool, on_current_block: bool,
               merged: bool) -> None:
    """Whether a participant may put one more vote on a note; ``VoteRefused`` saying why not.
    ``used`` is how many votes they have already put on the current block."""
    if state == VoteState.NONE:
        raise VoteRefused("Voting has not started yet. Wait for the facilitator to open the vote.")
    if state == VoteState.CLOSED:
        raise VoteRefused("The vote is closed, so your vote was not counted. The results are on the screen.")
    if not on_current_block or merged:
        raise VoteRefused("That note is no longer up for voting (it may have been merged). Reload to see the notes.")
    if not revealed:
        raise VoteRefused("Only revealed notes can be voted on. Wait for the facilitator to reveal the notes.")
    if used >= allowance:
        raise VoteRefused(
            f"You have used all {allowance} of your votes. Take one back from another note to "
            "vote for this one."
        )


def votes_left(*, used: int, allowance: int) -> int:
    return max(0, allowance - used)


def results_visible(state: VoteState) -> bool:
    """Whether anyone sees the vote counts: only once the vote is closed."""
    return state == VoteState.CLOSED


def tally(note_ids: Iterable[str]) -> dict[str, int]:
    """Votes per note id, from one note id per vote."""
    return dict(Counter(note_ids))
