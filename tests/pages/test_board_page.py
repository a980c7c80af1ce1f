"""The board page under Streamlit's AppTest, on a temporary database (the library: test_library_page.py)."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from canvas import storage
from canvas.domain.blocks import NOTE_COLOURS, Block
from canvas.domain.models import CanvasCreate, NoteCreate, NoteUpdate
from canvas.library.demo import DEMO_CANVAS_ID
from tests.support import ROOT, shown

TIMEOUT = 30  # pages import Plotly and the database layer: the 3 s default is too short


def board(query: dict[str, str] | None = None) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    return app.run()


def markdown_text(app: AppTest) -> str:
    return "\n".join(m.value for m in app.markdown)


def opened(app: AppTest, key: str) -> AppTest:
    """The person opens the popover of ``key``: its content is drawn only while it is open."""
    app.session_state[key] = True
    return app.run()


def add_popover_key(app: AppTest, block: Block) -> str:
    """The block's Add popover key now (``board.popover_key``: a new one after each note added)."""
    prefix = f"board_add_{block.value}"
    saved = app.session_state[f"{prefix}_round"] if f"{prefix}_round" in app.session_state else 0
    return f"{prefix}_open" if saved == 0 else f"{prefix}_open_{saved}"


def add_form_submit(app: AppTest, block: Block, text: str, segment: str | None = None) -> AppTest:
    prefix = f"board_add_{block.value}"
    if not any(t.key == f"{prefix}_text" for t in app.text_area):
        app = opened(app, add_popover_key(app, block))
    app.text_area(key=f"{prefix}_text").input(text)
    if segment is not None:  # as in the browser: choosing a segment reruns the page
        app = app.selectbox(key=f"{prefix}_segment").set_value(segment).run()
    return app.button(key=f"{prefix}_submit").click().run()


@pytest.fixture
def app(database_url) -> AppTest:
    return board()


def test_first_start_shows_the_demo_canvas_as_a_board(app):
    assert not app.exception
    assert app.query_params["canvas"] == DEMO_CANVAS_ID
    text = markdown_text(app)
    assert "Kettle &#38; Crema &#40;demo&#41;" in text
    for title in ("Key Partners", "Key Activities", "Key Resources", "Value Propositions",
                  "Customer Relationships", "Channels", "Customer Segments", "Cost Structure", "Revenue Streams"):
        assert f"**{title}**" in text
    assert "Home brewers" in text and "Named account manager" in text


def test_adding_a_tagged_note_saves_it_without_asking_a_colour_and_closes_the_popover(app, engine):
    assert not [t for t in app.text_area if t.key == "board_add_key_partners_text"]  # closed: not drawn
    app = opened(app, "board_add_key_partners_open")  # the person opened the Add popover
    assert app.selectbox(key="board_add_key_partners_colour").value == "Yellow"  # untagged: a colour is asked
    app = add_form_submit(app, Block.KEY_PARTNERS, "Local bakeries", segment="seg-office")
    assert not app.exception and not app.error
    assert "Local bakeries" in markdown_text(app)
    assert not [s for s in app.selectbox if s.key == "board_add_key_partners_colour"]  # the segment decides
    with Session(engine) as session:
        notes = storage.load_board(session=session, canvas_id=DEMO_CANVAS_ID).notes[Block.KEY_PARTNERS]
        assert (notes[-1].text, notes[-1].segment_id) == ("Local bakeries", "seg-office")
    assert app.session_state["board_add_key_partners_open"] is False  # closed: the new note is not hidden
    # ... and drawn under a new key, so a live check's request still carrying "open" cannot reopen it
    assert app.session_state["board_add_key_partners_round"] == 1
    assert not [t for t in app.text_area if t.key == "board_add_key_partners_text"]
    app = opened(app, "board_add_key_partners_open_1")
    assert app.text_area(key="board_add_key_partners_text").value == ""  # the next note starts empty


def test_an_untagged_note_takes_the_chosen_colour(app, engine):
    app = opened(app, "board_add_channels_open")
    app.selectbox(key="board_add_channels_colour").set_value("Green")
    app = add_form_submit(app, Block.CHANNELS, "Podcast ads")
    assert not app.error
    with Session(engine) as session:
        note = storage.load_board(session=session, canvas_id=DEMO_CANVAS_ID).notes[Block.CHANNELS][-1]
    assert (note.text, note.colour, note.segment_id) == ("Podcast ads", NOTE_COLOURS["Green"], None)


