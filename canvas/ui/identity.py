"""Who is at this browser: a display name asked once and kept across reloads, without accounts.

The name and a random private id live in a cookie of the app's own origin, never in the URL, so
a link someone shares (to an investor, say) carries no one's identity. Streamlit can read the
cookies a browser sent when its session started (``st.context.cookies``) but cannot set one, so
the cookie is written by a one-line script in the page (``st.html`` with JavaScript allowed: it
runs in the app's own document, not an iframe). A session that was just given a name keeps it in
``st.session_state``; the next session (a reload, a new tab) reads it from the cookie.

Nobody has to give a name: a founder alone at the board is never asked; changes made without a
name are recorded without an author.
"""

from __future__ import annotations

import secrets
import unicodedata
from typing import Any
from urllib.parse import quote, unquote

import streamlit as st

from canvas.domain.authors import NAME_MAX_CHARS, Author
from canvas.domain.errors import InvalidInput
from canvas.ui import frame
from canvas.ui.markup import literal

COOKIE = "canvas_author"
COOKIE_MAX_AGE = 400 * 24 * 3600  # seconds: the longest browsers keep a cookie (Chrome caps at 400 days)
AUTHOR = "identity_author"  # session key: the Author given in this session
NAME_FIELD = "identity_name"  # the name form's text input
OPEN = "identity_open"  # the name popover's key, with the number of names saved in this session
SAVED = "identity_saved"  # how many times a name was saved in this session
NAME_LABEL = "Your name, shown on the notes you add"
# Bidirectional overrides and isolates would let a name reorder the text shown after it.
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def valid_name(raw: str) -> str:
    """The display name to keep: ``raw`` without surrounding spaces.

    Raises ``InvalidInput`` (field "name") when it is empty, longer than ``NAME_MAX_CHARS``
    characters or holds control characters (line breaks, tabs, direction overrides).
    """
    name = (raw or "").strip()
    if not name:
        raise InvalidInput("Type a name first: it is what others see on the notes you add.", field="name")
    if len(name) > NAME_MAX_CHARS:
        raise InvalidInput(f"A name is at most {NAME_MAX_CHARS} characters; this one has {len(name)}.",
                           field="name")
    if any(unicodedata.category(ch) == "Cc" or ch in _BIDI_CONTROLS for ch in name):
        raise InvalidInput("A name cannot hold line breaks, tabs or other control characters.", field="name")
    return name


def new_author_id() -> str:
    """A random, private id for this browser (22 URL-safe characters)."""
    return secrets.token_urlsafe(16)


def cookie_value(author: Author) -> str:
    """The cookie's value: the id, a dot, the name percent-encoded (letters, digits, ``%-._~``
    only, so it is safe in a cookie, a JavaScript string and HTML alike)."""
    return f"{author.id}.{quote(author.name, safe='')}"


def author_from_cookie(value: str | None) -> Author | None:
    """The Author a cookie value names, or None when it is missing or not one we wrote."""
    if not value or "." not in value:
        return None
    author_id, _, encoded = value.partition(".")
    if not (0 < len(author_id) <= 64) or not all(ch.isalnum() or ch in "-_" for ch in author_id):
        return None
    try:
        return Author(id=author_id, name=valid_name(unquote(encoded, errors="strict")))
    except (InvalidInput, UnicodeDecodeError):
        return None


def _cookie_author() -> Author | None:
    try:
        cookies = st.context.cookies
    except Exception:  # outside a browser session (a bare script): no cookies  # noqa: BLE001
        return None
    return author_from_cookie(cookies.get(COOKIE))


def current_author() -> Author | None:
    """The person at this browser: the name given in this session, else the one in the cookie;
    None while they have not given one."""
    given = st.session_state.get(AUTHOR)
    return given if isinstance(given, Author) else _cookie_author()


def _save_name() -> None:
    """The name form's callback: keep the name (same private id as before, if any)."""
    try:
        name = valid_name(st.session_state.get(NAME_FIELD, ""))
    except InvalidInput as error:
        frame.flash("error", str(error))
        return
    known = current_author()
    st.session_state[AUTHOR] = Author(id=known.id if known else new_author_id(), name=name)
    # Closed by a new key rather than by setting it False: a live update's request sent while the
    # popover was still open (ui/live.py) would carry the old key's "open" back in.
    st.session_state[SAVED] = st.session_state.get(SAVED, 0) + 1
    frame.flash("success", f"Your notes will show the name {name}.")


def _write_cookie(where: Any, author: Author) -> None:
    # The value is percent-encoded (see cookie_value): nothing in it can end the string or the tag.
    script = (f'<script>document.cookie = "{COOKIE}={cookie_value(author)}; Max-Age={COOKIE_MAX_AGE}; Path=/; '
              'SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");</script>')
    where.html(script, unsafe_allow_javascript=True, width="content")


def ask_name(where: Any = None) -> Author | None:
    """A small "You: <name>" button (or "Your name" while none is known) that opens the name form;
    drawn in ``where`` (a container or column; the page by default). Returns the current author.

    Never insists: without a name, the person works as before and their changes carry no author.
    """
    where = where or st
    author = current_author()
    label = f"You: {literal(author.name)}" if author else "Your name"
    # Keyed, so a live update's rerun keeps it open while the name is typed, and saving closes it.
    with where.popover(label, icon=":material/person:", type="tertiary", key=f"{OPEN}_{st.session_state.get(SAVED, 0)}",
                       on_change="rerun",
                       help="Change the name others see on your notes" if author else
                       "Give a name to show on the notes you add (optional)"):
        with st.form("identity_form", border=False):
            st.text_input(NAME_LABEL, value=author.name if author else "", key=NAME_FIELD,
                          max_chars=NAME_MAX_CHARS, placeholder="e.g. Ana")
            st.caption("Kept in this browser only, never in the page's link.")
            st.form_submit_button("Save name", type="primary", on_click=_save_name)
    if author is not None and author != _cookie_author():
        _write_cookie(where, author)
    return author
