"""The projector's presentation view of a workshop: the notes full screen, the timer and the code."""

from __future__ import annotations

import streamlit as st

from canvas.domain.errors import CanvasError
from canvas.ui import frame, markup
from canvas.ui.markup import escape_text
from canvas.ui.workshop.common import (
    REFRESH_SECONDS,
    block_heading,
    block_question,
    code_html,
    inject_presentation_css,
    origin,
    plural,
    qr_html,
    sticky_notes_html,
    timer_html,
)
from canvas.ui.workshop.facilitator import present
from canvas.workshop import codes
from canvas.workshop import store as workshops
from canvas.workshop.voting import VoteState

# --- Presentation (projector) -------------------------------------------------------------------

def presentation(workshop_id: str, token: str) -> None:
    inject_presentation_css()
    st.button("Controls", icon=":material/arrow_back:", key="ws_present_off", on_click=present, args=(False,),
              type="tertiary", help="Back to the facilitator's controls")
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
