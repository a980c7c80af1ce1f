"""Files a killed save left behind are removed; the files of datasets, and fresh files of a save
in progress elsewhere, are kept."""

from __future__ import annotations

import os
import time

from sqlmodel import Session

from canvas import storage
from canvas.library.demo import DEMO_CANVAS_ID, create_demo
from canvas.storage.leftovers import sweep_dataset_files


def test_leftovers_of_killed_saves_go_and_dataset_files_stay(engine, data_dir):
    with Session(engine, expire_on_commit=False) as session:
        create_demo(session=session)
        kept = [data_dir / d.path for d in storage.list_datasets(session=session, canvas_id=DEMO_CANVAS_ID).values()]
        folder = data_dir / "datasets" / DEMO_CANVAS_ID
        partial = folder / "a1.parquet.partial"  # killed while writing
        orphan = folder / "b2.parquet"  # killed between the rename and the commit
        fresh = folder / "c3.parquet.partial"  # a save in progress in another process
        for path in (partial, orphan, fresh):
            path.write_bytes(b"PAR1")
        hour_ago = time.time() - 2 * 3600
        for path in (partial, orphan, *kept):
            os.utime(path, (hour_ago, hour_ago))
        assert all(path.exists() for path in (partial, orphan, fresh, *kept))

        removed = sweep_dataset_files(session=session)

        assert sorted(removed) == sorted([partial, orphan])
        assert not partial.exists() and not orphan.exists()
        assert fresh.exists() and all(path.exists() for path in kept)
        for dataset in storage.list_datasets(session=session, canvas_id=DEMO_CANVAS_ID).values():
            assert len(storage.load_dataset(dataset)) == dataset.rows


def test_no_data_folder_yet_is_nothing_to_sweep(session):
    assert sweep_dataset_files(session=session) == []
