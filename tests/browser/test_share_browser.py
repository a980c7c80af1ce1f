"""Share links in a real browser against `streamlit run`: a view link changes nothing, even by a
request crafted on its own websocket; a link stops working the moment it is revoked; an edit link
edits its own canvas and opens no other.

The crafted request: the test listens on the view page's websocket (Playwright's
``route_web_socket``), learns widget ids from what the server sends (the relationships page's
disabled "Bring back" of a dismissed finding; an edit session's "Add note"), and sends the server
a rerun request that clicks them. What this proves, honestly: the server runs that request and
nothing changes. It does not reach storage: Streamlit 1.67 drops a forged change to a disabled
widget, and a widget the view page never drew has no callback in that session. That storage
itself refuses a write coming from a view-link session is shown by
tests/pages/test_share_pages.py (a write run inside such a session) and tests/storage/test_access.py;
here, the revocation test shows it for a real click whose callback does run.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from canvas import storage
from canvas.domain.blocks import Block
from canvas.domain.models import CanvasCreate, DismissedFinding
from canvas.library.demo import DEMO_CANVAS_ID
from canvas.storage import access
from tests.browser.test_board_browser import block, open_popover
from tools.browser import wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture
def database_url(demo_database_url):
    return demo_database_url


def make_link(engine, role: str, canvas_id: str = DEMO_CANVAS_ID) -> tuple[str, str]:
    with Session(engine) as session:
        link, token = access.create_link(session=session, canvas_id=canvas_id, role=role)
    return link.id, token


def channel_texts(engine) -> list[str]:
    with Session(engine) as session:
        return [n.text for n in storage.load_board(session=session, canvas_id=DEMO_CANVAS_ID).notes[Block.CHANNELS]]


class Wire:
    """The page's websocket to the server, passed through; remembers the widget ids of buttons by
    label and the page's last rerun request, and can send the server a crafted one."""

    def __init__(self, page):
        self.buttons: dict[str, str] = {}
        self.runs = 0  # script runs the server finished for this page
        self.last_rerun: BackMsg | None = None
        self.server = None
        page.route_web_socket(re.compile(r".*/_stcore/stream$"), self._route)

    def _route(self, ws) -> None:
        server = ws.connect_to_server()
        self.server = server

        def from_page(message) -> None:
            if isinstance(message, bytes):
                back = BackMsg.FromString(message)
                if back.HasField("rerun_script"):
                    self.last_rerun = back
            server.send(message)

        def from_server(message) -> None:
            if isinstance(message, bytes):
                forward = ForwardMsg.FromString(message)
                # Whole-page runs only: the live check's fragment runs twice a second.
                self.runs += forward.WhichOneof("type") == "script_finished" and \
                    forward.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY
                if forward.HasField("delta") and forward.delta.HasField("new_element"):
                    element = forward.delta.new_element
                    if element.WhichOneof("type") == "button":
                        self.buttons[element.button.label] = element.button.id
            ws.send(message)

        ws.on_message(from_page)
        server.on_message(from_server)

    def click(self, *widget_ids: str) -> None:
        """Ask the server to rerun the page as if these buttons had been clicked."""
        assert self.last_rerun is not None and self.server is not None
        crafted = BackMsg()
        crafted.CopyFrom(self.last_rerun)
        crafted.rerun_script.fragment_id = ""  # the whole page, not the live check's fragment
        crafted.rerun_script.is_auto_rerun = False
        for widget_id in widget_ids:
            state = crafted.rerun_script.widget_states.widgets.add()
            state.id = widget_id
            state.trigger_value = True
        self.server.send(crafted.SerializeToString())


