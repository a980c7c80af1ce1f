"""The workshop page: a facilitator runs a workshop on the canvas; participants join by code.

Who sees what: a session that started a workshop (its token in this session only) gets the
facilitator's controls, or the presentation view with ``?view=present``; a session that joined
gets the participant's phone view; anyone else the join form (prefilled by ``?join=CODE``) and,
for the current canvas, the form to start a workshop.
"""

import streamlit as st

from canvas.ui import frame
from canvas.ui import workshop as ui

frame.page_frame("workshop")
ui.inject_css()

ui.restore(join_code=st.query_params.get("join", ""), workshop_id=st.query_params.get("workshop"))
ui.write_cookies()
host = st.session_state.get(ui.HOST)
guest = st.session_state.get(ui.GUEST)
join_code = st.query_params.get("join", "")

if host and not join_code:
    if st.query_params.get("view") == "present":
        ui.presentation(host["workshop_id"], host["token"])
    else:
        ui.facilitator(host["workshop_id"], host["token"])
elif guest:
    ui.participant(guest["workshop_id"], guest["token"])
else:
    ui.show_messages()
    if join_code:
        ui.join_form(join_code)
    else:
        with frame.session() as db:
            canvas = frame.page_heading(db, "Workshop", "run a workshop, or join one")
        join_col, start_col = st.columns(2, gap="large")
        with join_col:
            ui.join_form()
        with start_col:
            ui.start_form(canvas)
