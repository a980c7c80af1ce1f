"""The canvas JSON import under random input: any field of a valid canvas document set to any JSON
value, and random text. ``read_document`` and an import either take the document or raise the
product's own ``InvalidInput`` naming the field; never another exception, and a refused import
saves nothing."""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from canvas.domain.errors import InvalidInput
from canvas.domain.models import Canvas
from canvas.library import exchange
from canvas.library.demo import demo_document

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.function_scoped_fixture])
VALID = demo_document()
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                    max_leaves=10)
# Every field of the document: the top level, the canvas, and each field of a segment, a note and
# a relationship design (and of its first cost and target when present).
PATHS = (
    [(key,) for key in VALID]
    + [("canvas", key) for key in VALID["canvas"]]
    + [(list_key, 0, key) for list_key in ("segments", "notes", "relationships") for key in VALID[list_key][0]]
    + [("relationships", 0, "cost", key) for key in (VALID["relationships"][0].get("cost") or {})]
)


def changed(path: tuple, value) -> dict:
    document = copy.deepcopy(VALID)
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return document


def test_the_fuzzed_document_is_valid_to_start_with():
    assert exchange.read_document(json.dumps(VALID))["canvas"]["name"] == VALID["canvas"]["name"]


@FUZZ
@given(st.sampled_from(PATHS), JSON)
def test_any_field_set_to_any_json_is_read_or_refused(path, value):
    try:
        exchange.read_document(json.dumps(changed(path, value)))
    except InvalidInput as error:
        assert str(error)  # a message to show


@FUZZ
@given(st.text(max_size=200))
def test_random_text_is_refused_with_a_message(text):
    try:
        exchange.read_document(text)
    except InvalidInput as error:
        assert str(error)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(PATHS), JSON)
def test_an_import_of_a_fuzzed_document_saves_it_whole_or_not_at_all(engine, path, value):
    with Session(engine) as session:
        before = len(session.exec(select(Canvas)).all())
        try:
            document = exchange.read_document(json.dumps(changed(path, value)))
            exchange.import_document(session=session, document=document)
        except InvalidInput:
            session.rollback()
            assert len(session.exec(select(Canvas)).all()) == before
        else:
            assert len(session.exec(select(Canvas)).all()) == before + 1