def test_an_empty_note_gets_a_message_and_nothing_is_saved(app, engine):
    app = add_form_submit(app, Block.CHANNELS, "   ")
    assert not app.exception
    assert [shown(e.value) for e in app.error] == ["Note text: The note cannot be empty"]
    assert app.session_state["board_add_channels_open"] is True  # still open, to fix the note
    with Session(engine) as session:
        assert storage.get_canvas(session=session, canvas_id=DEMO_CANVAS_ID).version == 1


def test_a_note_added_while_someone_else_adds_one_is_saved_too(app, engine):
    with Session(engine) as other_person:
        storage.add_note(session=other_person, canvas_id=DEMO_CANVAS_ID,
                         data=storage.parse(NoteCreate, block=Block.CHANNELS, text="Someone else's"))
    app = add_form_submit(app, Block.CHANNELS, "My idea")
    assert not app.exception and not app.error
    with Session(engine) as session:
        texts = [n.text for n in storage.load_board(session=session, canvas_id=DEMO_CANVAS_ID).notes[Block.CHANNELS]]
    assert "My idea" in texts and "Someone else's" in texts


def test_a_stale_note_edit_is_refused_and_keeps_the_text(app, engine):
    app = opened(app, "board_edit_channels_open")
    app.selectbox(key="board_pick_channels").set_value("demo-note-17")
    app = app.run()
    with Session(engine) as other_person:
        storage.update_note(session=other_person, canvas_id=DEMO_CANVAS_ID, note_id="demo-note-17", expected_version=1,
                            data=storage.parse(NoteUpdate, text="Their wording"))
    [save] = [b for b in app.button if b.label == "Save" and "board_note_demo-note-17" in str(b.form_id)]
    app.text_area(key="board_note_demo-note-17_text").input("My wording")
    app = save.click().run()
    assert not app.exception
    assert "changed this note meanwhile; it now reads “Their wording”" in shown(app.error[0].value)
    assert app.text_area(key="board_note_demo-note-17_text").value == "My wording"  # not lost
    with Session(engine) as session:
        texts = [n.text for n in storage.load_board(session=session, canvas_id=DEMO_CANVAS_ID).notes[Block.CHANNELS]]
    assert "Their wording" in texts and "My wording" not in texts
    # Saving again (now from the note's current version) replaces their text.
    [save] = [b for b in app.button if b.label == "Save" and "board_note_demo-note-17" in str(b.form_id)]
    app = save.click().run()
    assert "My wording" in markdown_text(app) and not app.error


def test_an_edit_form_redrawn_after_someone_elses_change_still_sends_the_version_it_was_loaded_from(app, engine):
    """Live updates redraw the page while a form is open; its box keeps the old text, so saving it
    must still be a conflict, not a silent overwrite of the other person's change."""
    app = opened(app, "board_edit_channels_open")
    app.selectbox(key="board_pick_channels").set_value("demo-note-17")
    app = app.run()
    with Session(engine) as other_person:
        storage.update_note(session=other_person, canvas_id=DEMO_CANVAS_ID, note_id="demo-note-17", expected_version=1,
                            data=storage.parse(NoteUpdate, text="Their wording"))
    app = app.run()  # the redraw a live update makes
    assert "Their wording" in markdown_text(app)
    app.text_area(key="board_note_demo-note-17_text").input("My wording")
    [save] = [b for b in app.button if b.label == "Save" and "board_note_demo-note-17" in str(b.form_id)]
    app = save.click().run()
    assert "changed this note meanwhile; it now reads “Their wording”" in shown(app.error[0].value)
    assert app.text_area(key="board_note_demo-note-17_text").value == "My wording"
    [save] = [b for b in app.button if b.label == "Save" and "board_note_demo-note-17" in str(b.form_id)]
    app = save.click().run()  # on purpose now: replaces theirs
    assert not app.error and "My wording" in markdown_text(app)


def test_undo_button_reverts_the_last_change(app, engine):
    app = add_form_submit(app, Block.CHANNELS, "Temporary")
    assert "Temporary" in markdown_text(app)
    app = app.button(key="board_undo").click().run()
    assert "Temporary" not in markdown_text(app)
    assert any("Undone" in t.value for t in app.toast)


