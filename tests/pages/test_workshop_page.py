"""The workshop page under AppTest: a facilitator session and participant sessions on one
temporary database (each AppTest is one browser session)."""

from __future__ import annotations

from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from canvas import storage
from canvas.domain.blocks import Block
from canvas.domain.models import Change
from canvas.library.demo import DEMO_CANVAS_ID
from canvas.ui import workshop as ui
from canvas.workshop import codes
from tests.pages.test_board_page import board as start
from tests.support import shown


def workshop_page(query: dict[str, str] | None = None) -> AppTest:
    app = start({"canvas": DEMO_CANVAS_ID})
    app.switch_page("pages/workshop.py")
    for key, value in (query or {}).items():
        app.query_params[key] = value
    return app.run()


def text_of(app: AppTest) -> str:
    return "\n".join([m.value for m in app.markdown] + [c.value for c in app.caption])


def click(app: AppTest, key: str) -> AppTest:
    return app.button(key=key).click().run()


def started() -> tuple[AppTest, str]:
    """A facilitator session that has started a workshop, and its join code."""
    host = workshop_page()
    host = click(host, "ws_start")
    assert not host.exception and not host.error
    code = next(m.value for m in host.markdown if m.value.startswith("<div class=\"ws-code"))
    return host, code.split(">")[1].split("<")[0].replace("&#45;", "")


def joined(code: str, name: str) -> AppTest:
    guest = workshop_page({"join": code})
    guest.text_input(key="ws_join_name").input(name)
    return click(guest, "ws_join")


def test_a_facilitator_starts_a_workshop_and_sees_its_code(database_url):
    host, code = started()
    assert len(codes.normalise_code(code)) == 6
    assert f"workshop?join={code}" in text_of(host)
    assert "Keep this tab open" in text_of(host)
    assert "Customer Segments" in text_of(host)
    assert ui.HOST in host.session_state and "token" not in str(dict(host.query_params))


def test_bad_code_and_taken_name_get_clear_messages(database_url):
    _host, code = started()
    guest = workshop_page()
    guest.text_input(key="ws_join_code").input("ZZZ-ZZZ")
    guest.text_input(key="ws_join_name").input("Ana")
    guest = click(guest, "ws_join")
    assert not guest.exception and "No workshop has the code ZZZ-ZZZ" in shown(guest.error[0].value)
    guest = joined(code, "")
    assert "Type your name" in shown(guest.error[0].value)
    assert not joined(code, "Ana").error
    second = joined(code, "ana")
    assert not second.exception and "already called" in shown(second.error[0].value)


def test_a_workshop_from_start_to_end(database_url, engine):
    host, code = started()
    ana = joined(code, "Ana <b>")
    assert not ana.exception and not ana.error
    assert "not open yet" in ana.info[0].value

    host.number_input(key="ws_minutes").set_value(3)
    host = click(host, "ws_open")
    assert not host.error and ("3:00" in text_of(host) or "2:5" in text_of(host))

    ana = ana.run()
    ana.text_area(key="ws_note_text").input("Home baristas")
    ana = click(ana, "ws_note_add")
    assert not ana.exception and not ana.error
    assert "Home baristas" in text_of(ana) and ana.text_area(key="ws_note_text").value == ""

    ben = joined(code, "Ben")
    assert "Home baristas" not in text_of(ben)  # private mode: hidden until the reveal
    host = click(host, "ws_lock")
    ben = ben.run()
    assert "locked" in ben.info[0].value

    host = click(host, "ws_reveal")
    host = click(host, "ws_vote_start")
    ben = ben.run()
    assert "Home baristas" in text_of(ben)
    note_button = next(b for b in ben.button if b.key.startswith("ws_vote_"))
    ben = note_button.click().run()
    assert not ben.error
    host = click(host, "ws_vote_close")
    assert "1 vote" in text_of(host)

    host = click(host, "ws_promote_go")
    assert not host.exception and not host.error
    with Session(engine) as session:
        segments = storage.load_board(session=session, canvas_id=DEMO_CANVAS_ID).segments
    promoted = next(s for s in segments if s.name == "Home baristas")
    assert promoted is not None

    host = click(host, "ws_next")
    host = click(host, "ws_open")
    ana = ana.run()
    ana.text_area(key="ws_note_text").input("Brew guides")
    ana = click(ana, "ws_note_add")
    host = host.run()
    host = click(host, "ws_promote_go")
    with Session(engine) as session:
        note = storage.load_board(session=session, canvas_id=DEMO_CANVAS_ID).notes[Block.VALUE_PROPOSITIONS][-1]
    assert (note.text, note.author_name) == ("Brew guides", "Ana <b>")

    host = click(host, "ws_end")
    assert not host.exception
    assert [d for d in host.get("download_button")]
    with Session(engine) as session:
        change = session.exec(select(Change).where(Change.action == "workshop")).first()
    assert change is not None and "2 participants" in change.label
    ana = ana.run()
    assert "ended" in ana.info[0].value


