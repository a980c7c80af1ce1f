"""The library: every saved canvas, a new one, and the trash."""

import streamlit as st

from canvas import storage
from canvas.domain.models import CANVAS_NAME_MAX_CHARS, CURRENCIES, CanvasCreate, CanvasUpdate
from canvas.library import exchange
from canvas.ui import access, bundles, frame, markup
from canvas.ui import exports as share
from canvas.ui.identity import current_author

frame.page_frame("library")
frame.inject_css()
frame.keep_canvas_in_url()

OPEN = "lib_open"  # a canvas to open on the board, set by a callback (callbacks cannot switch pages)


def create() -> None:
    def action(db):
        canvas = storage.create_canvas(
            session=db,
            data=storage.parse(
                CanvasCreate, name=st.session_state["lib_new_name"],
                description=st.session_state["lib_new_description"],
                currency=st.session_state["lib_new_currency"],
            ),
        )
        st.session_state["lib_new_name"] = ""
        st.session_state["lib_new_description"] = ""
        return canvas

    canvas = frame.act(action)
    if canvas:
        open_on_board(canvas.id)
        frame.flash("success", f"Created “{canvas.name}”: add its first notes here on the board")


def open_on_board(canvas_id: str) -> None:
    frame.open_canvas(canvas_id)
    st.session_state[OPEN] = canvas_id


def rename(canvas_id: str) -> None:
    frame.act(
        lambda db: storage.update_canvas(
            session=db, canvas_id=canvas_id, expected_version=frame.seen_version(canvas_id), author=current_author(),
            data=storage.parse(
                CanvasUpdate, name=st.session_state[f"lib_name_{canvas_id}"],
                description=st.session_state[f"lib_description_{canvas_id}"],
            ),
        ),
        done="Canvas details saved",
    )


def duplicate(canvas_id: str) -> None:
    copy = frame.act(lambda db: storage.duplicate_canvas(session=db, canvas_id=canvas_id))
    if copy:
        frame.flash("success", f"Duplicated as “{copy.name}”")


def trash(canvas_id: str) -> None:
    if frame.act(lambda db: storage.trash_canvas(session=db, canvas_id=canvas_id), done="Moved to the trash"):
        frame.forget_canvas(canvas_id)


def restore(canvas_id: str) -> None:
    frame.act(lambda db: storage.restore_canvas(session=db, canvas_id=canvas_id), done="Restored from the trash")


def import_canvas() -> None:
    upload = st.session_state.get(f"lib_import_{st.session_state.get('lib_import_round', 0)}")
    if upload is None:
        frame.flash("error", "Choose a canvas JSON file or bundle first.")
        return
    canvas = bundles.import_upload(upload)
    if canvas:
        st.session_state["lib_import_round"] = st.session_state.get("lib_import_round", 0) + 1
        frame.open_canvas(canvas.id)


def purge(canvas_id: str) -> None:
    frame.act(lambda db: storage.purge_canvas(session=db, canvas_id=canvas_id), done="Deleted for good")


if opening := st.session_state.pop(OPEN, None):
    st.switch_page("pages/board.py", query_params={"canvas": opening})

with frame.session() as db:
    canvases = storage.list_canvases(session=db)
    trashed = storage.list_canvases(session=db, trashed=True)
    exports = {c.id: exchange.dumps(exchange.export_document(session=db, canvas_id=c.id)) for c in canvases}
frame.show_flash()

markup.show(st, markup.LIBRARY_HEADING)

with st.expander("New canvas", icon=":material/add:", expanded=not canvases):
    with st.form("lib_new", border=False):
        st.text_input("Name", key="lib_new_name", max_chars=CANVAS_NAME_MAX_CHARS, placeholder="e.g. Acme 2027")
        st.text_area("Description", key="lib_new_description", height=70)
        st.selectbox("Currency", CURRENCIES, key="lib_new_currency")
        st.form_submit_button("Create canvas", type="primary", on_click=create)

with st.expander("Import a canvas", icon=":material/upload_file:"):
    st.file_uploader(bundles.UPLOAD_LABEL, type=bundles.UPLOAD_TYPES,
                     key=f"lib_import_{st.session_state.get('lib_import_round', 0)}")
    st.button("Import as a new canvas", on_click=import_canvas, key="lib_import_button")

on_screen = st.query_params.get("canvas")
for canvas in canvases:
    frame.remember_version(canvas)
    with st.container(border=True, key=f"lib_canvas_{canvas.id}", horizontal=True, vertical_alignment="center"):
        with st.container(width="stretch", gap=None):
            markup.show(st, markup.canvas_name_markdown(canvas.name, open_now=canvas.id == on_screen))
            markup.show(st, markup.canvas_details_markdown(canvas.description, canvas.updated_at, canvas.version),
                        caption=True)
        st.button("Open", icon=":material/open_in_new:", key=f"lib_open_{canvas.id}", type="primary",
                  on_click=open_on_board, args=(canvas.id,), help="Open this canvas on the board")
        with st.popover("Rename", icon=":material/edit:"):
            with st.form(f"lib_edit_{canvas.id}", border=False):
                st.text_input("Name", value=canvas.name, key=f"lib_name_{canvas.id}",
                              max_chars=CANVAS_NAME_MAX_CHARS)
                st.text_area("Description", value=canvas.description, key=f"lib_description_{canvas.id}")
                st.form_submit_button("Save", type="primary", on_click=rename, args=(canvas.id,))
        st.download_button("Export", exports[canvas.id].encode(), file_name=f"{canvas.id}.canvas.json",
                           mime="application/json", icon=":material/download:", key=f"lib_export_{canvas.id}",
                           help="The whole canvas as one JSON document (see docs/canvas-format.md)")
        st.download_button("Bundle", bundles.bundle_data(canvas.id), file_name=bundles.file_name(canvas.id),
                           mime="application/zip", icon=":material/folder_zip:", key=f"lib_bundle_{canvas.id}",
                           help=bundles.DOWNLOAD_HELP)
        st.page_link("pages/history.py", label="History", icon=":material/history:", query_params={"canvas": canvas.id},
                     help="Every change to this canvas, its snapshots; compare and restore points")
        share.share_menu(canvas.id, key=f"lib_share_{canvas.id}")
        st.button("Duplicate", icon=":material/content_copy:", key=f"lib_dup_{canvas.id}",
                  on_click=duplicate, args=(canvas.id,))
        st.button("Trash", icon=":material/delete:", key=f"lib_trash_{canvas.id}",
                  on_click=trash, args=(canvas.id,), help="Move to the trash; it can be restored")
        with frame.session() as db:
            access.share_panel(canvas, db=db, act=frame.act)  # view and edit links, each revocable

if trashed:
    st.subheader("Trash")
    for canvas in trashed:
        with st.container(border=True, key=f"lib_trashed_{canvas.id}", horizontal=True, vertical_alignment="center"):
            markup.show(st, markup.trashed_canvas_markdown(canvas.name, canvas.deleted_at), width="stretch")
            st.button("Restore", icon=":material/restore_from_trash:", key=f"lib_restore_{canvas.id}",
                      on_click=restore, args=(canvas.id,))
            st.button("Delete for good", key=f"lib_purge_{canvas.id}", on_click=purge, args=(canvas.id,),
                      help="Cannot be undone")
