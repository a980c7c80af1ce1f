"""The canvas JSON format: round trips, and a clear message for every kind of bad document."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator

import pytest
from sqlmodel import Session

from canvas import storage
from canvas.domain.errors import InvalidInput
from canvas.library import exchange
from canvas.library.demo import DEMO_CANVAS_ID, demo_document


def strip_ids(document: dict) -> dict:
    """The document with ids replaced by their order of appearance, so two imports compare."""
    document = copy.deepcopy(document)
    mapping: dict[str, str] = {}

    def alias(value):
        return mapping.setdefault(value, f"id{len(mapping)}") if value else value

    document["canvas"]["id"] = None
    for item in document["segments"] + document["notes"]:
        item["id"] = alias(item["id"])
    for note in document["notes"]:
        note["segment_id"] = alias(note["segment_id"])
    for entry in document["relationships"]:
        entry["segment_id"] = alias(entry["segment_id"])
        entry["channel_note_ids"] = [alias(n) for n in entry["channel_note_ids"]]
    for item in document["dismissed_findings"]:
        item["segment_id"] = alias(item["segment_id"])
    return document


@pytest.fixture
def demo_session(demo_database_url: str) -> Iterator[Session]:
    """A session on a database that holds the demo canvas, as ``create_demo`` leaves it."""
    engine = storage.make_engine(demo_database_url, migrate_schema=False)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


def test_export_import_export_gives_an_identical_canvas(demo_session):
    session = demo_session
    storage.dismiss_finding(session=session, canvas_id=DEMO_CANVAS_ID, rule_id="no-targets",
                          segment_id="seg-gift", reason="Gift buyers are one-off")
    first = exchange.export_document(session=session, canvas_id=DEMO_CANVAS_ID)
    text = exchange.dumps(first)
    imported = exchange.import_document(session=session, document=exchange.read_document(text))
    assert imported.name == "Kettle & Crema (demo) (imported)"
    second = exchange.export_document(session=session, canvas_id=imported.id)
    assert second["canvas"]["id"] == imported.id != first["canvas"]["id"]
    second["canvas"]["name"] = first["canvas"]["name"]
    assert strip_ids(second) == strip_ids(first)
    assert second["dismissed_findings"][0]["reason"] == "Gift buyers are one-off"
    assert set(n["id"] for n in second["notes"]).isdisjoint(n["id"] for n in first["notes"])


def test_export_is_deterministic(demo_session):
    session = demo_session
    once = exchange.dumps(exchange.export_document(session=session, canvas_id=DEMO_CANVAS_ID))
    twice = exchange.dumps(exchange.export_document(session=session, canvas_id=DEMO_CANVAS_ID))
    assert once == twice


def test_import_keeps_its_name_when_free_and_can_be_renamed(session):
    document = demo_document()
    assert exchange.import_document(session=session, document=document).name == "Kettle & Crema (demo)"
    assert exchange.import_document(session=session, document=document, name="Workshop copy").name == "Workshop copy"
    assert exchange.import_document(session=session, document=document).name == "Kettle & Crema (demo) (imported)"
    assert document["canvas"]["id"] == "demo-kettle-crema"  # the caller's dict is untouched


def test_a_failed_import_saves_nothing(session, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exchange, "replace_contents", explode)
    with pytest.raises(RuntimeError):
        exchange.import_document(session=session, document=demo_document())
    assert storage.count_canvases(session=session) == 0


def bad(mutate) -> str:
    document = demo_document()
    mutate(document)
    with pytest.raises(InvalidInput) as error:
        exchange.read_document(json.dumps(document))
    return str(error.value)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.update(format="something-else"), "format: expected \"business-model-canvas\""),
        (lambda d: d.update(format_version=9), "format_version: version 9 is not supported (this app reads 1); "
                                                "it was written by a newer version"),
        (lambda d: d.pop("canvas"), "canvas: expected an object"),
        (lambda d: d["canvas"].update(name=""), "canvas.name: The canvas name cannot be empty"),
        (lambda d: d["segments"][2].update(colour="blue"), "segments[2].colour: 'blue' is not a colour"),
        (lambda d: d["segments"][1].update(id="seg-home"), "segments[1].id: the id 'seg-home' is used twice"),
        (lambda d: d["segments"][1].pop("name"), "segments[1].name: Field required"),
        (lambda d: d["notes"][0].update(text="x" * 281), "notes[0].text: The note is 281 characters long"),
        (lambda d: d["notes"][0].update(segment_id="ghost"), "notes[0].segment_id: no segment has the id 'ghost'"),
        (lambda d: d["notes"][0].update(block="nowhere"), "notes[0].block: Input should be"),
        (lambda d: d["relationships"][0].update(segment_id="ghost"), "relationships[0].segment_id: no segment"),
        (lambda d: d["relationships"][0]["focus"].update(acquisition=90),
         "relationships[0]: the focus split must be three percentages that sum to 100"),
        (lambda d: d["relationships"][1]["targets"].update(nps=150),
         "relationships[1].targets: NPS must be between -100 and 100, not 150"),
        (lambda d: d["relationships"][1]["targets"].update(retention_rate=1.5),
         "relationships[1].targets: Monthly retention rate must be between 0 % and 100 %"),
        (lambda d: d["relationships"][0]["cost"].update(per_customer_month=-3),
         "relationships[0].cost_per_customer_month: a cost cannot be negative"),
        (lambda d: d["relationships"][0].update(types=["telepathy"]), "unknown relationship type 'telepathy'"),
        (lambda d: d["relationships"][0].update(channel_note_ids=["demo-note-00"]),
         "'demo-note-00' is not a note of the Channels block"),
        (lambda d: d.update(notes={}), "notes: expected a list, found dict"),
    ],
)
def test_bad_documents_name_the_field(mutate, expected):
    assert expected in bad(mutate)


def test_malformed_json_says_where():
    with pytest.raises(InvalidInput, match=r"not valid JSON \(line 2, column 1"):
        exchange.read_document('{"format":\n}')


def test_not_text_and_too_large():
    with pytest.raises(InvalidInput, match="not text"):
        exchange.read_document(b"\xff\xfe\x00garbage")
    with pytest.raises(InvalidInput, match="at most 5 MB"):
        exchange.read_document(b" " * (exchange.MAX_DOCUMENT_BYTES + 1))


def test_too_many_notes(monkeypatch):
    monkeypatch.setattr(exchange, "MAX_NOTES", 3)
    assert "notes: 28 entries; at most 3 are allowed" in bad(lambda d: None)
