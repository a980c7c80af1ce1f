"""A backup holds the whole database and every dataset file, and restores into an empty
database exactly (on SQLite and PostgreSQL); a damaged, foreign or misplaced backup changes
nothing."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, create_engine, select, text
from sqlmodel import Session

from canvas import storage
from canvas.cli.parser import main
from canvas.domain.authors import Author
from canvas.domain.errors import InvalidInput
from canvas.domain.models import NoteCreate
from canvas.library.demo import DEMO_CANVAS_ID, create_demo
from canvas.storage import backup


@pytest.fixture
def filled(engine: Engine) -> Engine:
    with Session(engine, expire_on_commit=False) as session:
        create_demo(session=session)  # the demo canvas with its datasets and notes
        storage.add_note(session=session, canvas_id=DEMO_CANVAS_ID, author=Author(id="a1", name="Ana"),
                         data=NoteCreate(block="channels", text="Trade fairs"))  # and a change logged
    return engine


def contents(engine: Engine) -> dict[str, list[tuple]]:
    meta = MetaData()
    with engine.connect() as connection:
        meta.reflect(bind=connection)
        return {t.name: [tuple(row) for row in connection.execute(select(t).order_by(*t.primary_key.columns))]
                for t in meta.sorted_tables if t.name != "alembic_version"}


def test_a_backup_restores_into_an_empty_database_exactly(filled, empty_url, tmp_path, monkeypatch):
    archive = tmp_path / "backup.zip"
    made = backup.write_backup(filled, archive)
    assert made.rows["canvas"] == 1 and made.rows["note"] > 10 and made.rows["change"] >= 1
    assert made.files == made.rows["dataset"] >= 2
    before = contents(filled)

    monkeypatch.setenv(storage.DATA_DIR_ENV, str(tmp_path / "restored-data"))  # files come from the zip
    target = storage.make_engine(empty_url)
    try:
        restored = backup.restore_backup(target, archive)
        assert restored.rows == made.rows and restored.files == made.files
        assert contents(target) == before
        with Session(target, expire_on_commit=False) as session:
            for dataset in storage.list_datasets(session=session, canvas_id=DEMO_CANVAS_ID).values():
                assert len(storage.load_dataset(dataset)) == dataset.rows
            # New rows continue after the restored ones (PostgreSQL's sequences were moved on).
            storage.add_note(session=session, canvas_id=DEMO_CANVAS_ID, author=Author(id="a1", name="Ana"),
                             data=NoteCreate(block="channels", text="After the restore"))
    finally:
        target.dispose()


def test_restore_refuses_a_database_that_is_not_empty(filled, tmp_path):
    archive = tmp_path / "backup.zip"
    backup.write_backup(filled, archive)
    before = contents(filled)
    with pytest.raises(InvalidInput, match=r"The database is not empty \(it has rows in canvas.*empty database"):
        backup.restore_backup(filled, archive)
    assert contents(filled) == before


def rewrite(source: Path, target: Path, change) -> None:
    """Copy the zip ``source`` to ``target``, passing each (name, bytes) through ``change``."""
    with zipfile.ZipFile(source) as read, zipfile.ZipFile(target, "w") as out:
        for info in read.infolist():
            entry = change(info.filename, read.read(info))
            if entry is not None:
                out.writestr(*entry)


def manifest_edit(edit):
    def change(name, data):
        if name != backup.MANIFEST:
            return name, data
        manifest = json.loads(data)
        edit(manifest)
        return name, json.dumps(manifest)
    return change


def damaged_file(name, data):
    return (name, data[:-10] + b"x" * 10) if name.startswith("files/") else (name, data)


def escape_path(manifest):
    path, entry = next(iter(manifest["files"].items()))
    manifest["files"] = {"datasets/../../outside.parquet": entry}


@pytest.mark.parametrize("change, message", [
    (damaged_file, r"does not match its manifest"),
    (manifest_edit(lambda m: m.update(version=99)), r"format version 99, this app reads version 1"),
    (manifest_edit(lambda m: m.update(revision="0001_initial")), r"schema revision '0001_initial'"),
    (manifest_edit(escape_path), r"points outside the data folder"),
    (lambda name, data: None if name == backup.MANIFEST else (name, data), r"manifest.json is missing"),
    (lambda name, data: (name, b"{not json\n") if name.startswith("tables/note") else (name, data),
     r"line 1 of tables/note.jsonl is not a row of that table"),
])
def test_a_damaged_or_foreign_backup_restores_nothing(filled, empty_url, tmp_path, monkeypatch, change, message):
    good, bad = tmp_path / "good.zip", tmp_path / "bad.zip"
    backup.write_backup(filled, good)
    rewrite(good, bad, change)
    restored_data = tmp_path / "restored-data"
    monkeypatch.setenv(storage.DATA_DIR_ENV, str(restored_data))
    target = storage.make_engine(empty_url)
    try:
        with pytest.raises(InvalidInput, match=message):
            backup.restore_backup(target, bad)
        assert all(rows == [] for rows in contents(target).values())
        assert not [p for p in restored_data.rglob("*") if p.is_file()]  # no file left behind
        assert not (tmp_path / "outside.parquet").exists()
    finally:
        target.dispose()


def test_not_a_zip_is_refused_with_a_message(engine, tmp_path):
    junk = tmp_path / "holiday.jpg"
    junk.write_bytes(b"\xff\xd8\xff" + bytes(100))
    with pytest.raises(InvalidInput, match=r"holiday.jpg is not a backup this app can restore: it cannot be opened"):
        backup.restore_backup(engine, junk)


def test_the_commands_back_up_and_restore(filled, database_url, empty_url, tmp_path, monkeypatch, capsys):
    archive = tmp_path / "backup.zip"
    assert main(["backup", str(archive)]) == 0
    assert "Backed up" in capsys.readouterr().out and archive.exists()
    assert main(["restore", str(archive)]) == 2  # into the same, full database
    assert "The database is not empty" in capsys.readouterr().err
    monkeypatch.setenv(storage.DATABASE_URL_ENV, empty_url)
    monkeypatch.setenv(storage.DATA_DIR_ENV, str(tmp_path / "restored-data"))
    assert main(["restore", str(archive)]) == 0
    assert "Restored" in capsys.readouterr().out
    restored = create_engine(empty_url)
    try:
        with restored.connect() as connection:
            assert connection.execute(text("SELECT name FROM canvas")).scalar_one() == "Kettle & Crema (demo)"
    finally:
        restored.dispose()
    assert main(["restore", str(tmp_path / "nowhere.zip")]) == 2
    assert "No backup file at" in capsys.readouterr().err
