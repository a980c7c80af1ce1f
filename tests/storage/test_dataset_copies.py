"""Several datasets at once: a bundle's import stores them all or none, and duplicating a canvas
copies its datasets and links to the copy's segments (on SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import Session

from canvas import storage
from canvas.domain.errors import InvalidInput
from canvas.domain.models import SegmentCreate
from tests.support import new_canvas

ORDERS = pd.DataFrame({"customer_id": ["a", "b"], "amount": [1.0, 2.0], "segment": ["HB", "Corp"]})


def files(data_dir: Path) -> list[str]:
    return sorted(str(p.relative_to(data_dir)) for p in data_dir.rglob("*") if p.is_file())


def canvas_with_data(session: Session):
    canvas = new_canvas(session, "Original")
    home = storage.add_segment(session=session, canvas_id=canvas.id, data=storage.parse(SegmentCreate, name="Home"))
    office = storage.add_segment(session=session, canvas_id=canvas.id, data=storage.parse(SegmentCreate, name="Office"))
    links = {"HB": home.id, "Corp": office.id, "Other": ""}
    storage.save_dataset(session=session, canvas_id=canvas.id, kind="transactions", frame=ORDERS, filename="o.csv",
                         mapping={"customer_id": "Kunde"}, report={"rows_read": 2}, segment_links=links,
                         confirmed_links=links)
    return canvas, home, office


def test_duplicate_copies_the_data_linked_to_the_copys_segments(session, data_dir):
    canvas, home, office = canvas_with_data(session)
    copy = storage.duplicate_canvas(session=session, canvas_id=canvas.id)
    new = {s.name: s.id for s in storage.list_segments(session=session, canvas_id=copy.id)}
    assert new["Home"] != home.id
    [dataset] = storage.list_datasets(session=session, canvas_id=copy.id).values()
    assert dataset.segment_links == {"HB": new["Home"], "Corp": new["Office"], "Other": ""}
    assert (dataset.filename, dataset.mapping, dataset.report, dataset.rows) == ("o.csv", {"customer_id": "Kunde"},
                                                                                 {"rows_read": 2}, 2)
    assert storage.remembered_links(session=session, canvas_id=copy.id) == {"hb": new["Home"], "corp": new["Office"]}
    # The copy has a file of its own: deleting the original's data leaves it whole.
    original = storage.list_datasets(session=session, canvas_id=canvas.id)["transactions"]
    storage.delete_dataset(session=session, canvas_id=canvas.id, dataset_id=original.id)
    assert storage.load_dataset(dataset).equals(ORDERS)


def test_duplicate_without_a_data_file_says_so_and_changes_nothing(session, data_dir):
    canvas, _, _ = canvas_with_data(session)
    dataset = storage.list_datasets(session=session, canvas_id=canvas.id)["transactions"]
    (data_dir / dataset.path).unlink()
    before = [c.id for c in storage.list_canvases(session=session)]
    with pytest.raises(InvalidInput, match="data file of “o.csv” is missing"):
        storage.duplicate_canvas(session=session, canvas_id=canvas.id)
    assert [c.id for c in storage.list_canvases(session=session)] == before
    assert files(data_dir) == []


def test_add_datasets_stores_all_or_none(session, data_dir):
    canvas, home, _ = canvas_with_data(session)
    before = files(data_dir)
    good = storage.NewDataset(kind="spend", frame=pd.DataFrame({"amount": [5.0]}), filename="s.csv")
    bad = storage.NewDataset(kind="surveys", frame=pd.DataFrame({"nps": [9]}), filename="n.csv",
                             segment_links={"X": "no-such-segment"})
    with pytest.raises(InvalidInput, match="no longer on this canvas"):
        storage.add_datasets(session=session, canvas_id=canvas.id, datasets=[good, bad])
    assert list(storage.list_datasets(session=session, canvas_id=canvas.id)) == ["transactions"]
    assert files(data_dir) == before

    replacement = storage.NewDataset(kind="transactions", frame=ORDERS.head(1), filename="new.csv",
                                     segment_links={"HB": home.id})
    storage.add_datasets(session=session, canvas_id=canvas.id, datasets=[good, replacement])
    stored = storage.list_datasets(session=session, canvas_id=canvas.id)
    assert sorted(stored) == ["spend", "transactions"] and stored["transactions"].filename == "new.csv"
    assert len(files(data_dir)) == 2  # the replaced file is gone
    assert storage.load_dataset(stored["spend"]).equals(good.frame)
