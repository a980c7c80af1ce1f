"""The Streamlit side of the app: the only package of ``canvas`` that imports Streamlit.

``frame`` is what every page shares (the engine, the current canvas kept in the URL, the canvas
picker, actions with their messages); ``markup`` builds every piece of HTML that holds user
text, escaped, and is the one caller of ``unsafe_allow_html``; one helper module per page that
needs one (``relationships``, ``data``, ``metrics``: its caches and background CLV fits); and
``charts`` the Plotly figures. Pages in ``pages/`` import from here and draw.
"""
