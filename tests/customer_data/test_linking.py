"""Linking dataset segment values to canvas segments."""

import dataclasses

import pandas as pd
import pytest

from canvas.customer_data.linking import UNASSIGNED, LinkSuggestion, apply_links, segment_values, suggest, suggest_links

SEGMENTS = {"s1": "Home brewers", "s2": "Office teams"}
KETTLE = {"s1": "Home brewers", "s2": "Office teams", "s3": "Gift buyers"}


def test_suggestions_match_names_ignoring_case_and_spacing():
    links = suggest_links(["home  Brewers", "OFFICE TEAMS", "Hotels"], SEGMENTS)
    assert links == {"home  Brewers": "s1", "OFFICE TEAMS": "s2", "Hotels": ""}


@pytest.mark.parametrize(("value", "segment_id", "reason"), [
    ("Home Brewer", "s1", "singular/plural of “Home brewers”"),
    ("office", "s2", "shares the word “office”"),
    ("Gift", "s3", "shares the word “gift”"),
    ("gift buyer", "s3", "singular/plural of “Gift buyers”"),
    ("Gifts", "s3", "shares the word “gift”"),
    ("Offices", "s2", "shares the word “office”"),
    ("home brewers", "s1", "same name ignoring case"),
    ("Home brewers", "s1", "same name"),
    ("Gift-buyers", "s3", "same words as “Gift buyers”"),
    ("Ofice teams", "s2", "close spelling of “Office teams”"),
    ("homebrewer", "s1", "close spelling of “Home brewers”"),
    ("ofice", "s2", "close spelling of “Office teams”"),
])
def test_suggestions_say_why(value, segment_id, reason):
    assert suggest([value], KETTLE)[value] == LinkSuggestion(value, segment_id, reason)


@pytest.mark.parametrize("value", [
    "Enterprise", "Cafés", "Guests", "Brewery",
    "Home office",  # a word of two segments: the founder decides
    "Other customers", "New",  # words that say nothing about a segment
])
def test_no_suggestion_when_nothing_is_convincing(value):
    suggestion = suggest([value], KETTLE)[value]
    assert (suggestion.segment_id, suggestion.reason, suggestion.suggested) == ("", "", False)


def test_singular_and_plural_both_ways():
    segments = {"a": "Agency", "b": "Small businesses", "c": "Coaches"}
    found = suggest(["Agencies", "small business", "coach"], segments)
    assert [s.segment_id for s in found.values()] == ["a", "b", "c"]
    assert all(s.reason.startswith("singular/plural of") for s in found.values())


def test_remembered_links_come_first_and_ignore_deleted_segments():
    remembered = {"office": "s1", "gift": "s9"}  # s9 was deleted since
    found = suggest(["Office", "Gift", "Home Brewer"], KETTLE, remembered)
    assert found["Office"] == LinkSuggestion("Office", "s1", "you linked this before", remembered=True)
    assert found["Gift"] == LinkSuggestion("Gift", "s3", "shares the word “gift”")
    assert not found["Home Brewer"].remembered


def test_a_suggestion_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        suggest(["Gift"], KETTLE)["Gift"].segment_id = "s1"  # type: ignore[misc]


def test_apply_links_names_segments_and_unassigned():
    frame = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "segment": ["home", "Hotels", None, "office"]})
    linked = apply_links(frame, {"home": "s1", "Hotels": "", "office": "s2"}, SEGMENTS)
    assert list(linked["segment"]) == ["Home brewers", UNASSIGNED, UNASSIGNED, "Office teams"]
    assert list(linked["segment_id"]) == ["s1", "", "", "s2"]


def test_a_link_to_a_deleted_segment_becomes_unassigned():
    frame = pd.DataFrame({"customer_id": ["a"], "segment": ["gone"]})
    assert list(apply_links(frame, {"gone": "s9"}, SEGMENTS)["segment"]) == [UNASSIGNED]


def test_segments_from_a_customers_file():
    frame = pd.DataFrame({"customer_id": ["a", "b", "c"], "amount": [1.0, 2.0, 3.0]})
    customers = pd.DataFrame({"customer_id": ["a", "b"], "segment": ["B2B", "B2C"]})
    linked = apply_links(frame, {}, SEGMENTS, customers=customers, customer_links={"B2B": "s2", "B2C": "s1"})
    assert list(linked["segment"]) == ["Office teams", "Home brewers", UNASSIGNED]


def test_segment_values_most_frequent_first():
    frame = pd.DataFrame({"segment": ["x", "y", "y", None]})
    assert segment_values(frame) == ["y", "x"]
    assert segment_values(pd.DataFrame({"a": [1]})) == []
