"""An unexpected error in page code: the user sees a plain message, never the traceback, a file
path or SQL (``client.showErrorDetails = "none"`` in .streamlit/config.toml); the server's log
has the whole traceback."""

from __future__ import annotations

import logging
import tomllib

from streamlit.testing.v1 import AppTest

from tests.support import ROOT

SECRET = "SELECT password FROM users in /srv/app/canvas/storage/db.py"


def test_the_config_hides_error_details_from_users():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    # In Streamlit 1.67 false would still show the stack trace; "none" hides message, type and trace.
    assert config["client"]["showErrorDetails"] == "none"


def test_a_crashing_page_shows_a_plain_message_and_logs_the_traceback(tmp_path, monkeypatch, caplog):
    monkeypatch.chdir(ROOT)  # Streamlit reads .streamlit/config.toml from the working directory
    script = tmp_path / "crash.py"
    script.write_text(f"import streamlit as st\nst.write('before')\nraise RuntimeError({SECRET!r})\n")
    with caplog.at_level(logging.ERROR, logger="streamlit"):
        app = AppTest.from_file(str(script)).run()
    [error] = app.exception
    assert "encountered an error" in error.value
    assert "SELECT" not in error.value and "/srv/app" not in error.value and "RuntimeError" not in error.value
    assert not error.stack_trace
    logged = "\n".join(r.getMessage() + str(r.exc_info[1] if r.exc_info else "") for r in caplog.records)
    assert "Uncaught app execution" in logged and SECRET in logged
