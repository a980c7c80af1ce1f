"""The customer data page under AppTest: the demo's datasets are linked and can be relinked."""

from __future__ import annotations

import html

from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from canvas import storage
from canvas.customer_data import linked
from canvas.library.demo import DEMO_CANVAS_ID
from tests.support import ROOT, shown

UPLOAD = (
    b"customer,date,amount,segment\n"
    b"c1,2024-01-05,10.00,Home Brewer\n"
    b"c2,2024-01-06,20.00,office\n"
    b"c3,2024-02-07,30.00,Gift\n"
    b"c4,2024-02-08,40.00,Enterprise\n"
    b"c1,2024-03-05 14:30,12.00,Home Brewer\n"
    b"c1,2024-03-05 14:30,12.00,Home Brewer\n"
)


def link_key(prefix: str, value: str) -> str:
    import hashlib

    return f"{prefix}_{hashlib.sha1(value.encode()).hexdigest()[:12]}"


def upload(app: AppTest, content: bytes = UPLOAD, name: str = "orders.csv") -> AppTest:
    uploader = next(u for u in app.file_uploader if u.key.startswith("data_upload_"))
    uploader.upload(name, content, "text/csv")
    return app.run()


def link_boxes(app: AppTest) -> dict[str, str]:
    """Value in the file -> the segment id its select box is set to, for the upload's boxes."""
    return {box.label: box.value for box in app.selectbox if box.key and box.key.startswith("data_link_")}


def captions(app: AppTest) -> str:
    return html.unescape(shown("\n".join(c.value for c in app.caption)))  # both kinds of escapes


def saved_transactions(engine):
    with Session(engine) as session:
        dataset = storage.list_datasets(session=session, canvas_id=DEMO_CANVAS_ID)["transactions"]
        return dataset, storage.load_dataset(dataset)


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
        data = linked.load_canvas_data(session=session, canvas_id=DEMO_CANVAS_ID)
    assert data.has_transactions
    assert set(data.transactions["segment"].unique()) == {"Home brewers", "Office teams", "Gift buyers"}
    assert set(data.surveys["segment"].unique()) <= {"Home brewers", "Office teams", "Gift buyers"}


def test_relinking_a_segment_value_moves_its_rows(database_url, engine):
    app = data_page()
    with Session(engine) as session:
        dataset = storage.list_datasets(session=session, canvas_id=DEMO_CANVAS_ID)["transactions"]
    app.selectbox(key=link_key(f"data_relink_{dataset.id}", "Gift buyers")).set_value("")
    app = next(b for b in app.button if b.label == "Save links" and dataset.id in str(b.form_id)).click().run()
    assert not app.error
    with Session(engine) as session:
        data = linked.load_canvas_data(session=session, canvas_id=DEMO_CANVAS_ID)
    assert "Unassigned" in set(data.transactions["segment"]) and "Gift buyers" not in set(data.transactions["segment"])


def test_delete_a_dataset(database_url, engine):
    app = data_page()
    with Session(engine) as session:
        spend = storage.list_datasets(session=session, canvas_id=DEMO_CANVAS_ID)["spend"]
    app = app.button(key=f"data_delete_{spend.id}").click().run()
    with Session(engine) as session:
        assert "spend" not in storage.list_datasets(session=session, canvas_id=DEMO_CANVAS_ID)


def test_an_upload_suggests_links_with_reasons_and_saves_what_was_confirmed(database_url, engine):
    app = upload(data_page())
    assert not app.exception
    assert link_boxes(app) == {"Home Brewer": "seg-home", "office": "seg-office", "Gift": "seg-gift", "Enterprise": ""}
    text = captions(app)
    assert "singular/plural of “Home brewers”" in text and "shares the word “office”" in text
    assert "No convincing match" in text  # Enterprise
    app.selectbox(key=link_key(next(b.key.rsplit("_", 1)[0] for b in app.selectbox if b.label == "Gift"), "Gift")
                  ).set_value("")
    app = app.button(key="data_confirm").click().run()
    assert not app.exception and not app.error
    dataset, _ = saved_transactions(engine)
    assert dataset.segment_links == {"Home Brewer": "seg-home", "office": "seg-office", "Gift": "", "Enterprise": ""}


def test_the_next_upload_preselects_the_links_confirmed_before(database_url, engine):
    app = upload(data_page())
    prefix = next(b.key for b in app.selectbox if b.label == "Enterprise").rsplit("_", 1)[0]
    app.selectbox(key=link_key(prefix, "Enterprise")).set_value("seg-office")
    app = app.button(key="data_confirm").click().run()
    # Another kind of data from the same canvas, with the same value in other case.
    surveys = b"customer,date,nps,segment\nc1,2024-01-05,9,ENTERPRISE\nc2,2024-01-06,3,Gift\n"
    app.radio(key="data_kind").set_value("surveys")
    app = upload(app.run(), surveys, "surveys.csv")
    assert not app.exception
    assert link_boxes(app) == {"ENTERPRISE": "seg-office", "Gift": "seg-gift"}
    assert "you linked this before" in captions(app)


