"""The participant's side of the workshop page: the join form and the phone view (notes and votes)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import streamlit as st

from canvas.domain.errors import CanvasError
from canvas.domain.models import NOTE_MAX_CHARS
from canvas.ui import frame, markup
from canvas.ui.identity import current_author
from canvas.ui.workshop.common import (
    GUEST,
    act,
    block_heading,
    block_question,
    live_part,
    note_details,
    plural,
    say,
    show_messages,
    sticky_notes_html,
    timer_html,
)
from canvas.ui.workshop.tokens import GUEST_COOKIE, remember
from canvas.workshop import codes
from canvas.workshop import store as workshops
from canvas.workshop.store import NoteView, WorkshopView
from canvas.workshop.voting import VoteState

# --- Joining (participant) ----------------------------------------------------------------------

def join() -> None:
    code = st.session_state.get("ws_join_code", "")
    name = st.session_state.get("ws_join_name", "")
    joined = act(lambda db: workshops.join_workshop(session=db, code=code, name=name))
    if joined is not None:
        st.session_state[GUEST] = {"workshop_id": joined.workshop_id, "token": joined.token, "name": joined.name}
        remember(GUEST_COOKIE, joined.workshop_id, joined.token)
        say("success", f"Welcome, {joined.name}!")


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


# --- The participant's phone view ---------------------------------------------------------------

def guest_step(step: Callable[..., Any], done: str | None, **values: Any) -> Any:
    guest = st.session_state.get(GUEST) or {}
    return act(lambda db: step(session=db, workshop_id=guest.get("workshop_id", ""),
                               participant_token=guest.get("token"), **values), done=done)


def add_note() -> None:
    text = st.session_state.get("ws_note_text", "")
    added = guest_step(workshops.add_workshop_note, "Note added", text=text)
    # Added: the box empties (the browser empties it itself as it sends); refused: the text comes back.
    st.session_state["ws_note_text"] = "" if added is not None else text


def vote(note_id: str, up: bool) -> None:
    left = guest_step(workshops.cast_vote if up else workshops.withdraw_vote, None, note_id=note_id)
    if left is not None:
        say("success", f"{left} vote{'' if left == 1 else 's'} left")


def leave_guest() -> None:
    st.session_state.pop(GUEST, None)
    remember(GUEST_COOKIE)


def participant(workshop_id: str, token: str) -> None:
    """The phone view, drawn once per run; ``live_part`` reruns the page when it changes."""
    with frame.session() as db:
        try:
            view = workshops.participant_view(session=db, workshop_id=workshop_id, participant_token=token)
        except CanvasError as error:
            st.error(markup.literal(str(error)), icon=":material/warning:")
            st.button("Join again", key="ws_rejoin", on_click=leave_guest)
            return
    show_messages()
    st.caption(f"{markup.literal(view.canvas_name)} · you are **{markup.literal(view.me or '')}** · "
               f"code {codes.format_code(view.code)}")
    live_part(view, participant=True, draw=lambda now, hidden: header(view, now, hidden))
    if view.note_refusal:
        st.info(markup.literal(view.note_refusal), icon=":material/hourglass_top:")
    else:
        # A form the browser empties as it sends: emptying the box from the server raced with the
        # next timed redraw, which sent the old text back (the box kept a note already added).
        with st.form("ws_note_form", clear_on_submit=True, border=False, enter_to_submit=False):
            st.text_area("Your idea", key="ws_note_text", max_chars=NOTE_MAX_CHARS, height=90,
                         placeholder=block_question(view))
            st.form_submit_button("Add note", type="primary", icon=":material/add:", key="ws_note_add",
                                  on_click=add_note, use_container_width=True)
    if view.vote_state == VoteState.OPEN:
        st.markdown(f"**Vote:** {view.votes_left} of {view.vote_allowance} votes left")
    elif view.vote_state == VoteState.CLOSED:
        st.markdown("**Vote closed:** the results are shown on the notes")
    if view.vote_state == VoteState.OPEN:  # a card a note, with its vote buttons
        if not view.notes:
            st.caption("No notes on this block yet.")
        for note in view.notes:
            note_card(note, view)
    else:  # one element for every note: a room's 600 notes in open mode would be 1,800 elements a rerun
        markup.show(st, '<div class="ws-phone-notes">' + sticky_notes_html(
            view.notes, empty="No notes on this block yet.", participant=True) + "</div>")


def header(view: WorkshopView, now: datetime, hidden: int) -> None:
    """The block, its question and the timer in one row (columns would stack on a phone), then how
    many notes of others are hidden: drawn every second by ``live_part``."""
    with st.container(horizontal=True, vertical_alignment="center", horizontal_alignment="distribute"):
        with st.container(width="stretch"):
            st.markdown(block_heading(view))
            if view.agenda.current is not None:
                st.caption(block_question(view))
        markup.show(st, timer_html(view, now=now), width="content")
    if view.private and hidden:
        st.caption(f"{plural(hidden, 'note')} of others hidden until the facilitator reveals them.")


def note_card(note: NoteView, view: WorkshopView) -> None:
    with st.container(border=True, key=f"ws_card_{note.id}"):
        st.markdown(markup.literal(note.text))
        st.caption(markup.literal(" · ".join(note_details(note, participant=True))))
        if view.vote_state == VoteState.OPEN and note.revealed:
            with st.container(horizontal=True, gap="small"):
                st.button("Vote", icon=":material/add_circle:", key=f"ws_vote_{note.id}", on_click=vote,
                          args=(note.id, True))  # with none left, the click is told why
                if note.my_votes:
                    st.button("Take back", icon=":material/remove_circle:", key=f"ws_unvote_{note.id}",
                              on_click=vote, args=(note.id, False))
