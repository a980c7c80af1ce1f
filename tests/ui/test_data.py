"""The data page's helpers: what the reading detected, and stable keys for the link boxes."""

from __future__ import annotations

from canvas.ui.data import detected_notes, link_key


def test_detected_notes_skip_what_was_not_detected():
    report = {"detected": {"delimiter": ";", "encoding": "utf-8", "decimal_comma": None, "sheet": ""}}
    assert detected_notes(report) == "delimiter: ; · encoding: utf-8"
    assert detected_notes({}) == ""


def test_a_link_box_key_follows_the_value_not_its_position():
    assert link_key("data_link_abc", "Home Brewer") == link_key("data_link_abc", "Home Brewer")
    assert link_key("data_link_abc", "Home Brewer") != link_key("data_link_abc", "Office")
    assert link_key("data_link_abc", "Home Brewer").startswith("data_link_abc_")
