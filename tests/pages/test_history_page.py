"""The history page under AppTest: the timeline, snapshots, comparing two points, restoring one
and undoing the restore; user text is shown literally."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from canvas import storage
from canvas.domain.blocks import Block
from canvas.domain.models import CanvasCreate, NoteCreate, NoteUpdate, Snapshot
from canvas.library.demo import DEMO_CANVAS_ID
from canvas.ui.markup import escape_text, literal
from tests.pages.test_board_page import board as start
from tests.support import shown


def history(app: AppTest) -> AppTest:
    app.switch_page("pages/history.py")
    return app.run()


def html(app: AppTest) -> str:
    return "\n".join(m.value for m in app.markdown)


def _canvas_with_changes(engine) -> tuple[str, str]:
    with Session(engine) as session:
        canvas = storage.create_canvas(session=session, data=storage.parse(CanvasCreate, name="Acme"))
        note = storage.add_note(session=session, canvas_id=canvas.id,
                                data=storage.parse(NoteCreate, block=Block.CHANNELS, text="Shop **bold** <i>x</i>"))
        storage.update_note(session=session, canvas_id=canvas.id, note_id=note.id, expected_version=1,
                            data=storage.parse(NoteUpdate, text="Shop, edited"))
        return canvas.id, note.id


def test_timeline_compare_and_snapshots_show_user_text_literally(database_url, engine):
    app = start()
    cid, _ = _canvas_with_changes(engine)
    app.query_params["canvas"] = cid
    app = history(app)
    assert not app.exception and not app.error
    page = html(app)
    assert "Timeline" in [h.value for h in app.subheader]
    assert "Someone without a name" in page and "2 changes" in page
    assert "Shop &#42;&#42;bold&#42;&#42; &#60;i&#62;x&#60;/i&#62;" in page  # the add's label, inert
    assert "<i>x</i>" not in page
    # Compare: from the start (v1) to now (v3) by default: the note is added.
    assert app.selectbox(key="hist_a").value == 1 and app.selectbox(key="hist_b").value == 3
    assert "hist-added" in page and "Shop, edited" in page
    app = app.selectbox(key="hist_a").set_value(2).run()
    page = html(app)
    assert "hist-changed" in page and "Text: Shop &#42;&#42;bold" in page

    # Naming a point: empty and duplicate names are refused with a message, nothing is saved.
    app = app.button(key="hist_snapshot_save").click().run()
    assert "Give the snapshot a name" in shown(app.error[0].value)
    name = "[sent](http://x) *to* investors"
    app.text_input(key="hist_snapshot_name").input(name)
    app = app.button(key="hist_snapshot_save").click().run()
    assert not app.error
    assert escape_text(name) in html(app) and literal(name) in html(app) and name not in html(app)  # timeline, list
    app.text_input(key="hist_snapshot_name").input("[SENT](http://x) *to* investors")
    app = app.button(key="hist_snapshot_save").click().run()
    assert "already has a snapshot called" in shown(app.error[0].value)
    assert "[SENT](http" in shown(app.error[0].value) and "[SENT](http" not in app.error[0].value  # shown literally
    with Session(engine) as session:
        assert [s.seq for s in session.exec(storage_snapshots(cid)).all()] == [2]


def storage_snapshots(canvas_id: str):
    from sqlmodel import select

    return select(Snapshot).where(Snapshot.canvas_id == canvas_id)


def test_restore_a_point_then_undo_it(database_url, engine):
    app = start()
    cid, note_id = _canvas_with_changes(engine)
    app.query_params["canvas"] = cid
    app = history(app)
    assert app.selectbox(key="hist_point").value == 2  # one step back, by default
    app = app.button(key="hist_restore").click().run()
    assert not app.exception and not app.error
    with Session(engine) as session:
        board = storage.load_board(session=session, canvas_id=cid)
        assert [n.text for n in board.notes[Block.CHANNELS]] == ["Shop **bold** <i>x</i>"]
        assert board.canvas.version == 4
    assert any("Restored v2 as a new version, v4" in shown(t.value) for t in app.toast)
    assert "Restore v2" in html(app)  # the restore is on the timeline

    app = app.button(key="hist_undo").click().run()
    assert not app.error
    with Session(engine) as session:
        assert [n.text for n in storage.load_board(session=session, canvas_id=cid).notes[Block.CHANNELS]] == [
            "Shop, edited"]


def test_restoring_now_is_refused_with_a_message(database_url, engine):
    app = start()
    cid, _ = _canvas_with_changes(engine)
    app.query_params["canvas"] = cid
    app = history(app)
    app = app.selectbox(key="hist_point").set_value(3).run()
    app = app.button(key="hist_restore").click().run()
    assert "already holds what it held at v3" in shown(app.error[0].value)
    with Session(engine) as session:
        assert storage.get_canvas(session=session, canvas_id=cid).version == 3


def test_a_canvas_older_than_the_log_says_where_its_history_starts(database_url, engine):
    app = start()  # the demo, at v1
    with engine.begin() as connection:
        connection.execute(text("UPDATE canvas SET version = 7 WHERE id = :id"), {"id": DEMO_CANVAS_ID})
    app = history(app)
    assert not app.exception
    assert "starts at v7, when the change log began" in shown(app.info[0].value)


def test_the_board_and_the_library_link_to_the_history(database_url):
    app = start()
    links = [link for link in app.get("page_link") if link.proto.label == "History"]
    assert links and links[0].proto.page.endswith("history")
    app.switch_page("pages/library.py")
    app = app.run()
    assert [link for link in app.get("page_link") if link.proto.label == "History"]
