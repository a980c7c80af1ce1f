"""`python -m canvas`: demo and list, and clean failures."""

from __future__ import annotations

import json
import subprocess
import sys

from canvas.cli import main
from tests.conftest import ROOT


def test_help_lists_the_subcommands():
    result = subprocess.run([sys.executable, "-m", "canvas", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0
    for command in ("demo", "list"):
        assert command in result.stdout


def test_demo_then_list(database_url, capsys):
    assert main(["list"]) == 0
    assert "No canvases yet" in capsys.readouterr().out
    assert main(["demo"]) == 0
    assert "Demo canvas ready" in capsys.readouterr().out
    assert main(["demo"]) == 0  # re-creating is safe
    capsys.readouterr()
    assert main(["list", "--json"]) == 0
    [canvas] = json.loads(capsys.readouterr().out)
    assert canvas["id"] == "demo-kettle-crema" and canvas["version"] == 2


def test_unreachable_database_is_one_line_on_stderr_and_exit_2(monkeypatch):
    monkeypatch.setenv("CANVAS_DATABASE_URL", "postgresql://user:secret@127.0.0.1:1/nowhere")
    result = subprocess.run([sys.executable, "-m", "canvas", "list"], cwd=ROOT, capture_output=True, text=True,
                            env={**__import__("os").environ})
    assert result.returncode == 2
    assert result.stderr.startswith("error: Cannot reach the database at postgresql://user:***@127.0.0.1:1/nowhere")
    assert "Traceback" not in result.stderr and "secret" not in result.stderr
