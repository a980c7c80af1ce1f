"""What every page shares: the engine, the current canvas, the canvas picker, actions and messages.

The engine is one per process; the current canvas comes from the URL (or this session); the
plumbing turns a user's action into a storage call with the version the user
was looking at, with any mistake shown as a message instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session

from canvas import storage
from canvas.domain.errors import CanvasError, CanvasNotFound, DatabaseUnavailable
from canvas.domain.models import Canvas
from canvas.library.demo import ensure_demo
from canvas.storage.access import as_system
from canvas.storage.leftovers import sweep_dataset_files
from canvas.ui import access, markup

# Keys shared by every page; set up in app.py. Page-only keys carry the page's prefix.
SEEN_VERSIONS = "seen_versions"  # canvas id -> the version the user last saw
FLASH = "flash"  # messages to show on the next run: list of (kind, text)
ROUTED = "routed"  # True once app.py's router has run in this session
DEEP_LINK = "deep_link"  # (url path, query params) of a page opened before the router ran
# The canvas on screen. Streamlit's navigation bar drops the query string, so the page a click
# opens takes its canvas from here when ``?canvas=`` is missing, and puts it back in the URL.
CURRENT_CANVAS = "current_canvas"
SHARED_DEFAULTS: dict[str, Any] = {SEEN_VERSIONS: {}, FLASH: []}
# The tab's icon, four tiles of a board, inline: Streamlit sends an SVG as a data: URL, where a
# ":material/...:" icon makes every browser fetch it from a font CDN (another host on each visit).
FAVICON_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><g fill="#1F77B4">'
               '<rect x="3" y="3" width="8" height="10" rx="1.5"/><rect x="13" y="3" width="8" height="6" rx="1.5"/>'
               '<rect x="3" y="15" width="8" height="6" rx="1.5"/><rect x="13" y="11" width="8" height="10" rx="1.5"/>'
               "</g></svg>")


def start_router() -> None:
    """Set up the shared session state; called by app.py on every run, before navigation."""
    for key, value in SHARED_DEFAULTS.items():
        st.session_state.setdefault(key, type(value)(value))
    st.session_state[ROUTED] = True


# --- Deep links to a fresh server -------------------------------------------------------------
# Why the pages need a first line at all: Streamlit still serves the legacy ``pages/`` folder
# next to the entry point until some session of the server has run ``st.navigation``. Its
# reference says "As soon as any session of your app executes the st.navigation command, your
# app will ignore the pages/ directory (across all sessions)"
# (https://docs.streamlit.io/develop/api-reference/navigation/st.navigation); before that, a
# fresh server's first request for /metrics runs pages/metrics.py alone, without app.py
# (``PagesManager.uses_pages_directory`` and ``_mpa_v1`` in streamlit/runtime/pages_manager.py
# and scriptrunner/script_runner.py, checked in 1.67; the maintainers saw the same in review of
# https://github.com/streamlit/streamlit/pull/10276): no page config, no shared state, no
# navigation bar. No config option turns this off; the only way out is to have no ``pages/``
# folder beside app.py, and the product keeps that name. So a page run without the router hands
# itself back to app.py, which opens the same page with the same query parameters. Drop this
# (here, in app.py and the pages' first lines) if the folder is ever renamed.

def page_frame(url_path: str) -> None:
    """Call first in every page, with the page's ``url_path`` in app.py ("" for the board).

    On a run that did not come through app.py (see above), remembers the link and reruns as
    app.py; that run's ``follow_deep_link`` opens it.
    """
    if not st.session_state.get(ROUTED):
        st.session_state[DEEP_LINK] = (url_path, st.query_params.to_dict())
        st.switch_page("app.py")
    access.gate(session)  # the share link checked again, or the sign-in page (ui/access.py)
    access.check_page(url_path)  # a share link opens only its canvas's board, relationships and metrics


def follow_deep_link(pages: list[Any]) -> None:
    """After ``st.navigation`` in app.py: open the page a deep link asked for before the router
    ran (set by ``page_frame``), keeping its query parameters (``?canvas=`` and the filters)."""
    link = st.session_state.pop(DEEP_LINK, None)
    if link:
        path, query = link
        target = next((p for p in pages if p.url_path == path), None)
        if target is not None:
            st.switch_page(target, query_params=query)


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    engine = storage.make_engine(url)
    with Session(engine) as session, as_system():  # the server's own work, whoever's visit started it
        ensure_demo(session=session)
        sweep_dataset_files(session=session)  # what saves killed in an earlier run left on disk
    return engine


def engine() -> Engine:
    """The process-wide engine; on a database error, the page shows the message and stops."""
    try:
        return _engine(storage.database_url())
    except DatabaseUnavailable as error:
        st.error(f"**The database is not available.** {markup.literal(str(error))}", icon=":material/error:")
        st.stop()
        raise  # st.stop() raises; this keeps type checkers informed


@contextmanager
def session() -> Iterator[Session]:
    """One Session for one unit of work (a page run or an action).

    A database that is busy (the pool's timeout) or stops answering raises ``DatabaseUnavailable``
    with a message (``storage.as_user_error``): ``act`` shows it as a flash, ``run_page`` on the page.
    """
    with storage.work_session(engine()) as db:
        yield db


def run_page(page: Any) -> None:
    """Run the page app.py's navigation chose; a database that is busy or away while the page is
    drawn is a message on the page, not a traceback (``act`` does the same for actions)."""
    try:
        page.run()
    except DatabaseUnavailable as error:
        st.error(markup.literal(str(error)), icon=":material/hourglass_top:")


def inject_css() -> None:
    markup.show(st, markup.BOARD_CSS)  # static CSS, no user text


# --- The current canvas -----------------------------------------------------------------------

def current_canvas(db: Session) -> Canvas | None:
    """The canvas named by ``?canvas=``; else the one this browser session had on screen; else the
    most recently changed one. The answer is put in the URL, so every page keeps it.

    Shows a message and returns None when the id is unknown or there is no canvas at all.
    """
    canvas_id = st.query_params.get("canvas")
    if (pinned := access.link_canvas_id()) and canvas_id not in (None, pinned):
        st.error(access.OTHER_CANVAS, icon=":material/lock:")
        return None
    canvas_id = canvas_id or pinned
    if canvas_id:
        try:
            canvas = storage.get_canvas(session=db, canvas_id=canvas_id)
        except CanvasNotFound as error:
            st.error(markup.literal(str(error)), icon=":material/search_off:")  # quotes the URL's ?canvas=
            return None
        st.session_state[CURRENT_CANVAS] = canvas.id
        return canvas
    remembered = st.session_state.get(CURRENT_CANVAS)
    if remembered:
        try:
            canvas = storage.get_canvas(session=db, canvas_id=remembered)
        except CanvasNotFound:  # trashed or deleted since: fall back to the most recent one
            st.session_state.pop(CURRENT_CANVAS, None)
        else:
            open_canvas(canvas.id)
            return canvas
    canvases = storage.list_canvases(session=db)
    if not canvases:
        st.info("There is no canvas yet. Create one in the **Library**, or run `python -m canvas demo`.")
        return None
    open_canvas(canvases[0].id)
    return canvases[0]


def keep_canvas_in_url() -> None:
    """For pages about no one canvas (the library): keep the current canvas in the URL, so the
    links and the navigation bar from there go back to it."""
    remembered = st.session_state.get(CURRENT_CANVAS)
    if remembered and not st.query_params.get("canvas"):
        st.query_params["canvas"] = remembered


def open_canvas(canvas_id: str) -> None:
    """Make ``canvas_id`` the current canvas (callback-safe)."""
    st.query_params["canvas"] = canvas_id
    st.session_state[CURRENT_CANVAS] = canvas_id


def forget_canvas(canvas_id: str) -> None:
    """``canvas_id`` is gone (trashed): stop showing it as the current canvas."""
    if st.session_state.get(CURRENT_CANVAS) == canvas_id:
        del st.session_state[CURRENT_CANVAS]
    if st.query_params.get("canvas") == canvas_id:
        del st.query_params["canvas"]


def remember_version(canvas: Canvas) -> None:
    """Record the canvas version the user is looking at; a change of the canvas's own details
    (the library's rename) is checked against it. Notes, segments and designs carry their own
    versions, which the page passes with each edit."""
    st.session_state[SEEN_VERSIONS][canvas.id] = canvas.version


def seen_version(canvas_id: str) -> int:
    return st.session_state[SEEN_VERSIONS].get(canvas_id, -1)


def page_heading(db: Session, title: str, about: str) -> Canvas:
    """A page's heading (title, then "<canvas name>: <about>") with the canvas picker beside it;
    returns the current canvas, or stops the page when there is none to show."""
    heading, picker = st.columns([3, 1], vertical_alignment="bottom")
    canvas = current_canvas(db)
    canvas_picker(db, canvas, where=picker)
    if canvas is None:
        st.stop()
    markup.show(heading, markup.title_html(title, f"{canvas.name}: {about}"))
    return canvas


def canvas_picker(db: Session, current: Canvas | None, *, where: Any = None) -> None:
    """A select box that switches the current canvas (and the URL); in ``where`` or the sidebar."""
    canvases = [c for c in storage.list_canvases(session=db) if access.may_view(c.id)]
    if not canvases:
        return
    ids = [c.id for c in canvases]
    names = {c.id: c.name for c in canvases}
    index = ids.index(current.id) if current is not None and current.id in ids else None

    def switch() -> None:
        chosen = st.session_state.get("nav_canvas_picker")
        if chosen:
            open_canvas(chosen)

    (where or st.sidebar).selectbox(
        "Canvas", ids, index=index, format_func=names.__getitem__, key="nav_canvas_picker",
        on_change=switch, placeholder="Choose a canvas", label_visibility="collapsed" if where else "visible",
    )


# --- Actions ----------------------------------------------------------------------------------

def flash(kind: str, text: str) -> None:
    """Keep a message for ``show_flash``: plain text (names and errors quote user text), shown
    literally, never as Markdown."""
    st.session_state[FLASH].append((kind, text))


def show_flash() -> None:
    """Show the messages left by the actions of this run, then forget them.

    They go into a container drawn on every run, message or not, so a message never shifts the
    page below it: an open popover there stays open (and keeps what is typed in it)."""
    slot = st.container(key="flash")
    for kind, text in st.session_state[FLASH]:
        if kind == "error":
            slot.error(markup.literal(text), icon=":material/warning:")
        elif kind == "info":
            slot.info(markup.literal(text), icon=":material/info:")
        else:
            st.toast(markup.literal(text), icon=":material/check_circle:")
    st.session_state[FLASH] = []


def act(action: Callable[[Session], Any], *, done: str | None = None) -> Any:
    """Run one user action in its own unit of work; a user mistake becomes a message.

    For use in widget callbacks, which run before the page script: the message is shown by
    ``show_flash`` when the page draws.
    """
    try:
        with session() as db:
            result = action(db)
    except CanvasError as error:
        flash("error", str(error))
        return None
    if done:
        flash("success", done)
    return result
