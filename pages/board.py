"""The canvas board: the nine blocks laid out as on the printed canvas, with sticky notes."""

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from canvas import storage
from canvas.domain.blocks import BLOCKS, BOARD_BOTTOM, BOARD_TOP, NOTE_COLOURS, Block, next_segment_colour
from canvas.domain.errors import ItemConflict
from canvas.domain.models import (
    NOTE_MAX_CHARS,
    SEGMENT_DESCRIPTION_MAX_CHARS,
    SEGMENT_NAME_MAX_CHARS,
    NoteCreate,
    NoteUpdate,
    SegmentCreate,
    SegmentUpdate,
)
from canvas.ui import access, drafts, exports, frame, identity, live, markup
from canvas.ui.identity import current_author

COLOUR_NAMES = {hex_: name for name, hex_ in NOTE_COLOURS.items()}
SEGMENT_COLOUR_HELP = "A note tagged with a segment takes the segment's colour."

frame.page_frame("")
frame.inject_css()


# --- Actions (widget callbacks: they run before the page is drawn) -----------------------------

def add_note(canvas_id: str, block: Block) -> None:
    prefix = f"board_add_{block.value}"
    values = {"block": block, "text": st.session_state[f"{prefix}_text"],
              "segment_id": chosen_segment(f"{prefix}_segment")}
    if f"{prefix}_colour" in st.session_state:  # asked only while no segment is chosen
        values["colour"] = NOTE_COLOURS[st.session_state[f"{prefix}_colour"]]

    def action(db):
        storage.add_note(session=db, canvas_id=canvas_id, data=storage.parse(NoteCreate, **values),
                         author=current_author())
        # Only once saved: a refused note keeps its text and its popover stays open.
        st.session_state[f"{prefix}_text"] = ""
        drafts.drop(f"{prefix}_text")
        st.session_state[f"{prefix}_open"] = False
        # And a new key: a live check's request already on its way with "open" cannot reopen it (ui/live.py).
        st.session_state[f"{prefix}_round"] = st.session_state.get(f"{prefix}_round", 0) + 1

    frame.act(action, done=f"Note added to {BLOCKS[block].title}")


def edit_note(canvas_id: str, note_id: str, version: int, command: str) -> None:
    """Save, delete or move a note; ``version`` is the note's version the form was drawn from."""
    prefix = f"board_note_{note_id}"
    author = current_author()

    def action(db):
        if command == "save":
            values = {"text": st.session_state[f"{prefix}_text"], "segment_id": chosen_segment(f"{prefix}_segment")}
            if f"{prefix}_colour" in st.session_state:  # asked only of an untagged note
                values["colour"] = st.session_state[f"{prefix}_colour"]
            # A conflict leaves the typed text in the box (the widget is keyed), to save again or drop.
            with conflict_kept(prefix):
                saved = storage.update_note(session=db, canvas_id=canvas_id, expected_version=version,
                                            note_id=note_id, data=storage.parse(NoteUpdate, **values), author=author)
            live.set_form_version(prefix, saved.version)
        elif command == "delete":
            with conflict_kept(prefix):
                storage.delete_note(session=db, canvas_id=canvas_id, expected_version=version, note_id=note_id,
                                    author=author)
        else:
            storage.move_note(session=db, canvas_id=canvas_id, note_id=note_id,
                              offset=-1 if command == "up" else 1, author=author)

    frame.act(action, done={"save": "Note saved", "delete": "Note deleted (Undo brings it back)"}.get(command))


@contextmanager
def conflict_kept(prefix: str) -> Iterator[None]:
    """On a conflict the form keeps its values and now stands on the item's current version, so
    saving again replaces the other person's change, as the message says (ui/live.form_version)."""
    try:
        yield
    except ItemConflict as conflict:
        if conflict.current is not None:
            live.set_form_version(prefix, conflict.current["version"])
        raise


