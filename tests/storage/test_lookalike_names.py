"""Canvas and segment names that only look different (another alphabet, full-width letters) are
taken like equal names, on SQLite and on PostgreSQL; an import takes a free name instead."""

from __future__ import annotations

import pytest

from canvas import storage
from canvas.domain.errors import InvalidInput, NameTaken
from canvas.domain.models import CanvasUpdate, SegmentCreate
from canvas.library import exchange
from canvas.library.demo import demo_document
from tests.support import new_canvas

CYRILLIC_ACME = "\u0410\u0441\u043c\u0435"  # А с м е: all Cyrillic, reads "Acme"
FULL_WIDTH_ACME = "\uff21\uff43\uff4d\uff45"


@pytest.mark.parametrize("name", [CYRILLIC_ACME, FULL_WIDTH_ACME])
def test_a_canvas_that_looks_like_an_existing_one_is_refused_naming_it(session, name):
    new_canvas(session, "Acme")
    with pytest.raises(NameTaken) as error:
        new_canvas(session, name)
    assert f"“{name}” looks like the existing canvas “Acme”" in str(error.value)
    assert [c.name for c in storage.list_canvases(session=session)] == ["Acme"]


def test_renaming_to_a_lookalike_is_refused_and_renaming_oneself_is_not(session):
    new_canvas(session, "Acme")
    other = new_canvas(session, "Beta")
    with pytest.raises(NameTaken, match="looks like the existing canvas “Acme”"):
        storage.update_canvas(session=session, canvas_id=other.id, expected_version=other.version,
                              data=storage.parse(CanvasUpdate, name=CYRILLIC_ACME))
    session.rollback()
    mine = new_canvas(session, "Gamma")
    renamed = storage.update_canvas(session=session, canvas_id=mine.id, expected_version=mine.version,
                                    data=storage.parse(CanvasUpdate, name="GAMMA"))
    assert renamed.name == "GAMMA"  # its own name in other capitals is no clash


def test_an_import_named_like_an_existing_canvas_takes_a_free_name(session):
    existing = exchange.import_document(session=session, document=demo_document())
    document = demo_document()
    document["canvas"]["name"] = "\uff2b\uff45\uff54\uff54\uff4c\uff45 & Crema (demo)"  # full-width "Kettle"
    read = exchange.read_document(exchange.dumps(document))  # what the CLI and the library page import
    imported = exchange.import_document(session=session, document=read)
    assert imported.name == document["canvas"]["name"] + " (imported)"
    assert existing.name == "Kettle & Crema (demo)"


def test_an_import_named_in_mixed_alphabets_is_refused():
    document = demo_document()
    document["canvas"]["name"] = "K\u0435ttle & Crema"  # a Cyrillic е in a Latin word
    with pytest.raises(InvalidInput, match="canvas.name.*mixes Latin letters with Cyrillic"):
        exchange.read_document(exchange.dumps(document))


def test_a_segment_that_looks_like_another_of_the_canvas_is_refused(session):
    canvas = new_canvas(session, "Acme")
    storage.add_segment(session=session, canvas_id=canvas.id, data=storage.parse(SegmentCreate, name="Cafes"))
    storage.add_segment(session=session, canvas_id=canvas.id, data=storage.parse(SegmentCreate, name="Cocoa"))
    cyrillic = "\u0421\u043e\u0441\u043e\u0430"  # С о с о а
    with pytest.raises(NameTaken, match=f"“{cyrillic}” looks like the existing segment “Cocoa” of this canvas"):
        storage.add_segment(session=session, canvas_id=canvas.id, data=storage.parse(SegmentCreate, name=cyrillic))
    assert [s.name for s in storage.list_segments(session=session, canvas_id=canvas.id)] == ["Cafes", "Cocoa"]