def test_a_view_link_changes_nothing_even_by_a_crafted_request(page, browser, app_url, engine):
    with Session(engine) as session:
        storage.dismiss_finding(session=session, canvas_id=DEMO_CANVAS_ID, rule_id="demo-rule", segment_id=None,
                                reason="Kept for the test")
        other = storage.create_canvas(session=session, data=storage.parse(CanvasCreate, name="Secret plan"))
        version = storage.get_canvas(session=session, canvas_id=DEMO_CANVAS_ID).version
    notes = channel_texts(engine)
    _, token = make_link(engine, "view")

    # An edit session draws the board's write controls: their widget ids, for the crafted request.
    editor = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    editor_wire = Wire(editor)
    editor.goto(app_url)
    wait_for_app(editor)
    open_popover(editor, "channels", "Add")
    wait_for_app(editor)
    add_note_id = editor_wire.buttons["Add note"]
    editor.context.close()

    wire = Wire(page)
    page.goto(f"{app_url}/?share={token}")
    wait_for_app(page)
    expect(block(page, "channels").get_by_text("Web shop")).to_be_visible()
    expect(page.get_by_text("View only")).to_be_visible()
    expect(page.get_by_role("button", name="Add")).to_have_count(0)
    expect(page.get_by_role("button", name="Edit")).to_have_count(0)
    expect(page.get_by_role("button", name="Undo")).to_have_count(0)

    page.goto(f"{app_url}/relationships?share={token}")
    wait_for_app(page)
    page.get_by_text("Dismissed (1)").click()
    bring_back = page.get_by_role("button", name="Bring back")
    expect(bring_back).to_be_disabled()
    runs = wire.runs
    wire.click(wire.buttons["Bring back"], add_note_id)  # what a crafted request can send
    deadline = page.evaluate("Date.now()") + 10_000
    while wire.runs == runs and page.evaluate("Date.now()") < deadline:
        page.wait_for_timeout(100)
    assert wire.runs > runs  # the server did run the crafted request (the page, which did not ask, may not redraw)
    with Session(engine) as session:
        assert session.exec(select(DismissedFinding).where(DismissedFinding.rule_id == "demo-rule")).first()
        assert storage.get_canvas(session=session, canvas_id=DEMO_CANVAS_ID).version == version
    assert channel_texts(engine) == notes

    # Nothing else opens: another canvas by its id, the library, the customer data.
    page.goto(f"{app_url}/?share={token}&canvas={other.id}")
    wait_for_app(page)
    expect(page.get_by_text("This share link opens one canvas only")).to_be_visible()
    expect(page.get_by_text("Secret plan")).to_have_count(0)
    for path in ("library", "data", "workshop"):
        page.goto(f"{app_url}/{path}?share={token}")
        wait_for_app(page)
        expect(page.get_by_text("does not give access to this page")).to_be_visible()
        expect(page.get_by_text("Secret plan")).to_have_count(0)


def test_a_link_stops_working_the_moment_it_is_revoked(page, app_url, engine):
    link_id, token = make_link(engine, "edit")
    page.goto(f"{app_url}/?share={token}")
    wait_for_app(page)
    body = open_popover(page, "channels", "Add")
    body.get_by_label("Note").fill("Typed before the revocation")
    with Session(engine) as session:  # the owner revokes it, elsewhere
        access.revoke_link(session=session, link_id=link_id)
    body.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("This share link was revoked")).to_be_visible()
    wait_for_app(page)
    expect(page.get_by_text("Web shop")).to_have_count(0)  # nothing of the canvas is shown any more
    assert "Typed before the revocation" not in channel_texts(engine)


def test_an_edit_link_edits_its_canvas_only(page, app_url, engine):
    with Session(engine) as session:
        other = storage.create_canvas(session=session, data=storage.parse(CanvasCreate, name="Secret plan"))
    _, token = make_link(engine, "edit")
    page.goto(f"{app_url}/?share={token}")
    wait_for_app(page)
    body = open_popover(page, "channels", "Add")
    body.get_by_label("Note").fill("Added through the edit link")
    body.get_by_role("button", name="Add note").click()
    expect(block(page, "channels").get_by_text("Added through the edit link")).to_be_visible()
    assert "Added through the edit link" in channel_texts(engine)

    page.goto(f"{app_url}/?share={token}&canvas={other.id}")
    wait_for_app(page)
    expect(page.get_by_text("This share link opens one canvas only")).to_be_visible()
    expect(page.get_by_role("button", name="Add")).to_have_count(0)
    page.goto(f"{app_url}/library?share={token}")
    wait_for_app(page)
    expect(page.get_by_text("does not give access to this page")).to_be_visible()
    expect(page.get_by_text("Secret plan")).to_have_count(0)
