"""Where datasets are kept (CANVAS_DATASETS): files under the data folder, or chunks in the
database that every app server reads. Saving, loading, replacing, copying, deleting and backups
behave the same in both, on SQLite and PostgreSQL; in the database nothing is left on disk."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select, text
from sqlmodel import Session

from canvas import storage
from canvas.domain.errors import DatabaseUnavailable, InvalidInput
from canvas.domain.models import DatasetChunk, SegmentCreate
from canvas.storage import backup, dataset_store
from tests.support import new_canvas

ORDERS = pd.DataFrame({"customer_id": [f"c{i}" for i in range(3000)], "amount": [i * 1.5 for i in range(3000)],
                       "segment": ["HB", "Corp", "Other"] * 1000})


@pytest.fixture(params=["files", "database"])
def store(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test once with datasets kept as files, once in the database; small chunks, so a
    dataset spans several."""
    monkeypatch.setenv(storage.DATASETS_ENV, request.param)
    monkeypatch.setattr(dataset_store, "CHUNK_BYTES", 8 * 1024)
    return request.param


def files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def chunks(session: Session, dataset_id: str | None = None) -> int:
    query = select(func.count()).select_from(DatasetChunk)
    if dataset_id is not None:
        query = query.where(DatasetChunk.dataset_id == dataset_id)
    return session.execute(query).scalar_one()


def save(session: Session, canvas_id: str, frame: pd.DataFrame = ORDERS, kind: str = "transactions",
         links: dict[str, str] | None = None):
    return storage.save_dataset(session=session, canvas_id=canvas_id, kind=kind, frame=frame, filename="o.csv",
                                mapping={"customer_id": "Kunde"}, report={"rows_read": len(frame)},
                                segment_links=links)


