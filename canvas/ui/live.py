"""Live updates: a page that shows one canvas redraws by itself when someone else changes it.

A page calls ``watch(canvas)`` once per run, after drawing the canvas at ``canvas.version``. A
fragment then runs every ``CHECK_SECONDS`` in this session; it reads the canvas's newest version
from ``storage.live`` (memory kept up to date by one thread per process, no query per session) and,
when the canvas is beyond what this session drew, reruns the whole page, which loads and draws the
canvas again.

A rerun does not lose what the person is typing: widgets with a key keep their values, and text
typed but not yet sent (a text area that still has the focus) stays in the browser; an open
popover with a key stays open (checked in tests/browser/test_live_browser.py).
"""

from __future__ import annotations

import streamlit as st

from canvas.domain.models import Canvas
from canvas.storage import live
from canvas.ui import frame

CHECK_SECONDS = 1.0
DRAWN = "live_drawn"  # canvas id -> the version this session last drew


def watch(canvas: Canvas) -> None:
    """Call once per page run, after drawing ``canvas``: redraw the page when others change it."""
    st.session_state.setdefault(DRAWN, {})[canvas.id] = canvas.version
    _check(canvas.id)


def newest(canvas_id: str) -> int:
    """The canvas's newest version known to this process (memory only; 0 when unknown)."""
    return live.watcher(frame.engine()).sequence(canvas_id)


@st.fragment(run_every=CHECK_SECONDS)
def _check(canvas_id: str) -> None:
    drawn = st.session_state.get(DRAWN, {}).get(canvas_id)
    if drawn is not None and newest(canvas_id) > drawn:
        st.rerun(scope="app")
