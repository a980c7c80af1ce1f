"""Who may do what: the access a session has (a ``Grant``), share-link tokens, and the rules for
signing in. No I/O: storage enforces a grant (``storage.access.authorize``), the UI decides which
grant a browser session holds.

The default is an open workspace: anyone who reaches the server may read and change everything
(a founder on their own machine). A protected workspace (a shared password, or an OpenID Connect
login) gives that full grant only to people who signed in. A share link gives, without signing
in, one canvas: to read (a view link) or to read and change (an edit link).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from canvas.domain.errors import InvalidInput

TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 256 bits, 43 URL-safe characters
SHARE_PARAM = "share"  # the query parameter a share link carries its token in: ``/?share=TOKEN``
EXPIRY_DAYS_MAX = 3650
LAST_USED_EVERY = timedelta(minutes=1)  # a link's "last used" is written at most this often
SIGN_IN_FREE_ATTEMPTS = 5  # wrong passwords a session may type before it has to wait
SIGN_IN_WAIT_SECONDS = 30  # the first wait; it doubles with each further wrong password
SIGN_IN_WAIT_MAX_SECONDS = 15 * 60


class Role(StrEnum):
    VIEW = "view"
    EDIT = "edit"


ROLE_LABELS = {Role.VIEW: "View only", Role.EDIT: "Can edit"}


@dataclass(frozen=True)
class Grant:
    """What a session may do. ``canvas_ids`` None: every canvas and the workspace itself (the
    library, creating and importing canvases, customer data, workshops); otherwise only those
    canvases, read-only unless ``can_edit``. ``who`` names the holder in messages."""

    canvas_ids: frozenset[str] | None
    can_edit: bool
    who: str
    link_id: str | None = None  # the share link this grant came from

    @property
    def workspace(self) -> bool:
        """Whether the grant covers the workspace (every canvas), not a share link's one canvas."""
        return self.canvas_ids is None

    def may_view(self, canvas_id: str | None) -> bool:
        if self.canvas_ids is None:
            return True
        return canvas_id is not None and canvas_id in self.canvas_ids

    def may_edit(self, canvas_id: str | None) -> bool:
        """``canvas_id`` None asks for the workspace: creating or importing a canvas."""
        return self.can_edit and (self.canvas_ids is None or (canvas_id is not None and canvas_id in self.canvas_ids))

    def allows(self, canvas_id: str | None, need: Role) -> bool:
        return self.may_edit(canvas_id) if need == Role.EDIT else self.may_view(canvas_id)


FULL_ACCESS = Grant(canvas_ids=None, can_edit=True, who="anyone on this server")
NO_ACCESS = Grant(canvas_ids=frozenset(), can_edit=False, who="a visitor who has not signed in")


def signed_in(who: str) -> Grant:
    """The grant of someone who signed in to a protected workspace: everything."""
    return Grant(canvas_ids=None, can_edit=True, who=who)


def link_grant(*, canvas_id: str, role: Role, link_id: str) -> Grant:
    """The grant a valid share link gives: its one canvas, to view or to edit."""
    return Grant(canvas_ids=frozenset({canvas_id}), can_edit=role == Role.EDIT,
                 who=f"a {role.value} link", link_id=link_id)


@dataclass(frozen=True)
class PresentedToken:
    """A share-link token a session presents; storage checks it against the links on every write,
    so a link revoked or expired a moment ago no longer works."""

    token: str


# --- Tokens ---------------------------------------------------------------------------------------

def new_token() -> str:
    """A share link's secret (256 bits): shown once, never stored."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What is stored for a token: its SHA-256, hex. Looking a link up by it is safe: a hash that
    matches is the token's own."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def plausible_token(token: str) -> bool:
    """Whether ``token`` could be one of ours (length and alphabet), before any lookup."""
    return 20 <= len(token) <= 100 and all(c.isalnum() or c in "-_" for c in token)


def link_path(token: str, page: str = "") -> str:
    """The path that opens a canvas through its share link: ``/?share=TOKEN`` (the board), or
    ``/relationships?share=TOKEN``."""
    return f"/{page}?{SHARE_PARAM}={token}"


def check_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise InvalidInput(f"A link is either “view” or “edit”, not “{value}”.", field="role") from None


def expiry(now: datetime, days: int | None) -> datetime | None:
    """When a link made ``now`` for ``days`` days expires (None: never)."""
    if days is None:
        return None
    if not 1 <= days <= EXPIRY_DAYS_MAX:
        raise InvalidInput(f"A link lasts 1 to {EXPIRY_DAYS_MAX} days (or has no end); {days} is not allowed.",
                           field="expires_days")
    return now + timedelta(days=days)


def is_expired(expires_at: datetime | None, now: datetime) -> bool:
    return expires_at is not None and _aware(expires_at) <= now


def due_for_touch(last_used_at: datetime | None, now: datetime) -> bool:
    """Whether a link's "last used" is stale enough to write again (keeps writes cheap)."""
    return last_used_at is None or now - _aware(last_used_at) >= LAST_USED_EVERY


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes for UTC columns."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# --- Signing in with the workspace password -------------------------------------------------------

def password_matches(typed: str, expected: str) -> bool:
    """Constant-time comparison of the typed password with the configured one."""
    if not expected:
        return False
    return hmac.compare_digest(typed.encode("utf-8"), expected.encode("utf-8"))


def sign_in_wait(failures: int) -> int:
    """Seconds a session must wait after ``failures`` wrong passwords in a row (0: may try now)."""
    extra = failures - SIGN_IN_FREE_ATTEMPTS
    if extra < 0:
        return 0
    return min(SIGN_IN_WAIT_SECONDS * 2 ** min(extra, 16), SIGN_IN_WAIT_MAX_SECONDS)


# --- How the workspace is protected ---------------------------------------------------------------

class Protection(StrEnum):
    OPEN = "open"  # the default: anyone who reaches the server may edit
    PASSWORD = "password"  # a shared password (CANVAS_WORKSPACE_PASSWORD or [canvas] workspace_password)
    LOGIN = "login"  # Streamlit's OpenID Connect login ([auth] in .streamlit/secrets.toml)


def protection(*, password: str | None, login_configured: bool) -> Protection:
    """The workspace's protection from its settings: the login when ``[auth]`` is configured (it
    names people; a shared password does not), else the password when one is set, else open."""
    if login_configured:
        return Protection.LOGIN
    if password:
        return Protection.PASSWORD
    return Protection.OPEN
