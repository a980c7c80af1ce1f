"""The history of the current canvas: who changed what and when, snapshots, comparing two points
and restoring one (as a new version that Undo reverts)."""

import streamlit as st

from canvas import storage
from canvas.ui import frame, live, markup
from canvas.ui import history as ui
from canvas.ui.identity import current_author
from canvas.ui.markup import literal

frame.page_frame("history")
frame.inject_css()
markup.show(st, ui.HISTORY_CSS)  # static CSS, no user text

with frame.session() as db:
    canvas = frame.page_heading(db, "History", "every change, snapshots, compare and restore")
    history = storage.load_history(session=db, canvas_id=canvas.id)
    last_change = storage.last_undoable(session=db, canvas_id=canvas.id, author=current_author())
frame.remember_version(history.canvas)
frame.show_flash()

with st.container(horizontal=True, vertical_alignment="center", gap="small"):
    st.caption(f"Now at v{history.current} · {len(history.changes)} changes recorded · a point is a version: "
               "the canvas as it was after that change.", width="stretch")
    st.page_link("pages/board.py", label="Board", icon=":material/dashboard:", query_params={"canvas": canvas.id})
    st.button("Undo", icon=":material/undo:", key="hist_undo", on_click=ui.undo, args=(canvas.id,),
              disabled=last_change is None,
              help=f"Undo: {literal(last_change)}" if last_change else "Nothing of yours to undo")
if starts := ui.where_it_starts(history):
    st.info(starts, icon=":material/info:")

timeline_col, side_col = st.columns([3, 2], gap="large")
with timeline_col:
    st.subheader("Timeline")
    ui.timeline(history)
with side_col:
    st.subheader("Go back to a point")
    ui.go_back(history)
    st.subheader("Snapshots")
    ui.snapshots(history)

st.subheader("Compare two points")
ui.compare(history)
live.watch(history.canvas)  # others' changes redraw the page (ui/live.py)
