"""Names, note texts, private-mode visibility, merging rules and dot-voting rules (no database)."""

from __future__ import annotations

import pytest

from canvas.domain.blocks import Block
from canvas.domain.errors import InvalidInput, NameTaken
from canvas.workshop import brainstorm, voting
from canvas.workshop.brainstorm import MergeCandidate
from canvas.workshop.errors import VoteRefused
from canvas.workshop.participants import clean_participant_name
from canvas.workshop.voting import VoteState


def test_names_are_trimmed_and_unique_ignoring_case():
    assert clean_participant_name("  Ana   María ") == "Ana María"
    with pytest.raises(NameTaken, match="already called “ANA”"):
        clean_participant_name("ANA", taken=["ana"])


@pytest.mark.parametrize("typed, says", [("", "Type your name"), ("   ", "Type your name"),
                                         ("x" * 41, "41 characters"), ("Ana\u200b", "control")])
def test_bad_names_are_explained(typed, says):
    with pytest.raises(InvalidInput, match=says):
        clean_participant_name(typed)


def test_note_text_is_required_and_limited():
    assert brainstorm.clean_note_text("  Fast delivery ") == "Fast delivery"
    with pytest.raises(InvalidInput, match="Type your idea"):
        brainstorm.clean_note_text(" ")
    with pytest.raises(InvalidInput, match="limit is 280"):
        brainstorm.clean_note_text("x" * 281)


def test_in_private_mode_only_the_author_and_the_facilitator_see_a_hidden_note():
    assert brainstorm.can_see(author_id="a", revealed=False, viewer_id="a")
    assert not brainstorm.can_see(author_id="a", revealed=False, viewer_id="b")
    assert brainstorm.can_see(author_id="a", revealed=False, viewer_id=None, facilitator=True)
    assert brainstorm.can_see(author_id="a", revealed=True, viewer_id="b")


def candidate(note_id, block=Block.CHANNELS, merged_into=None, promoted=False):
    return MergeCandidate(id=note_id, block=block, merged_into=merged_into, promoted=promoted)


def test_merge_rules():
    brainstorm.check_merge(candidate("a"), [candidate("b"), candidate("c")])
    for others, says in [([], "at least one"), ([candidate("a")], "itself"),
                         ([candidate("b", Block.COST_STRUCTURE)], "one block"),
                         ([candidate("b", merged_into="x")], "merged already"),
                         ([candidate("b", promoted=True)], "already on the canvas")]:
        with pytest.raises(InvalidInput, match=says):
            brainstorm.check_merge(candidate("a"), others)
    with pytest.raises(InvalidInput, match="merge into that one"):
        brainstorm.check_merge(candidate("a", merged_into="z"), [candidate("b")])


def test_a_promoted_note_names_its_authors_within_a_display_name():
    assert brainstorm.authors_label(["Ana"]) == "Ana"
    assert brainstorm.authors_label(["Ana", "Ben", "Ana"]) == "Ana, Ben"
    many = brainstorm.authors_label(["Alexandra"] + [f"Participant {i}" for i in range(5)])
    assert many == "Alexandra and 5 others" and len(many) <= 40


def test_vote_allowance_is_one_to_ten():
    assert voting.check_allowance(10) == 10
    for bad in (0, 11, 2.0, True):
        with pytest.raises(InvalidInput, match="from 1 to 10"):
            voting.check_allowance(bad)


def vote(**overrides):
    values = dict(state=VoteState.OPEN, used=0, allowance=3, revealed=True, on_current_block=True, merged=False)
    values.update(overrides)
    voting.check_vote(**values)


def test_a_vote_within_the_allowance_on_a_revealed_note_is_taken():
    vote()
    vote(used=2)


@pytest.mark.parametrize("overrides, says", [
    ({"used": 3}, "used all 3 of your votes"),
    ({"state": VoteState.NONE}, "not started"),
    ({"state": VoteState.CLOSED}, "closed"),
    ({"revealed": False}, "revealed"),
    ({"merged": True}, "no longer up for voting"),
    ({"on_current_block": False}, "no longer up for voting"),
])
def test_votes_that_cannot_be_taken_are_explained(overrides, says):
    with pytest.raises(VoteRefused, match=says):
        vote(**overrides)


def test_results_are_hidden_until_the_vote_is_closed():
    assert not voting.results_visible(VoteState.OPEN)
    assert voting.results_visible(VoteState.CLOSED)
    assert voting.tally(["a", "b", "a"]) == {"a": 2, "b": 1}
    assert voting.votes_left(used=2, allowance=3) == 1
