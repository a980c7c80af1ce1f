"""Datasets: stored, replaced and deleted with their files; confirmed segment links remembered."""

from __future__ import annotations

import pytest

from canvas import storage
from canvas.domain.errors import InvalidInput
from canvas.domain.models import SegmentCreate
from tests.support import new_canvas


def test_datasets_are_stored_replaced_and_deleted(session, data_dir):
    import pandas as pd

    canvas = new_canvas(session)
    first = pd.DataFrame({"customer_id": ["a", "b"], "amount": [1.0, 2.0]})
    saved = storage.save_dataset(session=session, canvas_id=canvas.id, kind="transactions", frame=first,
                               filename="orders.csv", mapping={"customer_id": "Kunde"}, report={"rows_read": 2})
    assert (data_dir / saved.path).exists()
    assert storage.load_dataset(saved).equals(first)
    second = storage.save_dataset(session=session, canvas_id=canvas.id, kind="transactions", frame=first.head(1),
                                filename="orders2.csv", mapping={}, report={})
    assert list(storage.list_datasets(session=session, canvas_id=canvas.id)) == ["transactions"]
    assert not (data_dir / saved.path).exists()  # the replaced file is gone
    assert storage.list_datasets(session=session, canvas_id=canvas.id)["transactions"].filename == "orders2.csv"
    storage.delete_dataset(session=session, canvas_id=canvas.id, dataset_id=second.id)
    assert storage.list_datasets(session=session, canvas_id=canvas.id) == {}
    assert not (data_dir / second.path).exists()


def test_dataset_links_must_name_segments_of_the_canvas(session):
    import pandas as pd

    canvas = new_canvas(session)
    with pytest.raises(InvalidInput, match="no longer on this canvas"):
        storage.save_dataset(session=session, canvas_id=canvas.id, kind="transactions",
                           frame=pd.DataFrame({"x": [1]}), filename="f.csv", mapping={}, report={},
                           segment_links={"Offices": "not-a-segment"})
    assert storage.list_datasets(session=session, canvas_id=canvas.id) == {}


def test_confirmed_links_are_remembered_for_the_next_upload(session):
    import pandas as pd

    canvas = new_canvas(session)
    home = storage.add_segment(session=session, canvas_id=canvas.id,
        data=storage.parse(SegmentCreate, name="Home brewers"))
    session.refresh(canvas)
    office = storage.add_segment(session=session, canvas_id=canvas.id,
        data=storage.parse(SegmentCreate, name="Office teams"))
    session.refresh(canvas)
    frame = pd.DataFrame({"customer_id": ["a"], "segment": ["HB"]})
    links = {"HB": home.id, "Corp": office.id, "Other": ""}
    storage.save_dataset(session=session, canvas_id=canvas.id, kind="transactions", frame=frame, filename="f.csv",
                       mapping={}, report={}, segment_links=links, confirmed_links=links)
    assert storage.remembered_links(session=session, canvas_id=canvas.id) == {"hb": home.id, "corp": office.id}
    # Relinking is a confirmation too; Unassigned forgets the earlier link.
    surveys = storage.save_dataset(session=session, canvas_id=canvas.id, kind="surveys", frame=frame,
                                 filename="s.csv", mapping={}, report={}, segment_links={"HB": home.id})
    storage.link_dataset_segments(session=session, canvas_id=canvas.id, dataset_id=surveys.id,
                                segment_links={"HB": office.id, " corp ": ""})
    assert storage.remembered_links(session=session, canvas_id=canvas.id) == {"hb": office.id}
    # A deleted segment's remembered link is left out.
    storage.delete_segment(session=session, canvas_id=canvas.id, expected_version=office.version, segment_id=office.id)
    assert storage.remembered_links(session=session, canvas_id=canvas.id) == {}


def test_links_saved_without_confirmation_are_not_remembered(session):
    import pandas as pd

    canvas = new_canvas(session)
    segment = storage.add_segment(session=session, canvas_id=canvas.id,
        data=storage.parse(SegmentCreate, name="Home brewers"))
    storage.save_dataset(session=session, canvas_id=canvas.id, kind="transactions",
                       frame=pd.DataFrame({"x": [1]}), filename="f.csv", mapping={}, report={},
                       segment_links={"Home brewers": segment.id})
    assert storage.remembered_links(session=session, canvas_id=canvas.id) == {}