def test_a_dataset_round_trips_replaces_and_deletes_in_either_store(session, store, data_dir):
    canvas = new_canvas(session)
    first = save(session, canvas.id)
    assert first.store == store
    assert storage.load_dataset(first).equals(ORDERS)
    content = storage.read_dataset_file(first, session=session)
    assert content.startswith(b"PAR1") and len(content) > 2 * dataset_store.CHUNK_BYTES
    if store == "database":
        assert chunks(session, first.id) == -(-len(content) // dataset_store.CHUNK_BYTES)  # several, in order
        assert files(data_dir) == []  # nothing on this server's disk
    else:
        assert chunks(session) == 0 and files(data_dir) == [first.path]

    second = save(session, canvas.id, ORDERS.head(5))
    assert storage.load_dataset(second, session=session).equals(ORDERS.head(5))
    assert (chunks(session, first.id), chunks(session, second.id) > 0) == (0, store == "database")
    assert files(data_dir) == ([] if store == "database" else [second.path])  # the replaced one's is gone

    storage.delete_dataset(session=session, canvas_id=canvas.id, dataset_id=second.id)
    assert storage.list_datasets(session=session, canvas_id=canvas.id) == {}
    assert chunks(session) == 0 and files(data_dir) == []


def test_a_parquet_file_already_written_is_stored_as_it_is(session, store, data_dir, tmp_path):
    written = tmp_path / "streamed.parquet"
    ORDERS.to_parquet(written, index=False)
    canvas = new_canvas(session)
    dataset = storage.save_dataset(session=session, canvas_id=canvas.id, kind="transactions", parquet=written,
                                   filename="big.csv", mapping={}, report={})
    assert dataset.rows == len(ORDERS) and storage.load_dataset(dataset, session=session).equals(ORDERS)
    assert storage.read_dataset_file(dataset, session=session) == written.read_bytes()
    if store == "database":
        assert chunks(session, dataset.id) > 1 and files(data_dir) == []
    with pytest.raises(ValueError):  # rows given twice: a programming error
        storage.save_dataset(session=session, canvas_id=canvas.id, kind="transactions", parquet=written,
                             frame=ORDERS, filename="big.csv", mapping={}, report={})


def test_a_dataset_in_the_database_is_read_through_another_server(session, engine, store, tmp_path, monkeypatch):
    canvas = new_canvas(session)
    saved = save(session, canvas.id)
    monkeypatch.setenv(storage.DATA_DIR_ENV, str(tmp_path / "other-server"))  # no file shared
    with Session(engine) as other:
        [dataset] = storage.list_datasets(session=other, canvas_id=canvas.id).values()
        if store == "database":
            assert storage.load_dataset(dataset, session=other).equals(ORDERS)
        else:
            with pytest.raises(InvalidInput, match=r"data file of “o.csv” is missing.*CANVAS_DATASETS=database"):
                storage.load_dataset(dataset, session=other)
    assert saved.id == dataset.id


def test_add_datasets_stores_all_or_none(session, store, data_dir):
    canvas = new_canvas(session)
    home = storage.add_segment(session=session, canvas_id=canvas.id, data=storage.parse(SegmentCreate, name="Home"))
    kept = save(session, canvas.id)
    before = (files(data_dir), chunks(session))
    good = storage.NewDataset(kind="spend", frame=pd.DataFrame({"amount": [5.0] * 2000}), filename="s.csv")
    replacement = storage.NewDataset(kind="transactions", frame=ORDERS.head(2), filename="new.csv",
                                     segment_links={"HB": home.id})
    bad = storage.NewDataset(kind="surveys", frame=pd.DataFrame({"nps": [9]}), filename="n.csv",
                             segment_links={"X": "no-such-segment"})
    with pytest.raises(InvalidInput, match="no longer on this canvas"):
        storage.add_datasets(session=session, canvas_id=canvas.id, datasets=[good, replacement, bad])
    assert [d.id for d in storage.list_datasets(session=session, canvas_id=canvas.id).values()] == [kept.id]
    assert (files(data_dir), chunks(session)) == before
    assert storage.load_dataset(kept, session=session).equals(ORDERS)

    storage.add_datasets(session=session, canvas_id=canvas.id, datasets=[good, replacement])
    stored = storage.list_datasets(session=session, canvas_id=canvas.id)
    assert sorted(stored) == ["spend", "transactions"] and stored["transactions"].filename == "new.csv"
    assert storage.load_dataset(stored["spend"], session=session).equals(good.frame)
    assert chunks(session, kept.id) == 0
    assert files(data_dir) == ([] if store == "database" else sorted(d.path for d in stored.values()))


def test_a_duplicate_has_its_own_copy_and_purging_removes_it(session, store, data_dir):
    canvas = new_canvas(session, "Original")
    home = storage.add_segment(session=session, canvas_id=canvas.id, data=storage.parse(SegmentCreate, name="Home"))
    original = save(session, canvas.id, links={"HB": home.id})
    copy = storage.duplicate_canvas(session=session, canvas_id=canvas.id)
    [copied] = storage.list_datasets(session=session, canvas_id=copy.id).values()
    assert copied.id != original.id and copied.store == store
    assert copied.segment_links["HB"] != home.id
    if store == "database":
        assert chunks(session, copied.id) == chunks(session, original.id) > 1
    storage.delete_dataset(session=session, canvas_id=canvas.id, dataset_id=original.id)
    assert storage.load_dataset(copied, session=session).equals(ORDERS)  # whole without the original

    storage.trash_canvas(session=session, canvas_id=copy.id)
    assert chunks(session) + len(files(data_dir)) > 0
    storage.purge_canvas(session=session, canvas_id=copy.id)
    assert chunks(session) == 0 and files(data_dir) == []


def test_a_duplicate_whose_commit_fails_leaves_nothing(session, store, data_dir, monkeypatch):
    canvas = new_canvas(session, "Original")
    save(session, canvas.id)
    before = (files(data_dir), chunks(session))

    def fail() -> None:
        raise OSError("the database went away")

    monkeypatch.setattr(session, "commit", fail)
    with pytest.raises(OSError):
        storage.duplicate_canvas(session=session, canvas_id=canvas.id)
    monkeypatch.undo()
    assert (files(data_dir), chunks(session)) == before
    assert [c.name for c in storage.list_canvases(session=session)] == ["Original"]


def test_a_save_whose_commit_fails_leaves_nothing(session, store, data_dir, monkeypatch):
    canvas = new_canvas(session)

    def fail() -> None:
        raise OSError("the database went away")

    monkeypatch.setattr(session, "commit", fail)
    with pytest.raises(OSError):
        save(session, canvas.id)
    monkeypatch.undo()
    assert storage.list_datasets(session=session, canvas_id=canvas.id) == {}
    assert (files(data_dir), chunks(session)) == ([], 0)


def test_datasets_saved_before_0010_are_files_and_stay_readable(tmp_path, data_dir):
    from alembic import command

    engine = storage.make_engine(f"sqlite:///{tmp_path / 'old.db'}", migrate_schema=False)
    with engine.begin() as connection:
        config = storage.alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0009")
    (data_dir / "datasets" / "old").mkdir(parents=True)
    ORDERS.to_parquet(data_dir / "datasets" / "old" / "d1.parquet", index=False)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO canvas (id, name, description, currency, version, created_at, updated_at) "
            "VALUES ('old', 'Old canvas', '', 'EUR', 1, '2026-01-01', '2026-01-01')"))
        connection.execute(text(
            "INSERT INTO dataset (id, canvas_id, kind, filename, path, rows, mapping, segment_links, report, "
            "created_at) VALUES ('d1', 'old', 'transactions', 'o.csv', 'datasets/old/d1.parquet', 3000, '{}', "
            "'{}', '{}', '2026-01-01')"))
    storage.migrate(engine)
    with Session(engine) as session:
        [dataset] = storage.list_datasets(session=session, canvas_id="old").values()
        assert dataset.store == "files"
        assert storage.load_dataset(dataset, session=session).equals(ORDERS)
    engine.dispose()


