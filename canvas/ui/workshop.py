"""The workshop page's Streamlit parts: starting, joining, the facilitator's controls, the
participant's phone view and the projector's presentation view (see pages/workshop.py).

Tokens never go in a URL: the facilitator's (``HOST``) gives the powers of
``canvas.workshop.store``'s facilitator actions, a participant's (``GUEST``) their notes and votes.
They live in ``st.session_state`` and, for a day, in a cookie of the app's own origin (written by
a script in the page, as ``ui.identity`` does), so a reload or another tab of the same browser (the
projector's presentation view) picks them up again (``restore``).
The live parts (timer, notes, participants) are fragments redrawn every second.
"""

from __future__ import annotations

import json
import string
import time
from collections.abc import Callable
from typing import Any

import streamlit as st
from sqlmodel import Session

from canvas.domain.blocks import BLOCKS, Block
from canvas.domain.errors import CanvasError
from canvas.domain.models import NOTE_MAX_CHARS, Canvas, Note
from canvas.storage import list_segments
from canvas.ui import frame, markup
from canvas.ui.identity import current_author
from canvas.ui.markup import escape_text
from canvas.workshop import codes, qr, voting
from canvas.workshop import store as workshops
from canvas.workshop.agenda import DEFAULT_MINUTES, MINUTES_MAX, MINUTES_MIN, BlockState
from canvas.workshop.store import NoteView, WorkshopView
from canvas.workshop.voting import VoteState

HOST_COOKIE = "canvas_workshop_host"  # "<workshop id>.<facilitator token>" (see restore)
GUEST_COOKIE = "canvas_workshop_guest"  # "<workshop id>.<participant token>"
COOKIE_MAX_AGE = 24 * 3600  # seconds: a workshop is a day's work at most
PENDING_COOKIES = "ws_cookies"  # (cookie, value, max age) to write on the next draw
_TOKEN_CHARS = frozenset(string.ascii_letters + string.digits + "-_")
HOST = "ws_host"  # {"workshop_id": ..., "token": ...} of the workshop this session runs
GUEST = "ws_guest"  # {"workshop_id": ..., "token": ..., "name": ...} of the workshop this session joined
MESSAGES = "ws_messages"  # (kind, text, time.monotonic()) of the messages on screen
REFRESH_SECONDS = 1
MESSAGE_SECONDS = 12
NO_SEGMENT = ""

WORKSHOP_CSS = """
<style>
div.ws-code { font-size: 3.4rem !important; font-weight: 700; letter-spacing: .1em; line-height: 1.1; margin: 0; }
div.ws-code-small { font-size: 2.6rem !important; font-weight: 700; letter-spacing: .08em; line-height: 1.1; }
div.ws-timer { font-size: 2.6rem !important; font-weight: 700; font-variant-numeric: tabular-nums; line-height: 1.1; }
.ws-timer.ws-up { color: #c62828; }
div.ws-timer.ws-big { font-size: 4.5rem !important; text-align: right; }
.ws-qr svg { width: 100%; max-width: 260px; height: auto; }
.ws-qr-small svg { max-width: 150px; }
.ws-present .bmc-note { font-size: 1.35rem; padding: 12px 14px; }
.ws-present .bmc-author { font-size: 0.95rem; }
</style>
"""


# --- Small pieces -----------------------------------------------------------------------------

def inject_css() -> None:
    frame.inject_css()
    markup.show(st, WORKSHOP_CSS)  # static CSS, no user text


