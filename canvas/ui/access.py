"""Who this browser session is, for ``storage.access``: the provider, the sign-in gate, the
limits a share link puts on pages, and the Share panel of the library page.

Streamlit runs a widget's callback before the page script, so whatever a callback's write is
checked against must be known before any page draws: the session's share-link token (kept in
``st.session_state`` from the run that read ``?share=``) or its sign-in. The provider hands
storage the token itself, not a grant worked out earlier, so storage checks the link again on
every write: a link revoked a moment ago refuses the very next click.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any
from urllib.parse import urlsplit

import streamlit as st
from sqlmodel import Session
from streamlit.runtime.scriptrunner import get_script_run_ctx

from canvas.domain import access as rules
from canvas.domain.access import FULL_ACCESS, NO_ACCESS, Grant, PresentedToken, Protection, Role
from canvas.domain.errors import CanvasError, LinkNotValid
from canvas.domain.models import Canvas
from canvas.storage import access as storage_access
from canvas.ui.markup import literal

PASSWORD_ENV = "CANVAS_WORKSPACE_PASSWORD"
TOKEN = "access_token"  # the share-link token this session presents
GRANT = "access_grant"  # what this session may do, worked out by this run's gate (for drawing)
LINK_CANVAS = "access_link_canvas"  # (id, name) of the canvas a share link opens
SIGNED_IN = "access_signed_in"  # who signed in with the workspace password
FAILURES = "access_failures"  # wrong passwords in a row
WAIT_UNTIL = "access_wait_until"  # time.time() before which no password is checked
PASSWORD_FIELD = "access_password"
NEW_LINK = "access_new_link"  # canvas id -> the token of the link just made (shown once)
# The pages a share link opens (by url_path) and what the link must allow there.
LINK_PAGES = {"": Role.VIEW, "relationships": Role.VIEW, "metrics": Role.VIEW, "data": Role.EDIT}
EXPIRY_CHOICES = {None: "Never", 1: "1 day", 7: "7 days", 30: "30 days", 90: "90 days"}


def _secrets() -> dict[str, Any]:
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:  # no secrets.toml: StreamlitSecretNotFoundError is one
        return {}


def workspace_protection() -> Protection:
    secrets = _secrets()
    password = os.environ.get(PASSWORD_ENV) or (secrets.get("canvas") or {}).get("workspace_password")
    return rules.protection(password=password, login_configured=bool(secrets.get("auth")))


def _password() -> str:
    return os.environ.get(PASSWORD_ENV) or str((_secrets().get("canvas") or {}).get("workspace_password") or "")


def _workspace_grant() -> Grant:
    """The grant of a session without a share link: everything on an open workspace; else
    everything once signed in, nothing before."""
    mode = workspace_protection()
    if mode == Protection.OPEN:
        return FULL_ACCESS
    if mode == Protection.PASSWORD:
        who = st.session_state.get(SIGNED_IN)
        return rules.signed_in(who) if who else NO_ACCESS
    if st.user.is_logged_in:
        return rules.signed_in(str(st.user.get("email") or st.user.get("name") or "a signed-in user"))
    return NO_ACCESS


def presented() -> Grant | PresentedToken:
    """The provider storage asks on every check: the session's token, or its workspace grant.
    Outside a browser session's run (a background thread of the server) it is the server's own work."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return FULL_ACCESS
    token = st.session_state.get(TOKEN)
    if token:
        return PresentedToken(token)
    return _workspace_grant()


def session_grant() -> Grant:
    """What this session may do, as this run's gate found it (for drawing: storage checks again)."""
    grant = st.session_state.get(GRANT)
    return grant if isinstance(grant, Grant) else _workspace_grant()


def can_edit(canvas_id: str) -> bool:
    """Whether the page draws its add, edit, delete and undo controls for this canvas."""
    return session_grant().may_edit(canvas_id)


def may_view(canvas_id: str) -> bool:
    return session_grant().may_view(canvas_id)


