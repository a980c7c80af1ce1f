"""Look-alike names: the skeleton they are compared by, and words that mix alphabets."""

from __future__ import annotations

import pytest

from canvas.domain.errors import InvalidInput, NameTaken
from canvas.domain.lookalike import find_lookalike, lookalike_message, mixed_script_word, skeleton
from canvas.domain.models import CanvasCreate, SegmentCreate
from canvas.storage.forms import parse
from canvas.workshop.participants import clean_participant_name

CYRILLIC_ACME = "\u0410\u0441\u043c\u0435"  # А с м е: all Cyrillic, reads "Acme"
GREEK_OPA = "\u039f\u03a1\u0391"  # Ο Ρ Α: all Greek, reads "OPA"


@pytest.mark.parametrize("name", ["Acme", "ACME", "  acme ", "\uff21\uff43\uff4d\uff45", CYRILLIC_ACME])
def test_names_that_read_the_same_share_a_skeleton(name):
    assert skeleton(name) == skeleton("Acme") == "acme"


def test_greek_capitals_and_inner_spaces_are_folded():
    assert skeleton(GREEK_OPA) == skeleton("opa")
    assert skeleton("Acme   Ltd") == skeleton("acme ltd")


@pytest.mark.parametrize("a, b", [("Café", "Cafe"), ("Mail", "Mall"), ("Q1", "Ql"), ("Plan 10", "Plan lo"),
                                  ("Acme", "Acne")])
def test_names_that_read_differently_stay_different(a, b):
    assert skeleton(a) != skeleton(b)


def test_the_first_lookalike_is_found_and_an_equal_name_comes_first():
    assert find_lookalike(CYRILLIC_ACME, ["Beta", "Acme"]) == "Acme"
    assert find_lookalike("acme", [CYRILLIC_ACME, "ACME"]) == "ACME"
    assert find_lookalike("Gamma", ["Beta", "Acme"]) is None


def test_the_message_names_the_existing_name_as_written():
    message = lookalike_message("canvas", CYRILLIC_ACME, "Acme")
    assert f"“{CYRILLIC_ACME}” looks like the existing canvas “Acme”" in message


@pytest.mark.parametrize("text, word", [
    ("\u0410cme", "\u0410cme"),  # a Cyrillic А, then Latin letters
    ("Big p\u03b1nda", "p\u03b1nda"),  # a Greek α inside a Latin word
])
def test_a_word_mixing_alphabets_is_found(text, word):
    assert mixed_script_word(text) == word


@pytest.mark.parametrize("text", ["Acme", CYRILLIC_ACME, "Acme \u041c\u043e\u0441\u043a\u0432\u0430", "Café 2024",
                                  "東京 Tokyo", "R&D-team"])
def test_one_alphabet_per_word_is_fine(text):
    assert mixed_script_word(text) is None


def test_canvas_and_segment_names_mixing_alphabets_are_refused_with_the_word():
    with pytest.raises(InvalidInput, match="mixes Latin letters with Cyrillic or Greek ones in one word") as error:
        parse(CanvasCreate, name="\u0410cme")
    assert "“\u0410cme”" in str(error.value)
    with pytest.raises(InvalidInput, match="The segment name mixes"):
        parse(SegmentCreate, name="Home br\u0435wers")  # a Cyrillic е
    assert parse(CanvasCreate, name=CYRILLIC_ACME).name == CYRILLIC_ACME  # one alphabet: allowed


def test_participant_names_are_compared_by_skeleton():
    with pytest.raises(NameTaken, match="“\u0410\u0441\u0435” looks like the existing participant “Ace”"):
        clean_participant_name("\u0410\u0441\u0435", taken=["Ana", "Ace"])  # Cyrillic А с е
    with pytest.raises(NameTaken, match="already called"):
        clean_participant_name("ANA", taken=["Ana"])
    with pytest.raises(InvalidInput, match="mixes Latin"):
        clean_participant_name("\u0410na")
    assert clean_participant_name("Anna", taken=["Ana"]) == "Anna"
