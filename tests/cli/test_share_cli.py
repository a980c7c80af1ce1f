"""`python -m canvas share`: create (the token printed once), list with last use, revoke."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session

from canvas.cli import main
from canvas.library.demo import DEMO_CANVAS_ID
from canvas.storage import access


@pytest.fixture
def database_url(demo_database_url):
    return demo_database_url


def test_create_list_and_revoke(engine, capsys):
    assert main(["share", "create", "--canvas", DEMO_CANVAS_ID, "--role", "view", "--expires-days", "7",
                 "--label", "Investor Ana"]) == 0
    out = capsys.readouterr().out
    path = out.strip().splitlines()[-1]
    assert path.startswith("/?share=")
    token = path.removeprefix("/?share=")
    with Session(engine) as session:
        grant = access.resolve_token(session=session, token=token)
    assert grant.canvas_ids == {DEMO_CANVAS_ID} and not grant.can_edit

    assert main(["share", "list", "--canvas", DEMO_CANVAS_ID, "--json"]) == 0
    [link] = json.loads(capsys.readouterr().out)
    assert link["role"] == "view" and link["label"] == "Investor Ana" and link["expires_at"] and not link["revoked_at"]
    assert token not in json.dumps(link)

    assert main(["share", "revoke", link["id"]]) == 0
    assert "revoked" in capsys.readouterr().out
    assert main(["share", "list", "--canvas", DEMO_CANVAS_ID]) == 0
    assert "revoked" in capsys.readouterr().out


def test_mistakes_are_one_clear_line(database_url, capsys):
    assert main(["share", "create", "--canvas", "nope", "--role", "edit"]) == 2
    assert "no canvas" in capsys.readouterr().err
    assert main(["share", "create", "--canvas", DEMO_CANVAS_ID, "--role", "edit", "--expires-days", "0"]) == 2
    assert "1 to" in capsys.readouterr().err
    assert main(["share", "revoke", "nope"]) == 2
    assert "no share link" in capsys.readouterr().err
    assert main(["share", "list", "--canvas", "nope"]) == 2
    assert "no canvas" in capsys.readouterr().err
