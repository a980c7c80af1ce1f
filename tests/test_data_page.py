"""The customer data page under AppTest: the demo's datasets are linked and can be relinked."""

from __future__ import annotations

from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from canvas import canvasdata, store
from canvas.demo import DEMO_CANVAS_ID
from tests.conftest import ROOT


def data_page() -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.query_params["canvas"] = DEMO_CANVAS_ID
    app.run()
    app.switch_page("pages/data.py")
    return app.run()


def test_demo_data_arrives_through_the_same_path(database_url, engine):
    app = data_page()
    assert not app.exception
    text = "\n".join(m.value for m in app.markdown)
    for name in ("transactions&#46;csv", "surveys&#46;csv", "spend&#46;csv"):  # escaped file names
        assert name in text
    with Session(engine) as session:
        data = canvasdata.load_canvas_data(session=session, canvas_id=DEMO_CANVAS_ID)
    assert data.has_transactions
    assert set(data.transactions["segment"].unique()) == {"Home brewers", "Office teams", "Gift buyers"}
    assert set(data.surveys["segment"].unique()) <= {"Home brewers", "Office teams", "Gift buyers"}


def test_relinking_a_segment_value_moves_its_rows(database_url, engine):
    app = data_page()
    with Session(engine) as session:
        dataset = store.list_datasets(session=session, canvas_id=DEMO_CANVAS_ID)["transactions"]
    values = list(dataset.segment_links)
    index = values.index("Gift buyers")
    app.selectbox(key=f"data_relink_{dataset.id}_{index}").set_value("")
    app = next(b for b in app.button if b.label == "Save links" and dataset.id in str(b.form_id)).click().run()
    assert not app.error
    with Session(engine) as session:
        data = canvasdata.load_canvas_data(session=session, canvas_id=DEMO_CANVAS_ID)
    assert "Unassigned" in set(data.transactions["segment"]) and "Gift buyers" not in set(data.transactions["segment"])


def test_delete_a_dataset(database_url, engine):
    app = data_page()
    with Session(engine) as session:
        spend = store.list_datasets(session=session, canvas_id=DEMO_CANVAS_ID)["spend"]
    app = app.button(key=f"data_delete_{spend.id}").click().run()
    with Session(engine) as session:
        assert "spend" not in store.list_datasets(session=session, canvas_id=DEMO_CANVAS_ID)
