"""Identity: which names are accepted (with which message), the cookie's value read back, and the
name form under AppTest. The cookie itself, across a reload, is checked in a real browser
(tests/browser/test_live_browser.py): AppTest cannot send cookies."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from canvas.domain.authors import NAME_MAX_CHARS, Author
from canvas.domain.errors import InvalidInput
from canvas.ui import identity


@pytest.mark.parametrize("raw, message", [
    ("", "Type a name first"),
    ("   \t ", "Type a name first"),
    ("x" * (NAME_MAX_CHARS + 1), f"at most {NAME_MAX_CHARS} characters; this one has {NAME_MAX_CHARS + 1}"),
    ("Ana\nBen", "control characters"),
    ("Ana\x00", "control characters"),
    ("\u202eanA", "control characters"),  # a right-to-left override
])
def test_names_refused_with_a_message(raw, message):
    with pytest.raises(InvalidInput, match=message):
        identity.valid_name(raw)


@pytest.mark.parametrize("raw, kept", [
    ("  Ana  ", "Ana"), ("José Ñúñez", "José Ñúñez"), ("👩‍💻 Kim", "👩‍💻 Kim"),
    ("x" * NAME_MAX_CHARS, "x" * NAME_MAX_CHARS),
    ("Ana <b>*bold*</b>; x=1", "Ana <b>*bold*</b>; x=1"),
])
def test_names_kept(raw, kept):
    assert identity.valid_name(raw) == kept


def test_cookie_value_is_safe_and_reads_back():
    author = Author(id=identity.new_author_id(), name='Ana "<script>"; x=1 % é')
    value = identity.cookie_value(author)
    assert all(ch.isalnum() or ch in "%-._~" for ch in value)  # nothing ends a cookie, a string or a tag
    assert identity.author_from_cookie(value) == author
    assert len(author.id) == 22 and identity.new_author_id() != author.id


@pytest.mark.parametrize("value", [None, "", "noname", ".Ana", "id with space.Ana", "abc.", "abc.%0A",
                                   "abc.%FF", "abc." + "x" * (NAME_MAX_CHARS + 1)])
def test_cookies_we_did_not_write_are_ignored(value):
    assert identity.author_from_cookie(value) is None


def name_form_app() -> None:
    from canvas.ui import frame, identity

    frame.start_router()
    frame.show_flash()
    author = identity.ask_name()
    import streamlit as st

    st.write(f"author={author.name if author else None}")


def test_the_name_form_refuses_then_keeps_a_name():
    app = AppTest.from_function(name_form_app, default_timeout=10).run()
    assert "author=None" in app.markdown[-1].value
    assert app.button[0].label == "Save name"

    app.text_input(key=identity.NAME_FIELD).input("  ")
    app.button[0].click().run()
    assert "Type a name first" in app.error[0].value
    assert "author=None" in app.markdown[-1].value

    app.text_input(key=identity.NAME_FIELD).input("Ana\tB")
    app.button[0].click().run()
    assert "control characters" in app.error[0].value

    app.text_input(key=identity.NAME_FIELD).input(" Ana ")
    app.button[0].click().run()
    assert not app.error
    assert "author=Ana" in app.markdown[-1].value
    first = app.session_state[identity.AUTHOR]
    assert app.session_state[identity.SAVED] == 1  # the popover has a new key: closed

    app.text_input(key=identity.NAME_FIELD).input("Ana B.")
    app.button[0].click().run()
    assert app.session_state[identity.AUTHOR] == Author(id=first.id, name="Ana B.")  # same private id