def add_segment(canvas_id: str) -> None:
    def action(db):
        storage.add_segment(
            session=db, canvas_id=canvas_id, author=current_author(),
            data=storage.parse(
                SegmentCreate, name=st.session_state["board_add_segment_name"],
                description=st.session_state["board_add_segment_description"],
                colour=st.session_state["board_add_segment_colour"],
                estimated_size=st.session_state["board_add_segment_size"],
            ),
        )
        for field in ("name", "description"):
            st.session_state[f"board_add_segment_{field}"] = ""
        st.session_state["board_add_segment_size"] = None
        del st.session_state["board_add_segment_colour"]  # the next free palette colour
        st.session_state["board_add_segment_open"] = False
        st.session_state["board_add_segment_round"] = st.session_state.get("board_add_segment_round", 0) + 1

    frame.act(action, done="Segment added")


def edit_segment(canvas_id: str, segment_id: str, version: int, command: str) -> None:
    """Save, delete or move a segment; ``version`` is the segment's version the form was drawn from."""
    prefix = f"board_segment_{segment_id}"
    author = current_author()

    def action(db):
        if command == "save":
            with conflict_kept(prefix):
                saved = storage.update_segment(
                    session=db, canvas_id=canvas_id, expected_version=version, segment_id=segment_id, author=author,
                    data=storage.parse(
                        SegmentUpdate, name=st.session_state[f"{prefix}_name"],
                        description=st.session_state[f"{prefix}_description"],
                        colour=st.session_state[f"{prefix}_colour"],
                        estimated_size=st.session_state[f"{prefix}_size"],
                    ),
                )
            live.set_form_version(prefix, saved.version)
        elif command == "delete":
            with conflict_kept(prefix):
                storage.delete_segment(session=db, canvas_id=canvas_id, expected_version=version,
                                       segment_id=segment_id, author=author)
        else:
            storage.move_segment(session=db, canvas_id=canvas_id, segment_id=segment_id,
                                 offset=-1 if command == "up" else 1, author=author)

    frame.act(action, done={"save": "Segment saved", "delete": "Segment deleted (Undo brings it back)"}.get(command))


def undo(canvas_id: str) -> None:
    """Revert this person's last change (not someone else's)."""
    label = frame.act(lambda db: storage.undo(session=db, canvas_id=canvas_id, author=current_author()))
    if label:
        frame.flash("success", f"Undone: {label}")


# --- Drawing ----------------------------------------------------------------------------------

NO_SEGMENT = ""  # the select box's "untagged" option; Streamlit would show a None option as no choice


def segment_select(board: storage.Board, *, key: str, current: str | None = None) -> str | None:
    """A 'tag with a segment' select box: the chosen segment's id, or None for an untagged note."""
    names = {NO_SEGMENT: "No segment"} | {s.id: s.name for s in board.segments}
    options = list(names)
    chosen = st.selectbox("Customer segment", options, format_func=lambda sid: names.get(sid, "(deleted segment)"),
                          index=options.index(current) if current in names else 0, key=key,
                          help=SEGMENT_COLOUR_HELP)
    return chosen or None


def chosen_segment(key: str) -> str | None:
    """What the ``segment_select`` of ``key`` chose, read in a callback: a segment id or None."""
    return st.session_state[key] or None


def popover_key(prefix: str) -> str:
    """The Add popover's key: ``<prefix>_open``, then a new one after each note added."""
    saved = st.session_state.get(f"{prefix}_round", 0)
    return f"{prefix}_open" if saved == 0 else f"{prefix}_open_{saved}"


