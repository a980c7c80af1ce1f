"""Share links and sign-in under AppTest: what a view or edit link shows and allows, a revoked
link, a write forged from a view-link session, the password gate, and the library's Share panel."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from canvas import storage
from canvas.domain.blocks import Block
from canvas.domain.models import CanvasCreate
from canvas.library.demo import DEMO_CANVAS_ID
from canvas.storage import access
from canvas.ui import access as ui_access
from canvas.ui.markup import literal
from tests.pages.test_board_page import TIMEOUT, markdown_text
from tests.pages.test_board_page import board as start
from tests.support import shown


@pytest.fixture
def database_url(demo_database_url):
    return demo_database_url


@pytest.fixture
def other_id(engine) -> str:
    with Session(engine) as session:
        return storage.create_canvas(session=session, data=storage.parse(CanvasCreate, name="Secret plan")).id


def link(engine, role: str, canvas_id: str = DEMO_CANVAS_ID) -> tuple[str, str]:
    with Session(engine) as session:
        made, token = access.create_link(session=session, canvas_id=canvas_id, role=role)
    return made.id, token


def channel_texts(engine) -> list[str]:
    with Session(engine) as session:
        return [n.text for n in storage.load_board(session=session, canvas_id=DEMO_CANVAS_ID).notes[Block.CHANNELS]]


def keys(app: AppTest) -> set[str]:
    return {w.key for kind in (app.button, app.text_area, app.text_input, app.selectbox) for w in kind if w.key}


def test_a_view_link_shows_the_board_without_any_control_that_changes_it(engine, other_id):
    _, token = link(engine, "view")
    app = start({"share": token})
    assert not app.exception and not app.error
    assert "Home brewers" in markdown_text(app)
    assert any("View only" in c.value for c in app.caption)
    for popover in ("board_add_channels_open", "board_edit_channels_open"):  # even if asked open
        app.session_state[popover] = True
    app = app.run()
    assert not [k for k in keys(app) if k.startswith(("board_add_", "board_note_", "board_segment_"))]
    assert "board_undo" not in keys(app)
    assert [o for o in app.selectbox(key="nav_canvas_picker").options] == ["Kettle & Crema (demo)"]  # not "Secret plan"


def test_a_view_link_does_not_open_another_canvas_or_the_workspace_pages(engine, other_id):
    _, token = link(engine, "view")
    app = start({"share": token, "canvas": other_id})
    assert "one canvas only" in app.error[0].value
    assert "Secret plan" not in markdown_text(app)
    for page in ("pages/library.py", "pages/data.py", "pages/workshop.py"):
        app = start({"share": token})
        app.switch_page(page)
        app = app.run()
        assert not app.exception
        assert "does not give access to this page" in app.warning[0].value
        assert "Secret plan" not in markdown_text(app) and not app.text_input and not app.file_uploader


def test_the_relationships_and_metrics_pages_open_read_only(engine):
    _, token = link(engine, "view")
    app = start({"share": token})
    app.switch_page("pages/relationships.py")
    app = app.run()
    assert not app.exception and not app.warning
    assert "Customer Relationships" in markdown_text(app)
    assert not [b for b in app.button if b.label.startswith("Save relationship")]
    assert not [t for t in app.text_input if t.key and t.key.startswith("rel_dismiss_")]


def test_a_write_forged_from_a_view_link_session_is_refused_by_storage(engine):
    """A crafted request runs a write inside the view-link session (as a widget's callback would);
    storage checks the session's token itself and refuses it."""
    _, token = link(engine, "view")

    def forged() -> None:
        import streamlit as st

        from canvas import storage
        from canvas.domain.models import NoteCreate
        from canvas.ui import frame

        frame.start_router()
        frame.act(lambda db: storage.add_note(session=db, canvas_id=st.session_state["target"],
                                              data=storage.parse(NoteCreate, block="channels", text="Forged")))
        frame.show_flash()

    app = AppTest.from_function(forged, default_timeout=TIMEOUT)
    app.session_state[ui_access.TOKEN] = token
    app.session_state["target"] = DEMO_CANVAS_ID
    app = app.run()
    assert not app.exception
    assert "view-only link" in shown(app.error[0].value)
    assert "Forged" not in channel_texts(engine)


def test_a_revoked_link_shows_the_reason_and_nothing_else_on_the_next_run(engine):
    link_id, token = link(engine, "view")
    app = start({"share": token})
    assert "Home brewers" in markdown_text(app)
    with Session(engine) as session:
        access.revoke_link(session=session, link_id=link_id)
    app = app.run()
    assert "revoked" in app.error[0].value
    assert "Home brewers" not in markdown_text(app)
    tampered = start({"share": token[:-2] + "zz"})
    assert "not valid" in tampered.error[0].value and "Home brewers" not in markdown_text(tampered)


def test_an_edit_link_edits_its_canvas_only(engine, other_id):
    _, token = link(engine, "edit")
    app = start({"share": token})
    assert "board_undo" in keys(app)
    app.session_state["board_add_channels_open"] = True  # the person opens the Add popover
    app = app.run()
    app.text_area(key="board_add_channels_text").input("Shared by link")
    app = app.button(key="board_add_channels_submit").click().run()
    assert not app.exception and not app.error
    assert "Shared by link" in channel_texts(engine)
    other = start({"share": token, "canvas": other_id})
    assert "one canvas only" in other.error[0].value and "board_undo" not in keys(other)


def test_a_protected_workspace_asks_for_the_password_and_slows_down_guessing(engine, monkeypatch):
    monkeypatch.setenv(ui_access.PASSWORD_ENV, "correct horse")
    app = start()
    assert "Home brewers" not in markdown_text(app)
    assert "protected" in markdown_text(app)
    for attempt in range(5):
        app.text_input(key=ui_access.PASSWORD_FIELD).input(f"guess {attempt}")
        app = next(b for b in app.button if b.label == "Sign in").click().run()
    assert "wait" in app.error[0].value  # five wrong: the session has to wait
    app.text_input(key=ui_access.PASSWORD_FIELD).input("correct horse")
    app = next(b for b in app.button if b.label == "Sign in").click().run()
    assert "Home brewers" not in markdown_text(app)  # not even the right password is checked while waiting
    app.session_state[ui_access.WAIT_UNTIL] = 0.0  # the wait is over
    app.text_input(key=ui_access.PASSWORD_FIELD).input("correct horse")
    app = next(b for b in app.button if b.label == "Sign in").click().run()
    assert not app.exception and "Home brewers" in markdown_text(app)


def test_a_view_link_opens_a_protected_workspace_without_sign_in(engine, monkeypatch):
    monkeypatch.setenv(ui_access.PASSWORD_ENV, "correct horse")
    _, token = link(engine, "view")
    app = start({"share": token})
    assert "Home brewers" in markdown_text(app) and not app.error


def test_the_library_makes_lists_and_revokes_links(engine):
    app = start()
    app.switch_page("pages/library.py")
    app = app.run()
    prefix = f"access_share_{DEMO_CANVAS_ID}"
    app.radio(key=f"{prefix}_role").set_value("view")
    app.text_input(key=f"{prefix}_label").input("Investor <b>Ana</b>")
    app = next(b for b in app.button if b.label == "Create link").click().run()
    assert not app.exception and not app.error
    shown = [c.value for c in app.code if "?share=" in c.value]
    assert len(shown) == 1
    token = shown[0].split("?share=")[1]
    with Session(engine) as session:
        assert access.resolve_token(session=session, token=token).canvas_ids == {DEMO_CANVAS_ID}
        made = access.list_links(session=session, canvas_id=DEMO_CANVAS_ID)
    assert len(made) == 1
    assert literal("Investor <b>Ana</b>") in markdown_text(app)  # shown literally
    app = app.run()
    assert not [c for c in app.code if "?share=" in c.value]  # shown once
    app = app.button(key=f"access_revoke_{made[0].id}").click().run()
    with Session(engine) as session:
        assert access.list_links(session=session, canvas_id=DEMO_CANVAS_ID)[0].revoked_at is not None
