"""The facilitator's side of the workshop page: the form to start a workshop, the controls
(agenda, timer, reveal, vote, merge, promote, end) and the ended workshop's summary."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Any

import streamlit as st

from canvas.domain.blocks import Block
from canvas.domain.errors import CanvasError
from canvas.domain.models import Canvas
from canvas.storage import list_segments
from canvas.ui import frame, markup
from canvas.ui.identity import current_author
from canvas.ui.workshop.common import (
    HOST,
    NO_SEGMENT,
    act,
    block_heading,
    block_question,
    code_html,
    live_timer,
    note_label,
    origin,
    qr_html,
    say,
    show_messages,
    sticky_notes_html,
)
from canvas.ui.workshop.tokens import HOST_COOKIE, remember
from canvas.workshop import codes, voting
from canvas.workshop import store as workshops
from canvas.workshop.agenda import DEFAULT_MINUTES, MINUTES_MAX, MINUTES_MIN, BlockState
from canvas.workshop.store import WorkshopView
from canvas.workshop.voting import VoteState

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



# --- The facilitator's controls -----------------------------------------------------------------

def host_step(step: Callable[..., Any], done: str, **values: Any) -> None:
    """A facilitator action with this session's token (a button's callback)."""
    host = st.session_state.get(HOST) or {}
    act(lambda db: step(session=db, workshop_id=host.get("workshop_id", ""), facilitator_token=host.get("token"),
                        **values), done=done)


def open_block() -> None:
    host_step(workshops.open_block, "Block opened: the timer runs",
              minutes=int(st.session_state.get("ws_minutes", DEFAULT_MINUTES)))


def set_private(private: bool) -> None:
    host_step(workshops.set_private, "Private mode on: new notes stay hidden until you reveal them" if private
              else "Private mode off: new notes are shown to everyone at once", private=private)


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
    st.session_state["ws_promote_segment"] = NO_SEGMENT  # the next note is not tagged by accident


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
    # The address as the href (HTML-escaped only: escape_text's invisible joiners would break it).
    markup.show(st, f'<div class="ws-link">Join at <a href="{html.escape(link)}">{markup.escape_text(link)}</a></div>')
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
            st.error(markup.literal(str(error)), icon=":material/warning:")
            st.button("Start again", on_click=leave_host, key="ws_leave")
            return
        segments = list_segments(session=db, canvas_id=view.canvas_id) if not view.ended else []
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
        facilitator_board(view, segments, token)


def facilitator_board(view: WorkshopView, segments: list[Any], token: str) -> None:
    """The right-hand side: the agenda, the timer, the notes and their controls (or the summary)."""
    show_messages()
    if view.ended:
        ended_panel(view, view.workshop_id, token)  # nothing changes an ended workshop: no live part
        return
    agenda_strip(view)
    heading, timer = st.columns([3, 1], vertical_alignment="center")
    heading.markdown(block_heading(view))
    if view.agenda.current is not None:
        heading.caption(block_question(view))
    with timer:
        live_timer(view)
    agenda_controls(view)
    st.caption(f"{len(view.participants)} joined: {markup.literal(', '.join(view.participants)) or 'nobody yet'}")
    markup.show(st, '<div class="ws-board">' + sticky_notes_html(view.notes, empty="No notes on this block yet")
                + "</div>")
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
        # A button, not a toggle: a toggle's old value, sent back by a timed redraw, switched it back.
        st.button("End private mode" if view.private else "Private mode", key="ws_private",
                  icon=":material/visibility_off:" if not view.private else ":material/visibility:",
                  on_click=set_private, args=(not view.private,),
                  help="Silent brainstorming: new notes stay hidden from the others until you reveal them")
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
            st.error(markup.literal(str(error)), icon=":material/warning:")
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