def link_canvas_id() -> str | None:
    """The one canvas a share link opens, when this session came through one."""
    pinned = st.session_state.get(LINK_CANVAS)
    return pinned[0] if pinned and st.session_state.get(TOKEN) else None


OTHER_CANVAS = ("This share link opens one canvas only, not the one in the address. Nothing else is shown: "
                "open the link you were given again.")


# --- The gate: every run, before navigation --------------------------------------------------------

def gate(open_session: Callable[[], AbstractContextManager[Session]]) -> None:
    """Work out this session's access at the top of every page, or stop the run with the reason:
    a share link in the address (or kept from an earlier run) is checked and its use noted;
    without one, a protected workspace asks to sign in."""
    storage_access.set_provider(presented)
    state = st.session_state
    token = st.query_params.get(rules.SHARE_PARAM)
    if token and token != state.get(TOKEN):
        state[TOKEN] = token
        state.pop(LINK_CANVAS, None)
    token = state.get(TOKEN)
    if not token:
        grant = _workspace_grant()
        state[GRANT] = grant
        if grant is NO_ACCESS:
            sign_in_page()
            st.stop()
        return
    try:
        with open_session() as db:
            grant = storage_access.use_link(session=db, token=token)
            canvas = db.get_one(Canvas, next(iter(grant.canvas_ids or ())))
    except LinkNotValid as error:
        state[GRANT] = NO_ACCESS
        st.error(literal(str(error)), icon=":material/link_off:")
        st.stop()
    state[GRANT] = grant
    state[LINK_CANVAS] = (canvas.id, canvas.name)
    if st.query_params.get(rules.SHARE_PARAM) != token:
        st.query_params[rules.SHARE_PARAM] = token  # the navigation bar drops it; a reload needs it


def check_page(url_path: str) -> None:
    """Called first by every page: a share-link session sees only the pages its link opens."""
    grant = session_grant()
    if grant.workspace:
        return
    need = LINK_PAGES.get(url_path)
    pinned = st.session_state.get(LINK_CANVAS) or ("", "its canvas")
    if need is None or (need == Role.EDIT and not grant.can_edit):
        kind = "an edit link" if grant.can_edit else "a view-only link"
        st.warning(f"You opened “{literal(pinned[1])}” through {kind}: it does not give access to this page. "
                   "Nothing here is shown or changed.", icon=":material/lock:")
        st.page_link("pages/board.py", label="Back to the canvas", icon=":material/dashboard:",
                     query_params={"canvas": pinned[0], rules.SHARE_PARAM: st.session_state[TOKEN]})
        st.stop()
    if not grant.can_edit:
        st.caption(f":material/visibility: View only: you opened “{literal(pinned[1])}” through a view link.")


# --- Signing in -------------------------------------------------------------------------------------

def _check_password() -> None:
    state = st.session_state
    typed = state.get(PASSWORD_FIELD) or ""
    state[PASSWORD_FIELD] = ""
    if time.time() < state.get(WAIT_UNTIL, 0.0):
        return  # the page says how long to wait; nothing is compared meanwhile
    if rules.password_matches(typed, _password()):
        state[SIGNED_IN] = "someone with the workspace password"
        state[FAILURES] = 0
        return
    state[FAILURES] = state.get(FAILURES, 0) + 1
    state[WAIT_UNTIL] = time.time() + rules.sign_in_wait(state[FAILURES])
    state["access_wrong"] = True


def sign_in_page() -> None:
    """The whole page of a visitor who has not signed in to a protected workspace."""
    st.title("Business Model Canvas")
    st.markdown("This workspace is protected: sign in to open its canvases. Someone who was sent a share "
                "link opens it directly, without signing in.")
    if workspace_protection() == Protection.LOGIN:
        auth = _secrets().get("auth") or {}
        provider = None if "client_id" in auth else next((k for k, v in auth.items() if isinstance(v, dict)), None)
        st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login, args=(provider,),
                  key="access_login")
        return
    state = st.session_state
    wait = int(state.get(WAIT_UNTIL, 0.0) - time.time())
    if wait > 0:
        st.error(f"Too many wrong passwords: wait {wait} seconds before trying again.", icon=":material/timer:")
    elif state.pop("access_wrong", False):
        st.error("That is not the workspace password. Check it with whoever runs this server and try again.",
                 icon=":material/key_off:")
    with st.form("access_sign_in", border=False):
        st.text_input("Workspace password", type="password", key=PASSWORD_FIELD)
        st.form_submit_button("Sign in", type="primary", on_click=_check_password)


