"""Drafts that outlive their widgets: text typed in a popover drawn only while it is open.

Streamlit forgets a widget's value when a run does not draw it, so a popover whose content is
drawn only while open (``.open``, with ``on_change``) would lose what was typed when it closes.
``keep`` is the popover's ``on_change``: on closing, it sets the text aside under a key of its
own; ``restore``, called before the widget is drawn again, puts it back; ``drop`` forgets it once
the text is saved.
"""

from __future__ import annotations

import streamlit as st

PREFIX = "draft__"  # session state key of the draft of widget key K: PREFIX + K


def keep(*keys: str) -> None:
    """A popover's ``on_change``: the values of ``keys`` drawn in the last run (so the popover was
    open and is closing now) are set aside; empty ones are not kept."""
    for key in keys:
        value = st.session_state.get(key)
        if value:
            st.session_state[PREFIX + key] = value


def restore(*keys: str) -> None:
    """Before drawing the widgets of ``keys``: give each its kept draft, if it has one and the
    widget has no value of its own yet."""
    for key in keys:
        draft = st.session_state.pop(PREFIX + key, None)
        if draft is not None and key not in st.session_state:
            st.session_state[key] = draft


def drop(*keys: str) -> None:
    """Forget the drafts of ``keys`` (their text was saved)."""
    for key in keys:
        st.session_state.pop(PREFIX + key, None)
