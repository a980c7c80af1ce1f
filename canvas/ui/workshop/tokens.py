"""Tokens kept in this browser: the facilitator's (``HOST``) and a participant's (``GUEST``) live in
``st.session_state`` and, for a day, in a cookie of the app's own origin, so a reload or another tab
picks them up again (``restore``). Tokens never go in a URL."""

from __future__ import annotations

import string

import streamlit as st

from canvas.domain.errors import CanvasError
from canvas.ui import frame
from canvas.ui.workshop.common import GUEST, HOST
from canvas.workshop import codes
from canvas.workshop import store as workshops

HOST_COOKIE = "canvas_workshop_host"  # "<workshop id>.<facilitator token>" (see restore)
GUEST_COOKIE = "canvas_workshop_guest"  # "<workshop id>.<participant token>"
COOKIE_MAX_AGE = 24 * 3600  # seconds: a workshop is a day's work at most
PENDING_COOKIES = "ws_cookies"  # (cookie, value, max age) to write on the next draw
_TOKEN_CHARS = frozenset(string.ascii_letters + string.digits + "-_")


def cookie_value(workshop_id: str, token: str) -> str:
    """A token's cookie: the workshop id, a dot, the token (both URL-safe: nothing to escape)."""
    return f"{workshop_id}.{token}"


def from_cookie(value: str | None) -> tuple[str, str] | None:
    """(workshop id, token) from a cookie we wrote, or None for anything else."""
    if not value or "." not in value:
        return None
    workshop_id, _, token = value.partition(".")
    if not (0 < len(workshop_id) <= 32 and 0 < len(token) <= 64):
        return None
    if not set(workshop_id + token) <= _TOKEN_CHARS:
        return None
    return workshop_id, token


def remember(cookie: str, workshop_id: str = "", token: str = "") -> None:
    """Keep a token in this browser (or forget it, without a token), on the next draw."""
    value = cookie_value(workshop_id, token) if token else ""
    st.session_state.setdefault(PENDING_COOKIES, []).append((cookie, value, COOKIE_MAX_AGE if token else 0))


def write_cookies() -> None:
    """Write the cookies ``remember`` asked for (a one-line script; values hold only URL-safe characters)."""
    for cookie, value, max_age in st.session_state.pop(PENDING_COOKIES, []):
        if value and from_cookie(value) is None:
            continue
        script = (f'<script>document.cookie = "{cookie}={value}; Max-Age={max_age}; Path=/; SameSite=Strict" + '
                  '(location.protocol === "https:" ? "; Secure" : "");</script>')
        st.html(script, unsafe_allow_javascript=True, width="content")


def _cookies() -> dict[str, str]:
    try:
        return dict(st.context.cookies)
    except Exception:  # outside a browser session  # noqa: BLE001
        return {}


def restore(*, join_code: str, workshop_id: str | None) -> None:
    """A new session (a reload, another tab) takes back the tokens this browser kept, when they
    still open a running workshop (the one ``?workshop=`` or ``?join=`` names, if any)."""
    cookies = _cookies()
    host = from_cookie(cookies.get(HOST_COOKIE))
    if HOST not in st.session_state and host and not join_code and workshop_id in (None, host[0]):
        with frame.session() as db:
            try:
                view = workshops.facilitator_view(session=db, workshop_id=host[0], facilitator_token=host[1])
            except CanvasError:
                view = None
        if view is not None and not view.ended:
            st.session_state[HOST] = {"workshop_id": host[0], "token": host[1]}
    guest = from_cookie(cookies.get(GUEST_COOKIE))
    if GUEST not in st.session_state and guest:
        with frame.session() as db:
            try:
                seen = workshops.participant_view(session=db, workshop_id=guest[0], participant_token=guest[1])
                wanted = codes.normalise_code(join_code) if join_code else seen.code
            except CanvasError:
                return
        if not seen.ended and wanted == seen.code:
            st.session_state[GUEST] = {"workshop_id": guest[0], "token": guest[1], "name": seen.me or ""}
