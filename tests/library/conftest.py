"""The export tests' canvases, read once per module: the demo with hostile text, and a canvas
without data (``export_canvases``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from sqlmodel import Session

from canvas import storage
from canvas.library.exports import ExportContent, gather
from tests.library.export_canvases import canvas_without_data, hostile_demo


@pytest.fixture(scope="module")
def exported(tmp_path_factory, demo_template) -> Iterator[tuple[ExportContent, ExportContent]]:
    """(the hostile demo's content, the bare canvas's content), from a database of the module's own."""
    folder = tmp_path_factory.mktemp("exports")
    shutil.copyfile(demo_template.database, folder / "canvas.db")
    shutil.copytree(demo_template.data, folder / "data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(storage.DATA_DIR_ENV, str(folder / "data"))
        engine = storage.make_engine(f"sqlite:///{folder / 'canvas.db'}", migrate_schema=False)
        with Session(engine, expire_on_commit=False) as session:
            demo = gather(session=session, canvas_id=hostile_demo(session))
            bare = gather(session=session, canvas_id=canvas_without_data(session))
        engine.dispose()
    yield demo, bare


@pytest.fixture(scope="module")
def demo_content(exported) -> ExportContent:
    return exported[0]


@pytest.fixture(scope="module")
def bare_content(exported) -> ExportContent:
    return exported[1]
