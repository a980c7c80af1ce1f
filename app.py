"""Entry point: page config, shared session state, navigation. No page content here."""

import streamlit as st

from canvas.ui import SHARED_DEFAULTS

st.set_page_config(page_title="Business Model Canvas", page_icon="🧭", layout="wide", initial_sidebar_state="collapsed")

for key, value in SHARED_DEFAULTS.items():
    st.session_state.setdefault(key, type(value)(value))

page = st.navigation(
    [
        st.Page("pages/board.py", title="Canvas board", icon=":material/dashboard:", default=True),
        st.Page("pages/library.py", title="Library", icon=":material/folder_open:", url_path="library"),
    ],
    position="top",
)
page.run()
