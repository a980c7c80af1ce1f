"""The access rules: what a grant allows, share-link tokens, expiry, and signing in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from canvas.domain import access
from canvas.domain.access import FULL_ACCESS, NO_ACCESS, Protection, Role
from canvas.domain.errors import InvalidInput

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_full_access_covers_every_canvas_and_the_workspace():
    assert FULL_ACCESS.workspace
    assert FULL_ACCESS.may_edit("any") and FULL_ACCESS.may_edit(None) and FULL_ACCESS.may_view("any")


def test_no_access_allows_nothing():
    assert not NO_ACCESS.workspace
    assert not NO_ACCESS.may_view("a") and not NO_ACCESS.may_edit("a") and not NO_ACCESS.may_edit(None)


def test_a_view_link_shows_its_canvas_only_and_changes_nothing():
    grant = access.link_grant(canvas_id="a", role=Role.VIEW, link_id="L1")
    assert grant.may_view("a") and grant.allows("a", Role.VIEW)
    assert not grant.may_edit("a") and not grant.allows("a", Role.EDIT)
    assert not grant.may_view("b") and not grant.may_view(None) and not grant.workspace


def test_an_edit_link_edits_its_canvas_only_and_not_the_workspace():
    grant = access.link_grant(canvas_id="a", role=Role.EDIT, link_id="L1")
    assert grant.may_edit("a")
    assert not grant.may_edit("b") and not grant.may_edit(None) and not grant.may_view("b")


def test_tokens_are_long_random_and_stored_only_as_their_hash():
    tokens = {access.new_token() for _ in range(50)}
    assert len(tokens) == 50
    token = tokens.pop()
    assert len(token) >= 43  # 32 random bytes: 256 bits, URL-safe
    assert access.plausible_token(token)
    digest = access.token_hash(token)
    assert len(digest) == 64 and token not in digest
    assert access.token_hash(token) == digest and access.token_hash(token + "x") != digest


@pytest.mark.parametrize("typed", ["", "short", "x" * 101, "has space in it and is long enough",
                                   "<script>alert(1)</script>x"])
def test_implausible_tokens_are_refused_before_any_lookup(typed):
    assert not access.plausible_token(typed)


def test_link_path_opens_the_board_or_a_named_page():
    assert access.link_path("TOKEN") == "/?share=TOKEN"
    assert access.link_path("TOKEN", "metrics") == "/metrics?share=TOKEN"


def test_roles_are_checked():
    assert access.check_role(" View ") == Role.VIEW
    with pytest.raises(InvalidInput, match="view.*edit"):
        access.check_role("admin")


def test_expiry_is_optional_and_bounded():
    assert access.expiry(NOW, None) is None
    assert access.expiry(NOW, 7) == NOW + timedelta(days=7)
    for days in (0, -1, access.EXPIRY_DAYS_MAX + 1):
        with pytest.raises(InvalidInput, match="1 to"):
            access.expiry(NOW, days)


def test_a_link_expires_at_its_moment_and_naive_times_are_utc():
    assert not access.is_expired(None, NOW)
    assert not access.is_expired(NOW + timedelta(seconds=1), NOW)
    assert access.is_expired(NOW, NOW)
    assert access.is_expired((NOW - timedelta(hours=1)).replace(tzinfo=None), NOW)


def test_last_used_is_written_at_most_once_a_minute():
    assert access.due_for_touch(None, NOW)
    assert not access.due_for_touch(NOW - timedelta(seconds=59), NOW)
    assert access.due_for_touch(NOW - timedelta(minutes=1), NOW)


def test_password_comparison():
    assert access.password_matches("s3cret pass", "s3cret pass")
    assert not access.password_matches("s3cret pas", "s3cret pass")
    assert not access.password_matches("", "")  # no password configured: nobody signs in with one


def test_wrong_passwords_make_the_session_wait_longer_and_longer():
    free = access.SIGN_IN_FREE_ATTEMPTS
    assert [access.sign_in_wait(n) for n in range(free)] == [0] * free
    waits = [access.sign_in_wait(n) for n in range(free, free + 5)]
    assert waits[0] == access.SIGN_IN_WAIT_SECONDS and waits == sorted(waits) and waits[1] == 2 * waits[0]
    assert access.sign_in_wait(1000) == access.SIGN_IN_WAIT_MAX_SECONDS


def test_protection_comes_from_the_settings():
    assert access.protection(password=None, login_configured=False) == Protection.OPEN
    assert access.protection(password="", login_configured=False) == Protection.OPEN
    assert access.protection(password="pw", login_configured=False) == Protection.PASSWORD
    assert access.protection(password="pw", login_configured=True) == Protection.LOGIN
