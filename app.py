"""Entry point: page config, shared session state, navigation. No page content here."""

import streamlit as st

from canvas.ui import frame

st.set_page_config(page_title="Business Model Canvas", page_icon=frame.FAVICON_SVG, layout="wide",
                   initial_sidebar_state="collapsed")

frame.start_router()

pages = [
    st.Page("pages/board.py", title="Canvas board", icon=":material/dashboard:", default=True),
    st.Page("pages/relationships.py", title="Relationships", icon=":material/handshake:", url_path="relationships"),
    st.Page("pages/metrics.py", title="Metrics", icon=":material/monitoring:", url_path="metrics"),
    st.Page("pages/data.py", title="Customer data", icon=":material/database:", url_path="data"),
    st.Page("pages/library.py", title="Library", icon=":material/folder_open:", url_path="library"),
    st.Page("pages/history.py", title="History", icon=":material/history:", url_path="history"),
    st.Page("pages/workshop.py", title="Workshop", icon=":material/groups:", url_path="workshop"),
]
page = st.navigation(pages, position="top")
frame.follow_deep_link(pages)  # a deep link that reached a page before this router: see frame.page_frame
frame.run_page(page)  # a busy database is a message, not a traceback