def note_forms(board: storage.Board, block: Block) -> None:
    """The block's Add and Edit popovers. Their content is drawn only while one is open (eight
    blocks of forms drawn closed made every board rerun, a live redraw included, several times
    longer); a draft typed in Add and left by closing it is kept for the next opening."""
    canvas_id = board.canvas.id
    prefix = f"board_add_{block.value}"
    text_key = f"{prefix}_text"
    row = st.container(horizontal=True, gap="small", key=f"board_tools_{block.value}")
    # Keyed and tracked, so a successful add can close it (add_note); not a form, so the colour
    # can be asked only while no segment is chosen.
    add = row.popover("Add", icon=":material/add:", help=f"Add a note to {BLOCKS[block].title}",
                      key=popover_key(prefix), on_change=drafts.keep, args=(text_key,))
    if add.open:
        with add:
            drafts.restore(text_key)
            st.text_area("Note", key=text_key, max_chars=NOTE_MAX_CHARS, height=90,
                         placeholder=BLOCKS[block].questions[0])
            if segment_select(board, key=f"{prefix}_segment") is None:
                st.selectbox("Colour", list(NOTE_COLOURS), key=f"{prefix}_colour")
            st.button("Add note", type="primary", key=f"{prefix}_submit", on_click=add_note,
                      args=(canvas_id, block))
    notes = board.notes[block]
    # Keyed and tracked as well: it stays open through the reruns of others' changes and of a
    # conflict. Closing it without saving drops the form's changes, as a dialog's Cancel does.
    edit = row.popover("Edit", icon=":material/edit:", disabled=not notes, help="Edit, reorder or delete a note",
                       key=f"board_edit_{block.value}_open", on_change="rerun")
    if not notes or not edit.open:
        return
    with edit:
        by_id = {n.id: n for n in notes}
        # Keyed by note id, not position, so the selection follows a note as it moves.
        picked = st.selectbox("Note", list(by_id), key=f"board_pick_{block.value}",
                              format_func=lambda nid: by_id[nid].text[:40])
        note = by_id.get(picked, notes[0])
        note_prefix = f"board_note_{note.id}"
        colours = dict(COLOUR_NAMES)
        colours.setdefault(note.colour, "Custom")
        # The version the boxes were loaded from, not the note's now: see ui/live.form_version.
        version = live.form_version(note_prefix, f"{note_prefix}_text", note.version)
        with st.form(note_prefix, border=False):
            st.text_area("Text", value=note.text, key=f"{note_prefix}_text", max_chars=NOTE_MAX_CHARS, height=90)
            segment_select(board, key=f"{note_prefix}_segment", current=note.segment_id)
            if note.segment_id in board.segments_by_id:
                st.caption("Its colour is its segment's. Choose “No segment” and save to give it a colour of "
                           "its own.")
            else:
                st.selectbox("Colour", list(colours), index=list(colours).index(note.colour),
                             format_func=colours.__getitem__, key=f"{note_prefix}_colour")
            edit_buttons(note_prefix, edit_note, (canvas_id, note.id, version), delete_help="Delete")


def edit_buttons(prefix: str, on_click, args: tuple, *, delete_help: str) -> None:
    """Save, move up, move down and delete: the submit buttons of the edit form ``prefix``.

    ``on_click(*args, command)`` does the work."""
    with st.container(horizontal=True, gap="small"):
        st.form_submit_button("Save", type="primary", key=f"{prefix}_save", on_click=on_click, args=(*args, "save"))
        for command, icon, help_ in (("up", "arrow_upward", "Move up"), ("down", "arrow_downward", "Move down"),
                                     ("delete", "delete", delete_help)):
            st.form_submit_button("", icon=f":material/{icon}:", help=help_, key=f"{prefix}_{command}",
                                  on_click=on_click, args=(*args, command))


def segment_forms(board: storage.Board) -> None:
    canvas_id = board.canvas.id
    next_colour = next_segment_colour(s.colour for s in board.segments)
    row = st.container(horizontal=True, gap="small", key="board_tools_customer_segments")
    with row.popover("Add", icon=":material/add:", help="Add a customer segment", key=popover_key("board_add_segment"),
                     on_change="rerun"):
        with st.form("board_add_segment", border=False):
            st.text_input("Segment name", key="board_add_segment_name", max_chars=SEGMENT_NAME_MAX_CHARS,
                          placeholder="e.g. Office teams")
            st.text_area("Who they are", key="board_add_segment_description", height=70,
                         max_chars=SEGMENT_DESCRIPTION_MAX_CHARS)
            st.color_picker("Colour", value=next_colour, key="board_add_segment_colour")
            st.number_input("Estimated size (customers)", min_value=0, step=100, value=None,
                            key="board_add_segment_size")
            st.form_submit_button("Add segment", type="primary", on_click=add_segment, args=(canvas_id,))
    segments = board.segments
    with row.popover("Edit", icon=":material/edit:", disabled=not segments,
                     help="Edit, reorder or delete a segment", key="board_edit_segment_open", on_change="rerun"):
        if not segments:
            return
        by_id = {s.id: s for s in segments}
        picked = st.selectbox("Segment", list(by_id), key="board_pick_segment",
                              format_func=lambda sid: by_id[sid].name)
        segment = by_id.get(picked, segments[0])
        prefix = f"board_segment_{segment.id}"
        version = live.form_version(prefix, f"{prefix}_name", segment.version)
        with st.form(prefix, border=False):
            st.text_input("Segment name", value=segment.name, key=f"{prefix}_name", max_chars=SEGMENT_NAME_MAX_CHARS)
            st.text_area("Who they are", value=segment.description, key=f"{prefix}_description", height=70,
                         max_chars=SEGMENT_DESCRIPTION_MAX_CHARS)
            st.color_picker("Colour", value=segment.colour, key=f"{prefix}_colour")
            st.number_input("Estimated size (customers)", min_value=0, step=100, value=segment.estimated_size,
                            key=f"{prefix}_size")
            edit_buttons(prefix, edit_segment, (canvas_id, segment.id, version),
                         delete_help="Delete (its notes stay, untagged)")


