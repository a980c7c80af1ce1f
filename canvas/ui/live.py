"""Live updates: a page that shows one canvas redraws by itself when someone else changes it.

A page calls ``watch(canvas)`` once per run, after drawing the canvas at ``canvas.version``. A
fragment then runs every ``CHECK_SECONDS`` in this session; it reads the canvas's newest version
from ``storage.live`` (memory kept up to date by one thread per process, no query per session) and,
when the canvas is beyond what this session drew, reruns the whole page, which loads and draws the
canvas again.

A rerun does not lose what the person is typing: widgets with a key keep their values, and text
typed but not yet sent (a text area that still has the focus) stays in the browser; an open
popover with a key stays open (checked in tests/browser/test_live_browser.py).

One race to know of: the browser sends this fragment's request with the widget states it has, so
a request leaving just as a callback closes a keyed popover (by setting its key False) carries
"open" back in, and the popover reopens, empty. Close such popovers by giving them a new key
instead (a counter in the key, bumped by the callback: see ``identity.ask_name``).

Timing: ``storage.live`` polls every 0.25 s and this checks every 0.5 s; a change made elsewhere
was on screen after 1.2 s (median of 10, max 1.8 s, a loaded machine), most of it the page's own
rerun.

An edit form must not follow a redraw silently: its keyed boxes keep what they held (the text
the person is changing), so the item's version the form sends must stay the one those values
were loaded from, or a save after someone else's change would overwrite it unseen. ``form_version``
keeps that version for as long as the form's boxes live.

After such a redraw, a toast per change says who did what ("Ana: Add note “…”"), read from the
change log; changes this browser's author made elsewhere (another tab) are not announced.
"""

from __future__ import annotations

import streamlit as st

from canvas.domain.models import Canvas
from canvas.storage import live
from canvas.ui import frame
from canvas.ui.identity import current_author
from canvas.ui.markup import literal

CHECK_SECONDS = 0.5
TOASTS_MAX = 3  # more changes at once are counted in one more toast
DRAWN = "live_drawn"  # canvas id -> the version this session last drew
REDRAWN_FROM = "live_redrawn_from"  # canvas id -> the version drawn before a redraw for others' changes


def watch(canvas: Canvas) -> None:
    """Call once per page run, after drawing ``canvas``: redraw the page when others change it."""
    before = st.session_state.pop(REDRAWN_FROM, {}).get(canvas.id)  # this run's only: never stale
    if before is not None and canvas.version > before:
        _announce(canvas.id, before)
    st.session_state.setdefault(DRAWN, {})[canvas.id] = canvas.version
    _check(canvas.id)


def newest(canvas_id: str) -> int:
    """The canvas's newest version known to this process (memory only; 0 when unknown)."""
    return live.watcher(frame.engine()).sequence(canvas_id)


def form_version(prefix: str, first_key: str, version: int) -> int:
    """The item's version an edit form's values were loaded from; call before drawing the form.

    ``first_key`` is the key of one of the form's boxes. While that box is in the session state
    it holds what the person saw or typed, and the version it was loaded from is kept under
    ``<prefix>_base``; when it is not (the form is drawn afresh from the item's values), that is
    ``version``, the item's version now. A save passes this version, so a change someone made
    meanwhile is a conflict, not overwritten. After a save or a conflict the page calls
    ``set_form_version`` with the version the form now stands on.
    """
    if first_key not in st.session_state:
        st.session_state[f"{prefix}_base"] = version
    return st.session_state.setdefault(f"{prefix}_base", version)


def set_form_version(prefix: str, version: int) -> None:
    """The form of ``prefix`` now stands on ``version``: after its own save, or after a conflict
    (its values are kept, and saving them again replaces the other person's on purpose)."""
    st.session_state[f"{prefix}_base"] = version


@st.fragment(run_every=CHECK_SECONDS)
def _check(canvas_id: str) -> None:
    drawn = st.session_state.get(DRAWN, {}).get(canvas_id)
    if drawn is not None and newest(canvas_id) > drawn:
        st.session_state.setdefault(REDRAWN_FROM, {})[canvas_id] = drawn
        st.rerun(scope="app")


def _announce(canvas_id: str, since: int) -> None:
    """A toast for each change after version ``since`` not made by this browser's author."""
    me = current_author()
    with frame.session() as db:
        changes = live.changes_since(session=db, canvas_id=canvas_id, after_seq=since)
    others = [c for c in changes if me is None or c.author_id != me.id]
    for change in others[:TOASTS_MAX]:
        who = change.author_name or "Someone"
        st.toast(literal(f"{who}: {change.label}"), icon=":material/group:")
    if len(others) > TOASTS_MAX:
        st.toast(f"and {len(others) - TOASTS_MAX} more changes", icon=":material/group:")
