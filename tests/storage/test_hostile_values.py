"""Values a hostile file or form sends that the columns could not hold (on PostgreSQL above all),
or that hide or spoof text: each is refused by the validation with a message naming the field,
and nothing is saved. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import json

import pytest
from sqlmodel import Session, select

from canvas import storage
from canvas.domain.errors import InvalidInput
from canvas.domain.formatting import printable
from canvas.domain.models import Canvas, CanvasCreate, SegmentCreate
from canvas.library import exchange
from canvas.library.demo import DEMO_CANVAS_ID, create_demo


@pytest.fixture
def demo_document(engine):
    with Session(engine, expire_on_commit=False) as session:
        create_demo(session=session)
        return exchange.export_document(session=session, canvas_id=DEMO_CANVAS_ID)


def edit(path, value):
    def change(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return document
    return change


def add_dismissed(**item):
    def change(document):
        document["dismissed_findings"] = [{"rule_id": "no-targets", "segment_id": None, "reason": "later", **item}]
        return document
    return change


CASES = {
    "position 10**30": (edit(["notes", 0, "position"], 10**30), r"notes\[0\]\.position: 10{30} is not a place"),
    "negative position": (edit(["segments", 0, "position"], -1), r"segments\[0\]\.position: -1 is not a place"),
    "segment size 3e9": (edit(["segments", 0, "estimated_size"], 3_000_000_000),
                         r"segments\[0\].*between 0 and 2,147,483,647 customers"),
    "colour with a newline": (edit(["segments", 0, "colour"], "#112233\n"), r"segments\[0\].*is not a colour"),
    "61-character rule id": (add_dismissed(rule_id="r" * 61), r"dismissed_findings\[0\]\.rule_id: .* not a rule"),
    "4 MB reason": (add_dismissed(reason="x" * 4_000_000), r"the reason is 4,000,000 characters; the limit is 500"),
    "unknown segment of a dismissed finding": (add_dismissed(segment_id="nosuch"),
                                               r"dismissed_findings\[0\]\.segment_id: no segment has the id"),
    "zero-width space in a name": (edit(["segments", 0, "name"], "Off\u200bice"), r"invisible .*U\+200B"),
    "direction override in a note": (edit(["notes", 0, "text"], "abc\u202edcba"), r"U\+202E"),
    "escape sequence in the canvas name": (edit(["canvas", "name"], "Acme\x1b[31m"), r"U\+001B"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_values_in_an_imported_canvas_are_refused_and_nothing_is_saved(engine, demo_document, case):
    change, message = CASES[case]
    text = json.dumps(change(copy.deepcopy(demo_document)))
    with Session(engine, expire_on_commit=False) as session:
        before = len(session.exec(select(Canvas)).all())
        with pytest.raises(InvalidInput, match=message):
            exchange.import_document(session=session, document=exchange.read_document(text))
        assert len(session.exec(select(Canvas)).all()) == before


def test_json_nested_a_hundred_thousand_levels_is_refused_with_a_message():
    with pytest.raises(InvalidInput, match="nests lists or objects thousands of levels deep"):
        exchange.read_document("[" * 100_000 + "]" * 100_000)


def test_the_board_form_refuses_a_size_the_column_cannot_hold(engine, demo_document):
    with Session(engine, expire_on_commit=False) as session:
        with pytest.raises(InvalidInput, match="between 0 and 2,147,483,647"):
            storage.parse(SegmentCreate, name="Everyone", estimated_size=3_000_000_000)
        segment = storage.add_segment(session=session, canvas_id=DEMO_CANVAS_ID,
                                      data=storage.parse(SegmentCreate, name="Everyone", estimated_size=2**31 - 1))
        assert segment.estimated_size == 2**31 - 1  # the largest allowed fits the column


def test_a_long_name_imported_twice_still_fits_its_column(engine, demo_document):
    document = edit(["canvas", "name"], "N" * 80)(copy.deepcopy(demo_document))
    with Session(engine, expire_on_commit=False) as session:
        names = [exchange.import_document(session=session, document=exchange.read_document(json.dumps(document))).name
                 for _ in range(3)]
        copied = storage.duplicate_canvas(session=session, canvas_id=DEMO_CANVAS_ID).name
    assert names[0] == "N" * 80
    assert names[1] == "N" * 69 + " (imported)" and names[2] == "N" * 65 + " (imported) (2)"
    assert all(len(name) <= 80 for name in names) and copied == "Kettle & Crema (demo) (copy)"


def test_names_with_joiners_and_accents_are_kept():
    assert storage.parse(CanvasCreate, name="Café 👩\u200d💻 می\u200cخواهم").name == "Café 👩\u200d💻 می\u200cخواهم"


def test_a_terminal_sees_escapes_not_control_sequences():
    assert printable("Acme\x1b[31m\u202e Café") == "Acme\\x1b[31m\\u202e Café"
