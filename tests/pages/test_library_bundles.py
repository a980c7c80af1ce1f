"""The library page under AppTest: a canvas downloads as a bundle, and a bundle uploaded there
becomes a new canvas with its data; a bad one is refused with its reason and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from canvas import storage
from canvas.library import bundle
from canvas.library.demo import DEMO_CANVAS_ID
from canvas.ui import bundles
from tests.pages.test_board_page import board as start
from tests.pages.test_library_page import library
from tests.support import shown


@pytest.fixture
def engine(demo_database_url: str) -> Iterator[Engine]:
    """An engine on the test's database holding the demo canvas with its data."""
    engine = storage.make_engine(demo_database_url, migrate_schema=False)
    yield engine
    engine.dispose()


def upload(app, name: str, content: bytes, mime: str = "application/zip"):
    app.file_uploader[0].set_value((name, content, mime))
    app = app.run()
    return app.button(key="lib_import_button").click().run()


def test_each_canvas_has_a_bundle_download(demo_database_url):
    app = library(start())
    assert not app.exception
    labels = {b.label: b for b in app.get("download_button")}
    assert "Bundle" in labels and "Export" in labels
    # What the button's deferred download gives when clicked: the canvas with its three datasets.
    made = bundles.bundle_data(DEMO_CANVAS_ID)()
    assert sorted(d.kind for d in bundle.read_bundle(made).datasets) == ["spend", "surveys", "transactions"]


def test_a_bundle_uploaded_becomes_a_canvas_with_its_data(engine):
    with Session(engine) as session:
        data = bundle.export_bundle(session=session, canvas_id=DEMO_CANVAS_ID)
    app = library(start())
    assert ".zip" in app.file_uploader[0].allowed_type
    app = upload(app, "kettle.bundle.zip", data)
    assert not app.exception and not app.error
    assert any("with its data (3 datasets)" in shown(t.value) for t in app.toast)
    with Session(engine) as session:
        imported = next(c for c in storage.list_canvases(session=session) if c.name.endswith("(imported)"))
        assert sorted(storage.list_datasets(session=session, canvas_id=imported.id)) == ["spend", "surveys",
                                                                                         "transactions"]
    assert app.query_params["canvas"] == imported.id


def test_a_bad_bundle_is_refused_on_the_page_and_changes_nothing(engine):
    app = library(start())
    with Session(engine) as session:
        before = [c.id for c in storage.list_canvases(session=session)]
    app = upload(app, "evil.zip", b"PK\x03\x04<b>not really</b>")
    assert not app.exception
    [error] = app.error
    assert "damaged" in error.value and "<b>" not in error.value  # the file's text shown inert
    with Session(engine) as session:
        assert [c.id for c in storage.list_canvases(session=session)] == before
