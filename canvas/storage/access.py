"""Access on every write: ``authorize`` (called first by every function that changes saved data)
and the share links (create, list, revoke, and the token a visitor presents, checked).

Storage does not know about browsers. Whoever serves people (the UI) registers a provider
(``set_provider``) that says what the person behind the current call presents: a ``Grant`` (the
workspace is open, or they signed in, or they did not) or a share-link token, which is checked
against the links here on every call, so a link revoked a moment ago refuses the next write.
With no provider (the command line, tests, scripts) the caller is the server's own user and has
full access; ``as_system`` gives the same for work the server does for itself (the demo canvas).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from canvas.domain.access import (
    FULL_ACCESS,
    Grant,
    PresentedToken,
    Role,
    check_role,
    due_for_touch,
    expiry,
    is_expired,
    link_grant,
    new_token,
    plausible_token,
    token_hash,
)
from canvas.domain.errors import AccessDenied, InvalidInput, LinkNotValid
from canvas.domain.models import ShareLink, utcnow
from canvas.storage.records import get_canvas

Presented = Grant | PresentedToken
_provider: Callable[[], Presented] | None = None
_override: ContextVar[Grant | None] = ContextVar("canvas_access_override", default=None)
LABEL_MAX_CHARS = 80


def set_provider(provider: Callable[[], Presented] | None) -> None:
    """Register what tells storage who is calling (the UI does, once per process); None removes it."""
    global _provider
    _provider = provider


@contextmanager
def as_system() -> Iterator[None]:
    """Full access inside the block, whoever the provider says is calling: for what the server
    does on its own account (creating the demo canvas on a first start), never for a user's action."""
    reset = _override.set(FULL_ACCESS)
    try:
        yield
    finally:
        _override.reset(reset)


def current_grant(session: Session) -> Grant:
    """What the caller may do now; a presented token is checked against the links (``LinkNotValid``)."""
    override = _override.get()
    if override is not None:
        return override
    if _provider is None:
        return FULL_ACCESS
    presented = _provider()
    if isinstance(presented, PresentedToken):
        return resolve_token(session=session, token=presented.token)
    return presented


def authorize(session: Session, canvas_id: str | None, need: Role = Role.EDIT) -> Grant:
    """Refuse (``AccessDenied``) unless the caller may ``need`` (edit, by default) the canvas;
    ``canvas_id`` None asks for the workspace (create, import, duplicate, trash, share, workshops).
    Called before anything is written, so a refusal changes nothing."""
    grant = current_grant(session)
    if grant.allows(canvas_id, need) and (canvas_id is not None or grant.workspace):
        return grant
    raise AccessDenied(_refusal(grant, canvas_id, need))


def _refusal(grant: Grant, canvas_id: str | None, need: Role) -> str:
    if grant.link_id is None:
        return ("This workspace is protected: sign in first. Nothing was changed.")
    if canvas_id is None:
        return ("A share link opens its own canvas only: the library, new canvases and workshops need the "
                "workspace. Nothing was changed.")
    if not grant.may_view(canvas_id):
        return "This share link opens one canvas only, not this one. Nothing was shown or changed."
    if need == Role.EDIT:
        return ("This is a view-only link: it shows the canvas but cannot change it. Nothing was changed; "
                "ask the canvas's owner for an edit link.")
    return "This share link does not give access to this. Nothing was changed."


# --- Share links ----------------------------------------------------------------------------------

def create_link(*, session: Session, canvas_id: str, role: str, expires_days: int | None = None,
                label: str = "", created_by: str | None = None, now: datetime | None = None) -> tuple[ShareLink, str]:
    """A new link to the canvas; returns the link and its token. The token is not stored (only its
    hash): show it now, it cannot be shown again."""
    authorize(session, None)
    get_canvas(session=session, canvas_id=canvas_id)
    now = now or utcnow()
    link_role = check_role(role)
    label = " ".join(label.split())
    if len(label) > LABEL_MAX_CHARS:
        raise InvalidInput(f"The link's note is {len(label)} characters; the limit is {LABEL_MAX_CHARS}.",
                           field="label")
    token = new_token()
    link = ShareLink(canvas_id=canvas_id, role=link_role.value, token_hash=token_hash(token), label=label,
                     created_at=now, created_by=created_by, expires_at=expiry(now, expires_days))
    session.add(link)
    session.commit()
    session.refresh(link)
    return link, token


def list_links(*, session: Session, canvas_id: str, include_revoked: bool = True) -> list[ShareLink]:
    """The canvas's links, newest first (needs the workspace: a link holder sees no other links)."""
    authorize(session, None, Role.VIEW)
    query = select(ShareLink).where(ShareLink.canvas_id == canvas_id)
    if not include_revoked:
        query = query.where(col(ShareLink.revoked_at).is_(None))
    return list(session.exec(query.order_by(col(ShareLink.created_at).desc(), col(ShareLink.id))).all())


def revoke_link(*, session: Session, link_id: str, now: datetime | None = None) -> ShareLink:
    """Stop a link working, at once (its next use is refused); revoking twice is harmless."""
    authorize(session, None)
    link = session.get(ShareLink, link_id.strip())
    if link is None:
        raise InvalidInput(f"There is no share link {link_id!r}. `python -m canvas share list --canvas ID` "
                           "lists a canvas's links.", field="link_id")
    if link.revoked_at is None:
        link.revoked_at = now or utcnow()
        session.add(link)
        session.commit()
        session.refresh(link)
    return link


def resolve_token(*, session: Session, token: str, now: datetime | None = None) -> Grant:
    """The grant a presented token gives, or ``LinkNotValid`` saying why not (unknown or altered,
    revoked, expired, its canvas gone). Reads only."""
    now = now or utcnow()
    token = token.strip()
    link = None
    if plausible_token(token):
        link = session.exec(select(ShareLink).where(ShareLink.token_hash == token_hash(token))).first()
    if link is None:
        raise LinkNotValid("This share link is not valid: it may be mistyped, cut short or altered. Nothing is "
                           "shown. Ask whoever shared it to send the link again.")
    if link.revoked_at is not None:
        raise LinkNotValid("This share link was revoked: it no longer opens the canvas. Nothing is shown. Ask "
                           "whoever shared it for a new link.")
    if is_expired(link.expires_at, now):
        raise LinkNotValid("This share link has expired. Nothing is shown. Ask whoever shared it for a new link.")
    canvas = get_canvas(session=session, canvas_id=link.canvas_id, include_trashed=True)
    if canvas.deleted_at is not None:
        raise LinkNotValid("The canvas this link opens was moved to the trash, so the link shows nothing for now.")
    return link_grant(canvas_id=link.canvas_id, role=Role(link.role), link_id=link.id)


def use_link(*, session: Session, token: str, now: datetime | None = None) -> Grant:
    """``resolve_token``, and note that the link was used (at most once a minute, one UPDATE)."""
    now = now or utcnow()
    grant = resolve_token(session=session, token=token, now=now)
    link = session.get_one(ShareLink, grant.link_id)
    if due_for_touch(link.last_used_at, now):
        session.exec(update(ShareLink).where(col(ShareLink.id) == link.id).values(last_used_at=now))
        session.commit()
    return grant
