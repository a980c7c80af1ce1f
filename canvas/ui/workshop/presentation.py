"""The projector's presentation view of a workshop: the notes full screen, the timer and the code."""

from __future__ import annotations

import streamlit as st

from canvas.domain.errors import CanvasError
from canvas.ui import frame, markup
from canvas.ui.workshop.common import (
    block_question,
    block_title,
    code_html,
    inject_presentation_css,
    live_timer,
    origin,
    plural,
    qr_html,
    sticky_notes_html,
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
    with frame.session() as db:
        try:
            view = workshops.presentation_view(session=db, workshop_id=workshop_id, facilitator_token=token)
        except CanvasError as error:
            st.error(markup.literal(str(error)), icon=":material/warning:")
            return
    top, code_col, timer_col = st.columns([3, 1.4, 1.1], vertical_alignment="top")
    with top:
        markup.show(st, f'<div class="ws-present-title">{markup.escape_text(block_title(view))}</div>')
        if view.agenda.current is not None:
            markup.show(st, f'<div class="ws-present-question">{markup.escape_text(block_question(view))}</div>')
    with code_col:
        if view.ended:
            markup.show(st, '<div class="ws-present-join">This workshop has ended. Thank you!</div>')
        else:
            site = (origin() or "").partition("://")[2]  # the scheme is noise on a projector
            markup.show(st, f'<div class="ws-present-join">Join at <b>{markup.escape_text(site)}/{codes.JOIN_PATH}</b> '
                            "with the code</div>")
            markup.show(st, code_html(view.code, small=True))
            link = codes.join_link(view.code, origin=origin())
            if link.startswith("http"):
                markup.show(st, qr_html(link, small=True))
    with timer_col:
        live_timer(view, big=True)
    notes = list(view.notes)
    if view.vote_state == VoteState.CLOSED:
        notes.sort(key=lambda n: -(n.votes or 0))  # the most voted first
    columns = st.columns(4, gap="small")
    for index, column in enumerate(columns):
        with column.container(key=f"ws_present_col_{index}"):
            markup.show(st, '<div class="ws-present">' + sticky_notes_html(notes[index::4], empty="")
                        + "</div>")
    status = [plural(len(view.participants), "participant")]
    if view.hidden_notes:
        status.append(f"{plural(view.hidden_notes, 'note')} still hidden until the facilitator reveals them")
    status.append({VoteState.NONE: "", VoteState.OPEN: f"vote open: {plural(view.votes_cast, 'vote')} cast",
                   VoteState.CLOSED: "vote closed: the most voted first"}[view.vote_state])
    markup.show(st, f'<div class="ws-present-status">{markup.escape_text(" · ".join(p for p in status if p))}</div>')
