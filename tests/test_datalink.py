"""Linking dataset segment values to canvas segments."""

import pandas as pd

from canvas.datalink import UNASSIGNED, apply_links, segment_values, suggest_links

SEGMENTS = {"s1": "Home brewers", "s2": "Office teams"}


def test_suggestions_match_names_ignoring_case_and_spacing():
    links = suggest_links(["home  Brewers", "OFFICE TEAMS", "Hotels"], SEGMENTS)
    assert links == {"home  Brewers": "s1", "OFFICE TEAMS": "s2", "Hotels": ""}


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