def draw_block(board: storage.Board, block: Block) -> None:
    info = BLOCKS[block]
    with st.container(border=True, height="stretch", key=f"board_block_{block.value}"):
        st.markdown(f"{info.icon} **{info.title}**", help="\n".join(f"- {q}" for q in info.questions))
        if block == Block.CUSTOMER_SEGMENTS:
            if access.can_edit(board.canvas.id):  # a view link draws no add, edit or delete controls
                segment_forms(board)
            markup.show(st, markup.segments_html(board.segments))
        else:
            if access.can_edit(board.canvas.id):
                note_forms(board, block)
            currency = board.canvas.currency
            if block == Block.CUSTOMER_RELATIONSHIPS:
                markup.show(st, markup.relationship_summary_html(board.segments, board.relationships, currency))
                st.page_link("pages/relationships.py", label="Design relationships", icon=":material/tune:",
                             query_params={"canvas": board.canvas.id})
            elif block == Block.COST_STRUCTURE:
                markup.show(st, markup.relationship_costs_html(board.segments, board.relationships, currency))
            markup.show(st, markup.notes_html(board.notes[block], board.segments_by_id))


# --- Page -------------------------------------------------------------------------------------

heading, status = st.columns([3, 1], vertical_alignment="bottom")
with frame.session() as db:
    canvas = frame.current_canvas(db)
    frame.canvas_picker(db, canvas, where=status)
    board = storage.load_board(session=db, canvas_id=canvas.id, author=current_author()) if canvas is not None else None
if board is None:
    st.stop()
frame.remember_version(board.canvas)
frame.show_flash()

markup.show(heading, markup.title_html(board.canvas.name, board.canvas.description))
with status.container(horizontal=True, horizontal_alignment="right", vertical_alignment="center", gap="small"):
    identity.ask_name()  # optional: "You: Ana", or "Your name" until one is given
    saved_at = board.canvas.updated_at.strftime("%d %b %Y, %H:%M UTC")
    st.caption(f":green[:material/cloud_done: Saved] · v{board.canvas.version}", width="content", wrap=False,
               help=f"Every change is saved as you make it. Last saved {saved_at}.")
    if access.can_edit(board.canvas.id):  # a view link has nothing to undo
        st.button(
            "Undo", icon=":material/undo:", key="board_undo", on_click=undo, args=(board.canvas.id,),
            disabled=board.last_change is None,
            help=f"Undo: {markup.literal(board.last_change)}" if board.last_change else "Nothing to undo",
        )
        st.page_link("pages/history.py", label="History", icon=":material/history:", width="content",
                     query_params={"canvas": board.canvas.id}, help="Every change, snapshots, compare and restore")
    exports.share_menu(board.canvas.id, key="board_share")

with st.container(key="board_top"):
    for column, blocks in zip(st.columns(len(BOARD_TOP), gap="small"), BOARD_TOP):
        with column:
            for block in blocks:
                draw_block(board, block)
with st.container(key="board_bottom"):
    for column, block in zip(st.columns(len(BOARD_BOTTOM), gap="small"), BOARD_BOTTOM):
        with column:
            draw_block(board, block)
exports.attribution()  # the canvas's licence (CC BY-SA 3.0, Strategyzer)
live.watch(board.canvas)  # others' changes redraw the board (ui/live.py)