def test_the_presentation_view_shows_revealed_notes_only_and_a_participant_cannot_open_it(database_url):
    host, code = started()
    host = click(host, "ws_open")
    ana = joined(code, "Ana")
    ana.text_area(key="ws_note_text").input("Secret idea")
    ana = click(ana, "ws_note_add")
    host = click(host, "ws_present")
    assert host.query_params["view"] == "present"
    assert "Secret idea" not in text_of(host) and "1 note still hidden until" in text_of(host)
    assert not [b for b in host.button if b.key == "ws_reveal"]  # no controls on the projector
    host = click(host, "ws_present_off")
    host = click(host, "ws_reveal")
    host = click(host, "ws_present")
    assert "Secret idea" in text_of(host)

    guest = workshop_page({"view": "present", "workshop": host.session_state[ui.HOST]["workshop_id"]})
    assert not guest.exception
    assert "Secret idea" not in text_of(guest) and guest.button(key="ws_join")  # only the join form


def test_a_token_cookie_is_read_back_only_when_it_is_one_we_wrote():
    value = ui.cookie_value("a1b2c3d4e5f6", "tok-EN_123")
    assert ui.from_cookie(value) == ("a1b2c3d4e5f6", "tok-EN_123")
    for bad in (None, "", "no-dot", ".tok", "id.", 'id.tok";alert(1)', "id.tok en", "x" * 40 + ".tok"):
        assert ui.from_cookie(bad) is None


def test_the_facilitator_switches_private_mode_during_the_workshop(database_url):
    host, code = started()
    host = click(host, "ws_open")
    ana, ben = joined(code, "Ana"), joined(code, "Ben")
    ana.text_area(key="ws_note_text").input("Hidden idea")
    ana = click(ana, "ws_note_add")
    assert "Hidden idea" not in text_of(ben.run())  # started in private mode

    host = host.run()
    assert host.button(key="ws_private").label == "End private mode"
    host = click(host, "ws_private")
    assert not host.exception and not host.error and host.button(key="ws_private").label == "Private mode"
    ana.text_area(key="ws_note_text").input("Open idea")
    ana = click(ana, "ws_note_add")
    ben = ben.run()
    assert "Open idea" in text_of(ben) and "Hidden idea" not in text_of(ben)  # only new notes are open


def test_a_vote_beyond_the_allowance_is_told_why(database_url):
    host, code = started()
    host = click(host, "ws_open")
    ana = joined(code, "Ana")
    ana.text_area(key="ws_note_text").input("Only idea")
    ana = click(ana, "ws_note_add")
    host = click(host.run(), "ws_reveal")
    host = click(host, "ws_vote_start")
    ana = ana.run()
    for _ in range(3):
        ana = next(b for b in ana.button if b.key.startswith("ws_vote_")).click().run()
    assert "0 of 3 votes left" in text_of(ana) and not ana.error
    vote = next(b for b in ana.button if b.key.startswith("ws_vote_"))
    assert not vote.disabled
    ana = vote.click().run()
    assert "You have used all 3 of your votes" in ana.error[0].value and "0 of 3 votes left" in text_of(ana)

