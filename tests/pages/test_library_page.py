"""The library page under AppTest: create (then the board), rename, trash, restore, and the
current canvas kept in the URL."""

from __future__ import annotations

from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from canvas import storage
from canvas.domain.models import CanvasCreate
from canvas.library.demo import DEMO_CANVAS_ID
from tests.pages.test_board_page import board as start  # the app under AppTest, on the URL's query
from tests.support import shown


def headings(app: AppTest) -> str:
    return "\n".join(m.value for m in app.markdown if "bmc-title" in m.value)


def library(app: AppTest) -> AppTest:
    app.switch_page("pages/library.py")
    return app.run()


def test_create_opens_the_new_canvas_on_the_board(database_url, engine):
    app = library(start())
    app.text_input(key="lib_new_name").input("Kettle & Crema (demo)")
    app = next(b for b in app.button if b.label == "Create canvas").click().run()
    assert "already exists" in app.error[0].value
    assert "Library" in headings(app)  # a refused name stays on the library with the message

    app.text_input(key="lib_new_name").input("Second venture")
    app = next(b for b in app.button if b.label == "Create canvas").click().run()
    assert not app.exception and not app.error
    with Session(engine) as session:
        created = next(c for c in storage.list_canvases(session=session) if c.name == "Second venture")
    assert app.query_params["canvas"] == created.id
    assert "Second venture" in headings(app) and "Library" not in headings(app)  # now on the board
    assert any("Created" in t.value for t in app.toast)


def test_open_trash_and_restore(database_url, engine):
    app = start()  # creates the demo canvas
    with Session(engine) as session:
        other = storage.create_canvas(session=session, data=storage.parse(CanvasCreate, name="Side project"))
    app = library(app)
    assert app.query_params["canvas"] == DEMO_CANVAS_ID  # the library keeps the canvas on screen

    app = app.button(key=f"lib_trash_{DEMO_CANVAS_ID}").click().run()
    with Session(engine) as session:
        assert [c.id for c in storage.list_canvases(session=session, trashed=True)] == [DEMO_CANVAS_ID]
    assert "canvas" not in app.query_params  # the trashed canvas is no longer the current one

    app = app.button(key=f"lib_restore_{DEMO_CANVAS_ID}").click().run()
    with Session(engine) as session:
        assert storage.list_canvases(session=session, trashed=True) == []

    app = app.button(key=f"lib_open_{other.id}").click().run()
    assert app.query_params["canvas"] == other.id
    assert "Side project" in headings(app)


def test_a_name_that_looks_like_an_existing_canvas_is_refused_naming_it(database_url):
    app = library(start())  # the demo: “Kettle & Crema (demo)”
    lookalike = "\uff2b\uff45\uff54\uff54\uff4c\uff45 & Crema (demo)"  # full-width "Kettle"
    app.text_input(key="lib_new_name").input(lookalike)
    app = next(b for b in app.button if b.label == "Create canvas").click().run()
    assert not app.exception
    assert f"“{lookalike}” looks like the existing canvas “Kettle & Crema (demo)”" in shown(app.error[0].value)
    assert "Library" in headings(app)
