"""Shared pieces of the workshop page: the session keys, the CSS, the small HTML helpers, the
ticking timer that also follows the workshop's changes, and the messages kept on screen across
redraws.

How a workshop page stays live (``live_part``): each view is drawn once per run from one read of
the database, and one small fragment per session ticks every ``TICK_SECONDS`` (a phone) or
``SCREEN_TICK_SECONDS`` (the facilitator's screen and the projector). It redraws the
timer from the clock and the count of hidden notes from memory (no query), and compares the
workshop's change counter with the one the view was drawn at, read from memory too
(``storage.live``: one thread a process polls the counters). Only when they differ, or when the
timer runs out, does it rerun the page. An idle session so costs a dictionary read and a few
small elements a second, not a query and a redraw of every note. Phones follow
``shared_version`` (changes every participant sees), the facilitator and the projector
``version`` (every change): thirty people writing hidden notes redraw two screens, not
thirty-two.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import streamlit as st
from sqlmodel import Session
from streamlit.runtime.scriptrunner import get_script_run_ctx

from canvas.domain.blocks import BLOCKS
from canvas.domain.models import Note, utcnow
from canvas.storage import live
from canvas.ui import frame, markup
from canvas.ui.markup import escape_text
from canvas.workshop import codes, qr
from canvas.workshop.agenda import BlockState
from canvas.workshop.store import NoteView, WorkshopView

HOST = "ws_host"  # {"workshop_id": ..., "token": ...} of the workshop this session runs
GUEST = "ws_guest"  # {"workshop_id": ..., "token": ..., "name": ...} of the workshop this session joined
MESSAGES = "ws_messages"  # (kind, text, time.monotonic()) of the messages on screen
TICK_SECONDS = 1
SCREEN_TICK_SECONDS = 0.5
MESSAGE_SECONDS = 12
NO_SEGMENT = ""

WORKSHOP_CSS = """
<style>
div.ws-code { font-size: 3.4rem !important; font-weight: 700; letter-spacing: .1em; line-height: 1.1; margin: 0; }
div.ws-code-small { font-size: 2.6rem !important; font-weight: 700; letter-spacing: .08em; line-height: 1.1; }
div.ws-timer { font-size: 2.6rem !important; font-weight: 700; font-variant-numeric: tabular-nums; line-height: 1.1; }
.ws-timer.ws-up { color: #c62828; }
div.ws-timer.ws-big { font-size: 4.5rem !important; text-align: right; }
.ws-qr svg { display: block; width: 100%; max-width: 240px; height: auto; }
.ws-qr-small svg { width: 170px; max-width: 170px; }
div.ws-link { font-size: .85rem; overflow-wrap: anywhere; margin: 0 0 .4rem; }
.ws-board { margin-bottom: .8rem; }
.ws-board .bmc-notes { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 8px; }
.ws-phone-notes .bmc-note { font-size: 1rem; line-height: 1.35; padding: 10px 12px; }
.ws-phone-notes .bmc-author { font-size: .8rem; }
.ws-present .bmc-note { font-size: 1.6rem; line-height: 1.3; padding: 14px 16px; }
.ws-present .bmc-author { font-size: 1rem; }
.ws-present .bmc-notes { gap: 12px; }
</style>
"""

# The projector's page: no navigation bar, header or sidebar, the whole width for the board, and the
# way back to the controls a small mark in the bottom corner (full strength when pointed at).
PRESENTATION_CSS = """
<style>
header[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
.block-container { padding: 1.2rem 2.2rem 2rem !important; max-width: 100% !important; }
.st-key-ws_present_off { position: fixed; right: 10px; bottom: 8px; z-index: 999990; width: auto !important;
  opacity: .3; transition: opacity .2s; }
.st-key-ws_present_off:hover, .st-key-ws_present_off:focus-within { opacity: 1; }
.st-key-ws_present_off button { min-height: 0; padding: 2px 6px; }
.st-key-ws_present_off button p { font-size: .75rem; }
div.ws-present-title { font-size: 2.8rem; font-weight: 700; line-height: 1.15; margin: 0 0 .4rem; }
div.ws-present-question { font-size: 1.6rem; font-style: italic; color: #444; margin: 0; }
div.ws-present-join { font-size: 1.15rem; color: #444; margin: 0; overflow-wrap: break-word; }
div.ws-present-status { font-size: 1.2rem; color: #555; margin: 0; }
</style>
"""


# --- Small pieces -----------------------------------------------------------------------------

def inject_css() -> None:
    frame.inject_css()
    markup.show(st, WORKSHOP_CSS)  # static CSS, no user text


def inject_presentation_css() -> None:
    markup.show(st, PRESENTATION_CSS)  # static CSS, no user text


def plural(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def clock(seconds: int) -> str:
    """Seconds as "m:ss"."""
    return f"{seconds // 60}:{seconds % 60:02d}"


def timer_html(view: WorkshopView, *, big: bool = False, now: datetime | None = None) -> str:
    """The open block's countdown at ``now`` (when the view was read if None), or the block's
    state (numbers and static words, no user text)."""
    size = " ws-big" if big else ""
    if view.ended or view.agenda.phase != BlockState.OPEN:
        state = "Ended" if view.ended else view.agenda.phase.value.capitalize()
        return f'<div class="ws-timer{size}">{escape_text(state)}</div>'
    remaining = view.remaining_seconds if now is None else view.agenda.remaining_seconds(now)
    up = " ws-up" if remaining == 0 else ""
    return f'<div class="ws-timer{size}{up}">{clock(remaining)}</div>'


def live_timer(view: WorkshopView, *, big: bool = False) -> None:
    """The facilitator's and the projector's timer: ``live_part`` drawing the timer alone."""
    live_part(view, participant=False, draw=lambda now, _hidden: markup.show(st, timer_html(view, big=big, now=now)))


def live_part(view: WorkshopView, *, participant: bool, draw: Callable[[datetime, int], None]) -> None:
    """Call ``draw(now, hidden)`` every ``TICK_SECONDS`` (``hidden``: the notes of the current
    block this viewer cannot see yet, counted in memory), and rerun the page when the workshop has
    changed since ``view`` was read (for a participant, a change every participant sees) or its
    timer has run out since. Call once per run, where the live part goes."""
    (_phone_ticking if participant else _screen_ticking)(view, participant, draw)


def _ticking(view: WorkshopView, participant: bool, draw: Callable[[datetime, int], None]) -> None:
    state = live.watcher(frame.engine()).workshop_state(view.workshop_id)
    now = utcnow()
    if _timed_run():
        newest, drawn = (state.shared_version, view.shared_version) if participant else (state.version, view.version)
        ran_out = view.remaining_seconds > 0 and view.agenda.remaining_seconds(now) == 0  # notes are refused now
        if newest > drawn or ran_out:
            st.rerun(scope="app")
    draw(now, hidden_now(view, state))


def _timed_run() -> bool:
    """Whether this is the fragment's own timed run, not its first drawing inside a run of the page.

    Only timed runs rerun the page: inside a page's run the view was read a moment ago, and a rerun
    asked for there would stop the page half drawn (Streamlit then clears what it has not drawn yet:
    a phone's note box vanished while others' notes kept arriving). The next tick catches the change.
    """
    ctx = get_script_run_ctx(suppress_warning=True)
    return bool(ctx is not None and ctx.fragment_ids_this_run)


# Phones tick once a second; the facilitator's screen and the projector, two screens a room, twice.
_phone_ticking = st.fragment(_ticking, run_every=TICK_SECONDS)
_screen_ticking = st.fragment(_ticking, run_every=SCREEN_TICK_SECONDS)


def hidden_now(view: WorkshopView, state: live.WorkshopState) -> int:
    """The notes ``view``'s viewer cannot see yet, now: the watcher's count of the block's hidden
    notes less the viewer's own, or the view's count while the watcher has not caught up with it."""
    if state.version < view.version:
        return view.hidden_notes
    own_hidden = sum(1 for note in view.notes if not note.revealed)
    return max(0, state.hidden - own_hidden)


def code_html(code: str, *, small: bool = False) -> str:
    return f'<div class="ws-code{"-small" if small else ""}">{escape_text(codes.format_code(code))}</div>'


def qr_html(link: str, *, small: bool = False) -> str:
    """The join link as a QR code (an SVG made by segno from the link; no user text)."""
    return f'<div class="ws-qr{" ws-qr-small" if small else ""}">{qr.qr_svg(link, scale=6)}</div>'


def origin() -> str:
    """The app's address in the browser (scheme, host, base path), or "" when unknown (AppTest)."""
    try:
        url = st.context.url
    except Exception:  # outside a browser session  # noqa: BLE001
        return ""
    if not url:
        return ""
    return url.removesuffix("/").removesuffix(f"/{codes.JOIN_PATH}")


def block_heading(view: WorkshopView) -> str:
    """The current block's title (Markdown, static text of the app)."""
    if view.agenda.current is None:
        return "**Every block is done**"
    info = BLOCKS[view.agenda.current]
    number = next(row.number for row in view.blocks if row.block == view.agenda.current)
    return f"{info.icon} **{number}/9 · {info.title}**"


def block_title(view: WorkshopView) -> str:
    """The current block's title as plain text ("1/9 · Customer Segments")."""
    if view.agenda.current is None:
        return "Every block is done"
    number = next(row.number for row in view.blocks if row.block == view.agenda.current)
    return f"{number}/9 · {BLOCKS[view.agenda.current].title}"


def block_question(view: WorkshopView) -> str:
    return BLOCKS[view.agenda.current].questions[0] if view.agenda.current is not None else ""


def note_label(note: NoteView) -> str:
    """A note in a select box, shortened; not escaped, as Streamlit 1.67 draws options as plain text."""
    text = note.text if len(note.text) <= 60 else note.text[:57] + "…"
    return f"{text} ({', '.join(note.authors)})"  # select boxes show their options as plain text


def note_details(note: NoteView, *, participant: bool) -> list[str]:
    """The small line under a workshop note, as plain text parts: its authors, then what this
    viewer should know (hidden, votes, on the canvas)."""
    details = [", ".join(note.authors)]
    if participant and note.mine and not note.revealed:
        details.append("only you see it (until the reveal)")
    if note.votes is not None:
        details.append(plural(note.votes, "vote"))
    if participant and note.my_votes:
        details.append(f"your votes: {note.my_votes}")
    if note.promoted:
        details.append("on the canvas")
    if not participant and not note.revealed:
        details.append("hidden")
    return details


def sticky_notes_html(notes: tuple[NoteView, ...] | list[NoteView], *, empty: str, participant: bool = False) -> str:
    """Workshop notes drawn as the board's sticky notes, in one element (markup.notes_html escapes
    every text), with ``note_details`` in the small line under the text."""
    drawn = [Note(id=note.id, canvas_id="", block=note.block.value, text=note.text,
                  colour="#FFE98A" if note.revealed else "#E6E6E6",
                  author_name=" · ".join(note_details(note, participant=participant)))
             for note in notes]
    return markup.notes_html(drawn, {}, empty=empty)


def act(action: Callable[[Session], Any], *, done: str | None = None) -> Any:
    """``frame.act``: one unit of work; a user's mistake becomes a message kept on screen for
    ``MESSAGE_SECONDS`` (the live parts redraw every second, which would wipe a plain ``st.error``)."""
    result = frame.act(action, done=done)
    for kind, text in st.session_state.get(frame.FLASH, []):
        say(kind, text)
    st.session_state[frame.FLASH] = []
    return result


def say(kind: str, text: str) -> None:
    """Keep a message ("error", "info" or "success") for the next draws: plain text, shown literally."""
    st.session_state.setdefault(MESSAGES, []).append((kind, text, time.monotonic()))


def show_messages() -> None:
    """Errors and notices for ``MESSAGE_SECONDS``; a success as a toast, once."""
    now = time.monotonic()
    kept = []
    for kind, text, at in st.session_state.get(MESSAGES, []):
        if kind == "success":
            st.toast(markup.literal(text), icon=":material/check_circle:")
        elif now - at < MESSAGE_SECONDS:
            if kind == "error":
                st.error(markup.literal(text), icon=":material/warning:")
            else:
                st.info(markup.literal(text), icon=":material/info:")
            kept.append((kind, text, at))
    st.session_state[MESSAGES] = kept

