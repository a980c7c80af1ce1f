"""`python -m canvas history | snapshot | compare | restore | undo` on a small canvas."""

from __future__ import annotations

import json

from sqlmodel import Session

from canvas import storage
from canvas.cli import main
from canvas.domain.blocks import Block
from canvas.domain.models import NoteCreate, NoteUpdate
from tests.support import new_canvas, texts


def _canvas(engine) -> str:
    with Session(engine) as session:
        canvas = new_canvas(session, "Acme")
        note = storage.add_note(session=session, canvas_id=canvas.id,
                                data=storage.parse(NoteCreate, block=Block.CHANNELS, text="Web shop"))
        storage.update_note(session=session, canvas_id=canvas.id, note_id=note.id, expected_version=1,
                            data=storage.parse(NoteUpdate, text="Web shop *EU*"))
        return canvas.id


def test_history_snapshot_compare_restore_and_undo(database_url, engine, capsys):
    cid = _canvas(engine)
    assert main(["history", "--canvas", cid]) == 0
    out = capsys.readouterr().out
    assert "now v3. History from v1, the start." in out
    assert "v3" in out and "Edit note “Web shop”" in out and "Someone without a name · 2 changes" in out

    assert main(["snapshot", "--canvas", cid, "--name", "first draft", "--at", "v2"]) == 0
    assert "Snapshot “first draft” names v2." in capsys.readouterr().out
    assert main(["compare", "--canvas", cid, "first draft", "3"]) == 0
    out = capsys.readouterr().out
    assert "From v2 to v3:" in out and "~ Web shop *EU*" in out and "Text: Web shop → Web shop *EU*" in out

    assert main(["restore-point", "--canvas", cid, "first draft"]) == 0
    assert "Restored v2 as a new version, v4." in capsys.readouterr().out
    with Session(engine) as session:
        assert texts(session, storage.get_canvas(session=session, canvas_id=cid)) == ["Web shop"]
    assert main(["undo", "--canvas", cid]) == 0
    assert "Undone: Restore v2 “first draft”" in capsys.readouterr().out
    with Session(engine) as session:
        assert texts(session, storage.get_canvas(session=session, canvas_id=cid)) == ["Web shop *EU*"]

    assert main(["history", "--canvas", cid, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["current"] == 5 and [s["name"] for s in data["snapshots"]] == ["first draft"]
    assert [c["seq"] for c in data["sessions"][0]["changes"]] == [5, 4, 3, 2]


def test_bad_points_and_names_are_one_message_and_exit_2(database_url, engine, capsys):
    cid = _canvas(engine)
    assert main(["restore-point", "--canvas", cid, "v42"]) == 2
    assert "There is no point v42 on this canvas: its history runs from v1 to v3." in capsys.readouterr().err
    assert main(["compare", "--canvas", cid, "1", "yesterday"]) == 2
    assert "“yesterday” is neither a version" in capsys.readouterr().err
    assert main(["snapshot", "--canvas", cid, "--name", "   "]) == 2
    assert "Give the snapshot a name" in capsys.readouterr().err
    assert main(["snapshot", "--canvas", cid, "--name", "x" * 81]) == 2
    assert "at most 80 characters" in capsys.readouterr().err
    assert main(["history", "--canvas", "nope"]) == 2
    assert "There is no canvas with id “nope”" in capsys.readouterr().err
    with Session(engine) as session:
        assert storage.get_canvas(session=session, canvas_id=cid).version == 3
