"""Join codes read aloud and typed on a phone; tokens checked in constant time."""

from __future__ import annotations

import pytest

from canvas.workshop import codes
from canvas.workshop.errors import MalformedJoinCode


def test_new_codes_use_only_the_unambiguous_alphabet():
    for _ in range(200):
        code = codes.new_join_code()
        assert len(code) == codes.CODE_LENGTH
        assert set(code) <= set(codes.CODE_ALPHABET)
        assert not set(code) & set("0O1IL")


def test_a_code_is_shown_in_two_groups():
    assert codes.format_code("K7QM4P") == "K7Q-M4P"


@pytest.mark.parametrize("typed", [
    "K7QM4P", "k7q-m4p", " k7q m4p ", "K7Q–M4P", "K7Q.M4P", "Ｋ７Ｑ－Ｍ４Ｐ",  # full-width, as CJK keyboards type
    "К7Q-М4Р",  # Cyrillic К, М, Р
    "https://canvas.example.org/workshop?join=K7QM4P", "workshop?join=k7q-m4p",
])
def test_what_a_participant_types_is_normalised(typed):
    assert codes.normalise_code(typed) == "K7QM4P"


@pytest.mark.parametrize("typed, says", [
    ("", "Type the workshop's join code"),
    ("K7Q-M4", "has 5"),
    ("K7Q-M4PP", "has 7"),
    ("K7O-M4P", "“O”"),
    ("k1q-m4p", "“1”"),
    ("kiq-l4p", "“I” or “L”"),
    ("K7Q-M4?", "“?”"),
])
def test_a_malformed_code_says_what_is_wrong(typed, says):
    with pytest.raises(MalformedJoinCode) as error:
        codes.normalise_code(typed)
    assert says in str(error.value)
    assert error.value.field == "code"


def test_the_join_link_is_relative_unless_given_an_origin():
    assert codes.join_link("K7QM4P") == "workshop?join=K7QM4P"
    assert codes.join_link("K7QM4P", origin="https://x.org/app/") == "https://x.org/app/workshop?join=K7QM4P"
    assert codes.normalise_code(codes.join_link("K7QM4P", origin="https://x.org")) == "K7QM4P"


def test_tokens_are_stored_as_hashes_and_compared_safely():
    token = codes.new_token()
    assert len(token) >= 43
    stored = codes.token_hash(token)
    assert stored != token and len(stored) == 64
    assert codes.token_matches(token, stored)
    assert not codes.token_matches(token + "x", stored)
    assert not codes.token_matches("", stored)
    assert not codes.token_matches(None, stored)
    assert not codes.token_matches(token, "")
