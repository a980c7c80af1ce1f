"""`python -m canvas bundle export|import`: the demo with its data, and clean refusals."""

from __future__ import annotations

import json
import zipfile

from sqlmodel import Session

from canvas import storage
from canvas.cli import main


def test_bundle_export_then_import_brings_the_data(demo_database_url, tmp_path, capsys):
    out = tmp_path / "demo.zip"
    assert main(["bundle", "export", "--canvas", "demo-kettle-crema", "-o", str(out)]) == 0
    assert "with 3 datasets" in capsys.readouterr().err
    assert {"manifest.json", "canvas.json", "data/transactions.parquet"} <= set(zipfile.ZipFile(out).namelist())
    assert not (tmp_path / "demo.zip.partial").exists()

    assert main(["bundle", "import", str(out), "--name", "Shared copy"]) == 0
    printed = capsys.readouterr().out
    assert "Imported as “Shared copy”" in printed and "with 3 datasets" in printed
    engine = storage.make_engine(demo_database_url, migrate_schema=False)
    with Session(engine) as session:
        copy = next(c for c in storage.list_canvases(session=session) if c.name == "Shared copy")
        assert sorted(storage.list_datasets(session=session, canvas_id=copy.id)) == ["spend", "surveys", "transactions"]
    engine.dispose()
    # The same figures as the original's, as the metrics command prints them.
    assert main(["metrics", "--canvas", "demo-kettle-crema"]) == 0
    original = capsys.readouterr().out
    assert main(["metrics", "--canvas", copy.id]) == 0
    assert capsys.readouterr().out == original and "Active customers" in original


def test_bundle_refusals_are_one_line_and_exit_2(demo_database_url, tmp_path, capsys):
    missing = tmp_path / "nothing.zip"
    assert main(["bundle", "import", str(missing)]) == 2
    assert "There is no file" in capsys.readouterr().err

    not_zip = tmp_path / "canvas.zip"
    not_zip.write_text(json.dumps({"format": "business-model-canvas"}))
    assert main(["bundle", "import", str(not_zip)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: This file is not a canvas bundle") and "Traceback" not in err

    assert main(["bundle", "export", "--canvas", "no-such-canvas", "-o", str(tmp_path / "x.zip")]) == 2
    assert "error:" in capsys.readouterr().err and not (tmp_path / "x.zip").exists()

    assert main(["bundle", "export", "--canvas", "demo-kettle-crema", "-o", str(tmp_path / "no" / "x.zip")]) == 2
    assert "Cannot write" in capsys.readouterr().err