def test_repeated_rows_count_as_orders_unless_the_founder_drops_them(database_url, engine):
    app = upload(data_page())
    notices = [shown(i.value) for i in app.info]
    assert any("1 row repeats an earlier row exactly (line 7): counted as separate orders" in n for n in notices)
    choice = next(r for r in app.radio if r.label.startswith("Rows that repeat an earlier row exactly"))
    assert choice.value is False
    app = app.button(key="data_confirm").click().run()
    assert len(saved_transactions(engine)[1]) == 6

    app = upload(app)
    choice = next(r for r in app.radio if r.label.startswith("Rows that repeat an earlier row exactly"))
    app = choice.set_value(True).run()
    assert any("Exact duplicate of an earlier row (dropped as asked)" in shown(w.value) for w in app.warning)
    app = app.button(key="data_confirm").click().run()
    assert len(saved_transactions(engine)[1]) == 5


def test_after_saving_the_way_onward_is_the_metrics(database_url, engine):
    app = app_after = upload(data_page())
    app_after = app.button(key="data_confirm").click().run()
    links = [link for link in app_after.get("page_link") if "metrics" in link.proto.page]
    assert links and "canvas=demo-kettle-crema" in links[0].proto.query_string
    assert "6 rows linked to" in "\n".join(m.value for m in app_after.markdown)


def preview_column_types(app: AppTest) -> dict[str, str]:
    import json

    config = json.loads(app.dataframe[-1].proto.columns)
    return {name: c.get("type_config", {}).get("type") for name, c in config.items()}


def test_the_preview_shows_a_time_only_where_there_is_one(database_url, engine):
    app = upload(data_page())
    assert preview_column_types(app)["date"] == "datetime"  # 14:30 on two rows
    plain = b"customer,date,amount\nc1,2024-01-05,10.00\nc2,2024-01-06,20.00\n"
    app = upload(data_page(), plain, "plain.csv")
    assert preview_column_types(app)["date"] == "date"


def test_an_upload_is_hashed_once_however_often_the_page_reruns(database_url, engine, monkeypatch):
    import hashlib

    hashed = []
    real_sha256 = hashlib.sha256

    def counting_sha256(data=b"", *args, **kwargs):
        if data == UPLOAD:
            hashed.append(data)
        return real_sha256(data, *args, **kwargs)

    monkeypatch.setattr(hashlib, "sha256", counting_sha256)
    app = upload(data_page())
    app.run()
    app.run()  # every widget interaction reruns the page with the file still there
    assert not app.exception
    assert len(hashed) == 1


def test_a_refused_file_is_named_literally_in_the_error(database_url, engine):
    name = "[win a prize](https://evil.example)![x](https://evil.example/x.png).csv"
    app = upload(data_page(), b"\x01\x02\x03 not a table \x04\x05" * 40, name)
    assert app.error, "the junk file should be refused with a message"
    message = app.error[0].value
    assert "win a prize" in message or "win&#32;a&#32;prize" in message
    assert "](" not in message and "![" not in message  # no Markdown link or image survives


def test_a_big_upload_is_checked_in_chunks_with_progress_and_saved_as_written(database_url, engine, monkeypatch,
                                                                               tmp_path):
    import time

    from canvas.customer_data import limits
    from canvas.ui import data

    monkeypatch.setattr(limits, "STREAM_FROM_BYTES", 100)  # the upload is "big"
    monkeypatch.setattr(data, "UPLOADS", tmp_path)
    app = upload(data_page())
    assert "Checking every row, a million at a time" in app.get("progress")[0].proto.text
    deadline = time.monotonic() + 60
    while not any(b.key == "data_confirm" for b in app.button) and time.monotonic() < deadline:
        assert not app.exception and not app.error
        app = app.run()  # what the progress fragment's timer does in a browser
    assert "6 of 6 rows kept" in "\n".join(m.value for m in app.markdown)
    notices = [shown(i.value) for i in app.info]
    assert any("1 row repeats an earlier row exactly (line 7): counted as separate orders" in n for n in notices)
    assert link_boxes(app) == {"Home Brewer": "seg-home", "office": "seg-office", "Gift": "seg-gift", "Enterprise": ""}
    app = app.button(key="data_confirm").click().run()
    assert not app.exception and not app.error
    dataset, rows = saved_transactions(engine)
    assert dataset.rows == len(rows) == 6 and dataset.report["rows_kept"] == 6
    assert rows["amount"].sum() == 124.0 and rows["date"].dtype == "datetime64[ns]"  # as the whole-file check