def test_edit_note_reorder_and_delete(app, engine):
    app = opened(app, "board_edit_channels_open")
    app.selectbox(key="board_pick_channels").set_value("demo-note-17")
    app = app.run()
    [save] = [b for b in app.button if b.label == "Save" and "board_note_demo-note-17" in str(b.form_id)]
    app.text_area(key="board_note_demo-note-17_text").input("Instagram, TikTok and brewing guides")
    app = save.click().run()
    assert "Instagram, TikTok and brewing guides" in markdown_text(app)
    app = app.button(key="board_note_demo-note-17_up").click().run()
    with Session(engine) as session:
        channels = storage.load_board(session=session, canvas_id=DEMO_CANVAS_ID).notes[Block.CHANNELS]
        assert channels[0].id == "demo-note-17"
    app = app.button(key="board_note_demo-note-17_delete").click().run()
    assert "Instagram, TikTok" not in markdown_text(app)


def test_a_tagged_note_is_not_asked_its_colour_when_edited(app, engine):
    app = opened(app, "board_edit_channels_open")
    app.selectbox(key="board_pick_channels").set_value("demo-note-17")  # tagged Home brewers
    app = app.run()
    assert not [s for s in app.selectbox if s.key == "board_note_demo-note-17_colour"]
    app.text_area(key="board_note_demo-note-17_text").input("Instagram")
    app = app.button(key="board_note_demo-note-17_save").click().run()
    assert not app.error
    with Session(engine) as session:
        note = next(n for n in storage.load_board(session=session, canvas_id=DEMO_CANVAS_ID).notes[Block.CHANNELS]
                    if n.id == "demo-note-17")
    assert (note.text, note.segment_id) == ("Instagram", "seg-home")

    app.selectbox(key="board_note_demo-note-17_segment").set_value("")  # "No segment"
    app = app.button(key="board_note_demo-note-17_save").click().run()
    with Session(engine) as session:
        note = next(n for n in storage.load_board(session=session, canvas_id=DEMO_CANVAS_ID).notes[Block.CHANNELS]
                    if n.id == "demo-note-17")
    assert note.segment_id is None
    assert app.selectbox(key="board_note_demo-note-17_colour").value == note.colour  # untagged: asked now


def test_buttons_use_material_icons_not_emoji(app):
    """Emoji show as empty boxes where no emoji font is installed."""
    app = opened(app, "board_edit_channels_open")
    app.selectbox(key="board_pick_channels").set_value("demo-note-17")
    app = app.run()
    labels = [b.label for b in app.button] + [b.proto.icon for b in app.button]
    assert app.button(key="board_note_demo-note-17_delete").proto.icon == ":material/delete:"
    assert not [text for text in labels if any(ord(c) >= 0x2190 and c not in "“”—" for c in text)]


def test_add_segment_from_the_segments_block(app, engine):
    app.text_input(key="board_add_segment_name").input("Cafés")
    app.number_input(key="board_add_segment_size").set_value(80)
    app = next(b for b in app.button if b.label == "Add segment").click().run()
    assert not app.error
    assert "Caf" in markdown_text(app)
    with Session(engine) as session:
        names = [s.name for s in storage.list_segments(session=session, canvas_id=DEMO_CANVAS_ID)]
    assert names[-1] == "Cafés"


def test_unknown_canvas_id_in_the_url(database_url):
    app = board({"canvas": "does-not-exist"})
    assert not app.exception
    assert "no canvas with id “does-not-exist”" in shown(app.error[0].value)


def test_two_canvases_switch_by_url(database_url, engine):
    with Session(engine) as session:
        other = storage.create_canvas(session=session, data=storage.parse(CanvasCreate, name="Side project"))
        storage.add_note(session=session, canvas_id=other.id,
                         data=storage.parse(NoteCreate, block=Block.KEY_ACTIVITIES, text="Only on the side project"))
    app = board({"canvas": other.id})
    assert "Side project" in markdown_text(app) and "Only on the side project" in markdown_text(app)
    app = board({"canvas": DEMO_CANVAS_ID})
    assert "Only on the side project" not in markdown_text(app)


def test_hostile_note_text_is_escaped(app):
    app = add_form_submit(app, Block.CHANNELS, "<script>alert('x')</script> **loud**")
    html = markdown_text(app)
    assert "<script>" not in html and "**loud**" not in html
    assert "&#60;script&#62;" in html