def test_datasets_saved_before_the_setting_changed_stay_readable_and_copies_follow_it(session, data_dir,
                                                                                      monkeypatch):
    canvas = new_canvas(session, "Original")
    monkeypatch.setenv(storage.DATASETS_ENV, "files")
    as_file = save(session, canvas.id)
    monkeypatch.setenv(storage.DATASETS_ENV, "database")
    assert storage.load_dataset(as_file, session=session).equals(ORDERS)
    copy = storage.duplicate_canvas(session=session, canvas_id=canvas.id)
    [copied] = storage.list_datasets(session=session, canvas_id=copy.id).values()
    assert (as_file.store, copied.store) == ("files", "database")
    assert chunks(session, copied.id) > 0 and files(data_dir) == [as_file.path]
    assert storage.load_dataset(copied, session=session).equals(ORDERS)


def test_an_unknown_setting_stops_the_start_with_a_message(database_url, monkeypatch):
    monkeypatch.setenv(storage.DATASETS_ENV, "s3")
    with pytest.raises(DatabaseUnavailable, match=r"CANVAS_DATASETS is 's3': use files .* or database"):
        storage.make_engine(database_url, migrate_schema=False)


# --- Backups --------------------------------------------------------------------------------------

def rows(engine: Engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {name: [tuple(r) for r in connection.execute(text(f"SELECT * FROM {name} ORDER BY 1, 2"))]
                for name in ("dataset", "datasetchunk")}


@pytest.mark.parametrize("restore_into", ["files", "database"])
def test_a_backup_restores_the_datasets_into_either_store(engine, session, store, restore_into, empty_url,
                                                          tmp_path, monkeypatch):
    canvas = new_canvas(session)
    saved = {kind: save(session, canvas.id, ORDERS.head(n), kind=kind)
             for kind, n in (("transactions", 3000), ("spend", 10))}
    archive = tmp_path / "backup.zip"
    made = backup.write_backup(engine, archive)
    assert made.files == made.rows["dataset"] == 2 and "datasetchunk" not in made.rows  # bytes are the files/
    before = rows(engine)

    monkeypatch.setenv(storage.DATASETS_ENV, restore_into)
    restored_data = tmp_path / "restored-data"
    monkeypatch.setenv(storage.DATA_DIR_ENV, str(restored_data))
    target = storage.make_engine(empty_url)
    try:
        restored = backup.restore_backup(target, archive)
        assert restored.rows == made.rows and restored.files == 2
        after = rows(target)
        assert [r[:-1] for r in after["dataset"]] == [r[:-1] for r in before["dataset"]]  # all but ``store``
        assert {r[-1] for r in after["dataset"]} == {restore_into}
        if restore_into == store:
            assert after == before  # chunk for chunk
        assert (len(after["datasetchunk"]) > 2) == (restore_into == "database")
        assert (files(restored_data) != []) == (restore_into == "files")
        with Session(target) as other:
            for kind, dataset in storage.list_datasets(session=other, canvas_id=canvas.id).items():
                assert storage.load_dataset(dataset, session=other).equals(ORDERS.head(saved[kind].rows))
    finally:
        target.dispose()


def test_a_damaged_backup_restores_nothing_into_the_database(engine, session, store, empty_url, tmp_path,
                                                             monkeypatch):
    import zipfile

    canvas = new_canvas(session)
    save(session, canvas.id)
    good, bad = tmp_path / "good.zip", tmp_path / "bad.zip"
    backup.write_backup(engine, good)
    with zipfile.ZipFile(good) as read, zipfile.ZipFile(bad, "w") as out:
        for info in read.infolist():
            data = read.read(info)
            out.writestr(info.filename, data[:-10] + b"x" * 10 if info.filename.startswith("files/") else data)
    monkeypatch.setenv(storage.DATASETS_ENV, "database")
    target = storage.make_engine(empty_url)
    try:
        with pytest.raises(InvalidInput, match="does not match its manifest"):
            backup.restore_backup(target, bad)
        assert rows(target) == {"dataset": [], "datasetchunk": []}
    finally:
        target.dispose()