# --- The library's Share panel ---------------------------------------------------------------------

def _base_url() -> str:
    """This server's address as the browser reached it, without the page's own path."""
    url = st.context.url or ""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    path = path.rsplit("/", 1)[0] if path.endswith("/library") else path
    return f"{parts.scheme}://{parts.netloc}{path}" if parts.netloc else ""


def _create(canvas_id: str, act: Callable[..., Any]) -> None:
    prefix = f"access_share_{canvas_id}"

    def action(db: Session) -> str:
        _, token = storage_access.create_link(
            session=db, canvas_id=canvas_id, role=st.session_state[f"{prefix}_role"],
            expires_days=st.session_state[f"{prefix}_expiry"], label=st.session_state[f"{prefix}_label"] or "")
        return token

    token = act(action)
    if token:
        st.session_state.setdefault(NEW_LINK, {})[canvas_id] = token
        st.session_state[f"{prefix}_label"] = ""


def _revoke(link_id: str, act: Callable[..., Any]) -> None:
    act(lambda db: storage_access.revoke_link(session=db, link_id=link_id),
        done="Link revoked: it stopped working at once")


def _when(moment: Any) -> str:
    return f"{moment:%d %b %Y, %H:%M} UTC" if moment else "never"


def share_panel(canvas: Canvas, *, db: Session, act: Callable[..., Any]) -> None:
    """A Share popover for one canvas: make a view or edit link (its address shown once), and the
    canvas's links with when each was last used, each revocable."""
    prefix = f"access_share_{canvas.id}"
    try:
        links = storage_access.list_links(session=db, canvas_id=canvas.id)
    except CanvasError:
        return
    live = [k for k in links if k.revoked_at is None]
    with st.popover(f"Share ({len(live)})" if live else "Share", icon=":material/share:"):
        token = st.session_state.get(NEW_LINK, {}).pop(canvas.id, None)
        if token:
            st.success("Copy the link now: it is shown only this once.", icon=":material/link:")
            st.code(_base_url() + rules.link_path(token), language=None)
        with st.form(prefix, border=False):
            st.radio("Who opens it", [r.value for r in Role], key=f"{prefix}_role", horizontal=True,
                     format_func=lambda r: rules.ROLE_LABELS[Role(r)])
            st.selectbox("Expires", list(EXPIRY_CHOICES), format_func=EXPIRY_CHOICES.__getitem__,
                         key=f"{prefix}_expiry")
            st.text_input("For (optional)", key=f"{prefix}_label", max_chars=storage_access.LABEL_MAX_CHARS,
                          placeholder="e.g. Investor Ana")
            st.form_submit_button("Create link", type="primary", on_click=_create, args=(canvas.id, act))
        for link in links:
            row = st.container(horizontal=True, vertical_alignment="center", key=f"access_link_{link.id}")
            state = (f"revoked {_when(link.revoked_at)}" if link.revoked_at
                     else f"expires {_when(link.expires_at)}" if link.expires_at else "no expiry")
            label = f" · {literal(link.label)}" if link.label else ""
            row.markdown(f"**{rules.ROLE_LABELS[Role(link.role)]}**{label}  \n"
                         f":gray[made {_when(link.created_at)}, {state}, last used {_when(link.last_used_at)}]",
                         width="stretch")
            if link.revoked_at is None:
                row.button("Revoke", key=f"access_revoke_{link.id}", on_click=_revoke, args=(link.id, act))


storage_access.set_provider(presented)  # from the first import on: no browser session's write goes unchecked