def plural(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def clock(seconds: int) -> str:
    """Seconds as "m:ss"."""
    return f"{seconds // 60}:{seconds % 60:02d}"


def timer_html(view: WorkshopView, *, big: bool = False) -> str:
    """The open block's countdown, or the block's state (numbers and static words, no user text)."""
    size = " ws-big" if big else ""
    if view.ended or view.agenda.phase != BlockState.OPEN:
        state = "Ended" if view.ended else view.agenda.phase.value.capitalize()
        return f'<div class="ws-timer{size}">{escape_text(state)}</div>'
    up = " ws-up" if view.remaining_seconds == 0 else ""
    return f'<div class="ws-timer{size}{up}">{clock(view.remaining_seconds)}</div>'


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


def block_question(view: WorkshopView) -> str:
    return BLOCKS[view.agenda.current].questions[0] if view.agenda.current is not None else ""


def note_label(note: NoteView) -> str:
    """A note in a select box (Markdown-escaped, shortened)."""
    text = note.text if len(note.text) <= 60 else note.text[:57] + "…"
    return f"{text} ({', '.join(note.authors)})"  # select boxes show their options as plain text


def sticky_notes_html(notes: tuple[NoteView, ...] | list[NoteView], *, empty: str) -> str:
    """Workshop notes drawn as the board's sticky notes (markup.notes_html escapes every text):
    the authors, and the votes once shown, in the small line under the text."""
    drawn = []
    for note in notes:
        line = ", ".join(note.authors)
        if note.votes is not None:
            line += f" · {note.votes} vote{'' if note.votes == 1 else 's'}"
        if note.promoted:
            line += " · on the canvas"
        if not note.revealed:
            line += " · hidden"
        drawn.append(Note(id=note.id, canvas_id="", block=note.block.value, text=note.text,
                          colour="#FFE98A" if note.revealed else "#E6E6E6", author_name=line))
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
    """Keep a message ("error", "info" or "success") for the next draws."""
    st.session_state.setdefault(MESSAGES, []).append((kind, text, time.monotonic()))


def show_messages() -> None:
    """Errors and notices for ``MESSAGE_SECONDS``; a success as a toast, once."""
    now = time.monotonic()
    kept = []
    for kind, text, at in st.session_state.get(MESSAGES, []):
        if kind == "success":
            st.toast(text, icon=":material/check_circle:")
        elif now - at < MESSAGE_SECONDS:
            if kind == "error":
                st.error(text, icon=":material/warning:")
            else:
                st.info(text, icon=":material/info:")
            kept.append((kind, text, at))
    st.session_state[MESSAGES] = kept


# --- Tokens kept in this browser ---------------------------------------------------------------

def cookie_value(workshop_id: str, token: str) -> str:
    """A token's cookie: the workshop id, a dot, the token (both URL-safe: nothing to escape)."""
    return f"{workshop_id}.{token}"


def from_cookie(value: str | None) -> tuple[str, str] | None:
    """(workshop id, token) from a cookie we wrote, or None for anything else."""
    if not value or "." not in value:
        return None
    workshop_id, _, token = value.partition(".")
    if not (0 < len(workshop_id) <= 32 and 0 < len(token) <= 64):
        return None
    if not set(workshop_id + token) <= _TOKEN_CHARS:
        return None
    return workshop_id, token


def remember(cookie: str, workshop_id: str = "", token: str = "") -> None:
    """Keep a token in this browser (or forget it, without a token), on the next draw."""
    value = cookie_value(workshop_id, token) if token else ""
    st.session_state.setdefault(PENDING_COOKIES, []).append((cookie, value, COOKIE_MAX_AGE if token else 0))


def write_cookies() -> None:
    """Write the cookies ``remember`` asked for (a one-line script; values hold only URL-safe characters)."""
    for cookie, value, max_age in st.session_state.pop(PENDING_COOKIES, []):
        if value and from_cookie(value) is None:
            continue
        script = (f'<script>document.cookie = "{cookie}={value}; Max-Age={max_age}; Path=/; SameSite=Strict" + '
                  '(location.protocol === "https:" ? "; Secure" : "");</script>')
        st.html(script, unsafe_allow_javascript=True, width="content")


def _cookies() -> dict[str, str]:
    try:
        return dict(st.context.cookies)
    except Exception:  # outside a browser session  # noqa: BLE001
        return {}


def restore(*, join_code: str, workshop_id: str | None) -> None:
    """A new session (a reload, another tab) takes back the tokens this browser kept, when they
    still open a running workshop (the one ``?workshop=`` or ``?join=`` names, if any)."""
    cookies = _cookies()
    host = from_cookie(cookies.get(HOST_COOKIE))
    if HOST not in st.session_state and host and not join_code and workshop_id in (None, host[0]):
        with frame.session() as db:
            try:
                view = workshops.facilitator_view(session=db, workshop_id=host[0], facilitator_token=host[1])
            except CanvasError:
                view = None
        if view is not None and not view.ended:
            st.session_state[HOST] = {"workshop_id": host[0], "token": host[1]}
    guest = from_cookie(cookies.get(GUEST_COOKIE))
    if GUEST not in st.session_state and guest:
        with frame.session() as db:
            try:
                seen = workshops.participant_view(session=db, workshop_id=guest[0], participant_token=guest[1])
                wanted = codes.normalise_code(join_code) if join_code else seen.code
            except CanvasError:
                return
        if not seen.ended and wanted == seen.code:
            st.session_state[GUEST] = {"workshop_id": guest[0], "token": guest[1], "name": seen.me or ""}


# --- Starting (facilitator) ---------------------------------------------------------------------

def start(canvas_id: str) -> None:
    private = bool(st.session_state.get("ws_start_private", True))
    votes = int(st.session_state.get("ws_start_votes", voting.DEFAULT_VOTES))
    started = act(lambda db: workshops.start_workshop(session=db, canvas_id=canvas_id, private=private,
                                                      vote_allowance=votes))
    if started is not None:
        st.session_state[HOST] = {"workshop_id": started.workshop_id, "token": started.facilitator_token}
        remember(HOST_COOKIE, started.workshop_id, started.facilitator_token)
        st.query_params["workshop"] = started.workshop_id
        say("success", f"Workshop started: the join code is {codes.format_code(started.code)}")


def start_form(canvas: Canvas) -> None:
    with st.container(border=True):
        st.markdown("#### :material/co_present: Run a workshop on this canvas")
        st.caption("You get a join code, a link and a QR code for the room. Participants add notes block by "
                   "block; you reveal, vote, merge and put the best notes on the canvas.")
        st.toggle("Private mode (silent brainstorming: notes hidden until you reveal them)", value=True,
                  key="ws_start_private")
        st.slider("Votes per participant", voting.VOTES_MIN, voting.VOTES_MAX, voting.DEFAULT_VOTES,
                  key="ws_start_votes")
        st.button("Start a workshop", type="primary", icon=":material/play_arrow:", key="ws_start",
                  on_click=start, args=(canvas.id,))


# --- Joining (participant) ----------------------------------------------------------------------

def join() -> None:
    code = st.session_state.get("ws_join_code", "")
    name = st.session_state.get("ws_join_name", "")
    joined = act(lambda db: workshops.join_workshop(session=db, code=code, name=name))
    if joined is not None:
        st.session_state[GUEST] = {"workshop_id": joined.workshop_id, "token": joined.token, "name": joined.name}
        remember(GUEST_COOKIE, joined.workshop_id, joined.token)
        say("success", f"Welcome, {escape_text(joined.name)}!")


def join_form(code: str = "") -> None:
    with st.container(border=True):
        st.markdown("#### :material/login: Join a workshop")
        if code and "ws_join_code" not in st.session_state:
            st.session_state["ws_join_code"] = code
        if "ws_join_name" not in st.session_state:
            author = current_author()
            st.session_state["ws_join_name"] = author.name if author else ""
        st.text_input("Join code", key="ws_join_code", placeholder="K7Q-M4P", max_chars=200,
                      help="Six letters and digits, shown on the facilitator's screen.")
        st.text_input("Your name", key="ws_join_name", placeholder="e.g. Ana", max_chars=60,
                      help="Shown on your notes; unique in the workshop.")
        st.button("Join", type="primary", icon=":material/arrow_forward:", key="ws_join", on_click=join,
                  use_container_width=True)


# --- The facilitator's controls -----------------------------------------------------------------

def host_step(step: Callable[..., Any], done: str, **values: Any) -> None:
    """A facilitator action with this session's token (a button's callback)."""
    host = st.session_state.get(HOST) or {}
    act(lambda db: step(session=db, workshop_id=host.get("workshop_id", ""), facilitator_token=host.get("token"),
                        **values), done=done)


def open_block() -> None:
    host_step(workshops.open_block, "Block opened: the timer runs",
              minutes=int(st.session_state.get("ws_minutes", DEFAULT_MINUTES)))


def extend_block() -> None:
    host_step(workshops.extend_block, "Timer extended", minutes=int(st.session_state.get("ws_extend", 2)))


def merge() -> None:
    into = st.session_state.get("ws_merge_into")
    others = [n for n in st.session_state.get("ws_merge_others", []) if n != into]
    host_step(workshops.merge_notes, "Notes merged", into_note_id=into or "", note_ids=others)
    st.session_state["ws_merge_others"] = []


def promote() -> None:
    host_step(workshops.promote_note, "Note put on the canvas", note_id=st.session_state.get("ws_promote") or "",
              segment_id=st.session_state.get("ws_promote_segment") or None)


def end() -> None:
    host = st.session_state.get(HOST) or {}
    act(lambda db: workshops.end_workshop(session=db, workshop_id=host.get("workshop_id", ""),
                                          facilitator_token=host.get("token"), author=current_author()),
        done="Workshop ended: its summary is saved in the canvas's history")


def present(on: bool) -> None:
    if on:
        st.query_params["view"] = "present"
    elif "view" in st.query_params:
        del st.query_params["view"]


def leave_host() -> None:
    st.session_state.pop(HOST, None)
    remember(HOST_COOKIE)
    for key in ("workshop", "view"):
        if key in st.query_params:
            del st.query_params[key]


def host_sidebar(view: WorkshopView) -> None:
    """The join code, link and QR code (for the room) and who has joined."""
    link = codes.join_link(view.code, origin=origin())
    if view.ended:
        st.caption(f"Workshop {codes.format_code(view.code)} has ended: its code no longer works.")
        return
    markup.show(st, code_html(view.code))
    st.markdown(f"Join at `{link}`")
    if link.startswith("http"):
        markup.show(st, qr_html(link))
    st.caption(":material/info: Keep this tab open to run the workshop. Your facilitator powers are kept in "
               "this browser for a day (never in a link), so its other tabs can show the presentation view.")


def facilitator(workshop_id: str, token: str) -> None:
    """The facilitator's screen: code and QR on the left, the agenda, notes and controls on the right."""
    with frame.session() as db:
        try:
            view = workshops.facilitator_view(session=db, workshop_id=workshop_id, facilitator_token=token)
        except CanvasError as error:
            st.error(str(error), icon=":material/warning:")
            st.button("Start again", on_click=leave_host, key="ws_leave")
            return
    markup.show(st, markup.title_html(f"Workshop on {view.canvas_name}",
                                      "You are the facilitator. Participants join with the code."))
    left, right = st.columns([1, 2], gap="large")
    with left:
        host_sidebar(view)
        with st.container(horizontal=True, gap="small"):
            st.button("Presentation view", icon=":material/slideshow:", key="ws_present", on_click=present,
                      args=(True,), help="The notes full screen for the projector, with the timer and the code")
            st.link_button("In a new tab", f"{origin()}/{codes.JOIN_PATH}?workshop={view.workshop_id}&view=present",
                           icon=":material/open_in_new:",
                           help="The presentation view in another tab of this browser, to drag to the projector")
    with right:
        facilitator_live(workshop_id, token)


@st.fragment(run_every=REFRESH_SECONDS)
def facilitator_live(workshop_id: str, token: str) -> None:
    if (st.session_state.get(HOST) or {}).get("workshop_id") != workshop_id:
        st.rerun(scope="app")  # "Start another workshop" was clicked in here
    with frame.session() as db:
        try:
            view = workshops.facilitator_view(session=db, workshop_id=workshop_id, facilitator_token=token)
        except CanvasError as error:
            st.error(str(error), icon=":material/warning:")
            return
        segments = list_segments(session=db, canvas_id=view.canvas_id) if not view.ended else []
    show_messages()
    if view.ended:
        ended_panel(view, workshop_id, token)
        return
    agenda_strip(view)
    heading, timer = st.columns([3, 1], vertical_alignment="center")
    heading.markdown(block_heading(view))
    if view.agenda.current is not None:
        heading.caption(block_question(view))
    markup.show(timer, timer_html(view))
    agenda_controls(view)
    st.caption(f"{len(view.participants)} joined: {escape_text(', '.join(view.participants)) or 'nobody yet'}")
    markup.show(st, sticky_notes_html(view.notes, empty="No notes on this block yet"))
    if view.notes:
        note_controls(view, segments)
    st.divider()
    st.button("End the workshop", icon=":material/stop_circle:", key="ws_end", on_click=end,
              help="Saves the summary in the canvas's history; the code stops working")


def agenda_strip(view: WorkshopView) -> None:
    marks = {BlockState.DONE: ":material/check:", BlockState.OPEN: ":material/timer:",
             BlockState.LOCKED: ":material/lock:", BlockState.PENDING: ""}
    parts = []
    for row in view.blocks:
        label = f"{marks[row.state]} {row.number}. {row.title}".strip()
        parts.append(f"**{label}**" if row.block == view.agenda.current else label)
    st.caption(" · ".join(parts))


def agenda_controls(view: WorkshopView) -> None:
    phase, current = view.agenda.phase, view.agenda.current
    with st.container(horizontal=True, gap="small", vertical_alignment="bottom"):
        if current is not None and phase != BlockState.OPEN:
            st.number_input("Minutes", MINUTES_MIN, MINUTES_MAX, DEFAULT_MINUTES, key="ws_minutes", width=110)
            st.button("Open" if phase == BlockState.PENDING else "Reopen", type="primary",
                      icon=":material/play_arrow:", key="ws_open", on_click=open_block)
        if phase == BlockState.OPEN:
            st.button("Lock", icon=":material/lock:", key="ws_lock", on_click=host_step,
                      args=(workshops.lock_block, "Block locked: no more notes"))
            st.number_input("Extend by (minutes)", MINUTES_MIN, MINUTES_MAX, 2, key="ws_extend", width=150)
            st.button("Extend", icon=":material/more_time:", key="ws_extend_go", on_click=extend_block)
        if view.hidden_notes or any(not n.revealed for n in view.notes):
            st.button("Reveal notes", icon=":material/visibility:", key="ws_reveal", on_click=host_step,
                      args=(workshops.reveal_notes, "Notes revealed to everyone"))
        if current is not None and view.vote_state != VoteState.OPEN:
            st.button("Start vote" if view.vote_state == VoteState.NONE else "Reopen vote",
                      icon=":material/how_to_vote:", key="ws_vote_start", on_click=host_step,
                      args=(workshops.start_vote, "Vote open"))
        if view.vote_state == VoteState.OPEN:
            st.button(f"Close vote ({view.votes_cast} cast)", icon=":material/how_to_vote:", key="ws_vote_close",
                      type="primary", on_click=host_step, args=(workshops.close_vote, "Vote closed: results shown"))
        if current is not None:
            st.button("Next block", icon=":material/skip_next:", key="ws_next", on_click=host_step,
                      args=(workshops.next_block, "On to the next block"))


def note_controls(view: WorkshopView, segments: list[Any]) -> None:
    by_id = {n.id: n for n in view.notes}
    merge_col, promote_col = st.columns(2, gap="medium")
    with merge_col.container(border=True):
        st.markdown("**Merge duplicates**")
        st.selectbox("Keep this note", list(by_id), format_func=lambda i: note_label(by_id[i]), key="ws_merge_into")
        st.multiselect("Merge these into it", list(by_id), format_func=lambda i: note_label(by_id[i]),
                       key="ws_merge_others")
        st.button("Merge", icon=":material/merge:", key="ws_merge", on_click=merge)
    with promote_col.container(border=True):
        st.markdown("**Put a note on the canvas**")
        candidates = [n.id for n in view.notes if not n.promoted]
        if not candidates:
            st.caption("Every note of this block is on the canvas.")
            return
        st.selectbox("Note", candidates, format_func=lambda i: note_label(by_id[i]), key="ws_promote")
        if view.agenda.current not in (None, Block.CUSTOMER_SEGMENTS) and segments:
            names = {NO_SEGMENT: "No segment"} | {s.id: s.name for s in segments}
            st.selectbox("Customer segment", list(names), format_func=names.__getitem__,
                         key="ws_promote_segment")
        st.button("Promote", icon=":material/publish:", key="ws_promote_go", on_click=promote, type="primary")


def ended_panel(view: WorkshopView, workshop_id: str, token: str) -> None:
    st.success("This workshop has ended. Its summary is saved in the canvas's history.", icon=":material/flag:")
    with frame.session() as db:
        try:
            summary = workshops.workshop_summary(session=db, workshop_id=workshop_id, facilitator_token=token)
        except CanvasError as error:
            st.error(str(error), icon=":material/warning:")
            return
    with st.container(horizontal=True, gap="small"):
        st.download_button("Download summary (text)", summary.as_text(), file_name=f"workshop-{view.code}.txt",
                           mime="text/plain", icon=":material/download:", key="ws_dl_text")
        st.download_button("Download summary (JSON)", json.dumps(summary.as_dict(), indent=2, ensure_ascii=False),
                           file_name=f"workshop-{view.code}.json", mime="application/json",
                           icon=":material/data_object:", key="ws_dl_json")
    st.caption(f"{len(summary.participants)} participants · {len(summary.notes)} notes · "
               f"{sum(1 for n in summary.notes if n['promoted'])} put on the canvas")
    st.button("Start another workshop", key="ws_leave_ended", on_click=leave_host)


# --- Presentation (projector) -------------------------------------------------------------------

def presentation(workshop_id: str, token: str) -> None:
    st.button("Back to the controls", icon=":material/arrow_back:", key="ws_present_off", on_click=present,
              args=(False,), type="tertiary")
    presentation_live(workshop_id, token)


@st.fragment(run_every=REFRESH_SECONDS)
def presentation_live(workshop_id: str, token: str) -> None:
    with frame.session() as db:
        try:
            view = workshops.presentation_view(session=db, workshop_id=workshop_id, facilitator_token=token)
        except CanvasError as error:
            st.error(str(error), icon=":material/warning:")
            return
    top, code_col, timer_col = st.columns([3, 1.3, 1], vertical_alignment="top")
    with top:
        st.markdown(f"### {block_heading(view)}")
        if view.agenda.current is not None:
            st.markdown(f"*{block_question(view)}*")
    with code_col:
        st.caption(f"Join at {escape_text(origin() or '')}/{codes.JOIN_PATH} with the code")
        markup.show(st, code_html(view.code, small=True))
        link = codes.join_link(view.code, origin=origin())
        if link.startswith("http") and not view.ended:
            markup.show(st, qr_html(link, small=True))
    markup.show(timer_col, timer_html(view, big=True))
    if view.ended:
        st.info("This workshop has ended. Thank you!", icon=":material/flag:")
    notes = list(view.notes)
    if view.vote_state == VoteState.CLOSED:
        notes.sort(key=lambda n: -(n.votes or 0))  # the most voted first
    columns = st.columns(4, gap="small")
    for index, column in enumerate(columns):
        with column.container(key=f"ws_present_col_{index}"):
            markup.show(st, '<div class="ws-present">' + sticky_notes_html(notes[index::4], empty="")
                        + "</div>")
    if view.hidden_notes:
        st.caption(f"{plural(view.hidden_notes, 'note')} still hidden until the facilitator reveals them.")
    vote = {VoteState.NONE: "", VoteState.OPEN: f" · vote open: {plural(view.votes_cast, 'vote')} cast",
            VoteState.CLOSED: " · vote closed: the most voted first"}[view.vote_state]
    st.caption(f"{len(view.participants)} joined{vote}")


# --- The participant's phone view ---------------------------------------------------------------

def guest_step(step: Callable[..., Any], done: str | None, **values: Any) -> Any:
    guest = st.session_state.get(GUEST) or {}
    return act(lambda db: step(session=db, workshop_id=guest.get("workshop_id", ""),
                               participant_token=guest.get("token"), **values), done=done)


def add_note() -> None:
    added = guest_step(workshops.add_workshop_note, "Note added", text=st.session_state.get("ws_note_text", ""))
    if added is not None:
        st.session_state["ws_note_text"] = ""


def vote(note_id: str, up: bool) -> None:
    left = guest_step(workshops.cast_vote if up else workshops.withdraw_vote, None, note_id=note_id)
    if left is not None:
        say("success", f"{left} vote{'' if left == 1 else 's'} left")


def leave_guest() -> None:
    st.session_state.pop(GUEST, None)
    remember(GUEST_COOKIE)


def participant(workshop_id: str, token: str) -> None:
    participant_live(workshop_id, token)


@st.fragment(run_every=REFRESH_SECONDS)
def participant_live(workshop_id: str, token: str) -> None:
    if (st.session_state.get(GUEST) or {}).get("workshop_id") != workshop_id:
        st.rerun(scope="app")  # "Join again" was clicked in here
    with frame.session() as db:
        try:
            view = workshops.participant_view(session=db, workshop_id=workshop_id, participant_token=token)
        except CanvasError as error:
            st.error(str(error), icon=":material/warning:")
            st.button("Join again", key="ws_rejoin", on_click=leave_guest)
            return
    show_messages()
    st.caption(f"{escape_text(view.canvas_name)} · you are **{escape_text(view.me or '')}** · "
               f"code {codes.format_code(view.code)}")
    heading, timer = st.columns([3, 1], vertical_alignment="center")
    heading.markdown(block_heading(view))
    if view.agenda.current is not None:
        heading.caption(block_question(view))
    markup.show(timer, timer_html(view))
    if view.note_refusal:
        st.info(view.note_refusal, icon=":material/hourglass_top:")
    else:
        st.text_area("Your idea", key="ws_note_text", max_chars=NOTE_MAX_CHARS, height=90,
                     placeholder=block_question(view))
        st.button("Add note", type="primary", icon=":material/add:", key="ws_note_add", on_click=add_note,
                  use_container_width=True)
    if view.vote_state == VoteState.OPEN:
        st.markdown(f"**Vote:** {view.votes_left} of {view.vote_allowance} votes left")
    elif view.vote_state == VoteState.CLOSED:
        st.markdown("**Vote closed:** the results are shown on the notes")
    if view.private and view.hidden_notes:
        st.caption(f"{plural(view.hidden_notes, 'note')} of others hidden until the facilitator reveals them.")
    if not view.notes:
        st.caption("No notes on this block yet.")
    for note in view.notes:
        note_card(note, view)


def note_card(note: NoteView, view: WorkshopView) -> None:
    with st.container(border=True, key=f"ws_note_{note.id}"):
        st.markdown(escape_text(note.text))
        details = [escape_text(", ".join(note.authors))]
        if note.mine and not note.revealed:
            details.append("only you see it (until the reveal)")
        if note.votes is not None:
            details.append(f"{note.votes} vote{'' if note.votes == 1 else 's'}")
        if note.my_votes:
            details.append(f"your votes: {note.my_votes}")
        if note.promoted:
            details.append("on the canvas")
        st.caption(" · ".join(details))
        if view.vote_state == VoteState.OPEN and note.revealed:
            with st.container(horizontal=True, gap="small"):
                st.button("Vote", icon=":material/add_circle:", key=f"ws_vote_{note.id}", on_click=vote,
                          args=(note.id, True), disabled=not view.votes_left)
                if note.my_votes:
                    st.button("Take back", icon=":material/remove_circle:", key=f"ws_unvote_{note.id}",
                              on_click=vote, args=(note.id, False))
