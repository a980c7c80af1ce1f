"""`python -m canvas`: demo and list, and clean failures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from canvas.cli import main
from tests.support import assert_same_report

ROOT = Path(__file__).resolve().parents[2]


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


def test_export_import_check_round_trip(database_url, tmp_path, capsys):
    assert main(["demo"]) == 0
    out = tmp_path / "demo.json"
    assert main(["export", "demo-kettle-crema", "-o", str(out)]) == 0
    assert main(["import", str(out)]) == 0
    assert "Imported as “Kettle & Crema (demo) (imported)”" in capsys.readouterr().out
    assert main(["check", str(out), "--json"]) == 0
    findings = json.loads(capsys.readouterr().out)
    assert {f["rule_id"] for f in findings} >= {"no-lifecycle-plan", "no-targets"}
    assert "one-size-fits-all" not in {f["rule_id"] for f in findings}
    assert all(set(f) >= {"rule_id", "severity", "segments", "message"} for f in findings)


def test_check_finds_one_size_fits_all(tmp_path, capsys):
    from canvas.library.demo import demo_document

    document = demo_document()
    for entry in document["relationships"]:
        entry["types"], entry["primary_type"] = ["self_service"], "self_service"
    path = tmp_path / "same.json"
    path.write_text(json.dumps(document))
    assert main(["check", str(path), "--json"]) == 0
    [finding] = [f for f in json.loads(capsys.readouterr().out) if f["rule_id"] == "one-size-fits-all"]
    assert finding["segments"] == ["Home brewers", "Office teams", "Gift buyers"]


def test_import_of_a_bad_file_is_one_clear_line(database_url, tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "business-model-canvas", "format_version": 2}')
    assert main(["import", str(path)]) == 2
    assert capsys.readouterr().err.startswith("error: format_version: version 2 is not supported")
    assert main(["import", str(tmp_path / "missing.json")]) == 2
    assert "There is no file" in capsys.readouterr().err
    assert main(["export", "nope"]) == 2
    assert "no canvas with id “nope”" in capsys.readouterr().err


def test_metrics_and_clv_commands_on_the_demo_data(capsys):
    from canvas.library.demo import DEMO_DATA_DIR

    path = str(DEMO_DATA_DIR / "transactions.csv")
    assert main(["metrics", path, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    for key in ("customers", "orders", "revenue", "aov", "purchase_frequency", "repeat_purchase_rate",
                "clv_historical", "retention", "revenue_retention", "cohorts"):
        assert key in report
    assert set(report["segments"]) == {"Home brewers", "Office teams", "Gift buyers"}
    assert report["cohorts"][0]["retention"][0] == 1
    assert main(["metrics", path, "--period", "quarter"]) == 0
    assert "Customer metrics by quarter" in capsys.readouterr().out
    assert main(["clv", path, "--calibration-end", "2026-04-30", "--holdout-end", "2026-10-31", "--json"]) == 0
    clv = json.loads(capsys.readouterr().out)
    assert set(clv["bgnbd"]) >= {"r", "alpha", "a", "b", "loglik", "converged"}
    assert clv["holdout"] is not None and clv["clv"]["mean"] > 0


def test_metrics_reports_bad_rows_on_stderr_and_strict_fails(tmp_path, capsys):
    path = tmp_path / "orders.csv"
    path.write_text("customer,date,amount\nc1,2024-01-01,10\nc2,2024-01-02,ten\nc1,2024-02-01,5\n")
    assert main(["metrics", str(path), "--json"]) == 0
    captured = capsys.readouterr()
    assert "Unreadable amount in column “amount”: 1 row skipped (line 3)" in captured.err
    assert json.loads(captured.out)["orders"] == 2
    assert main(["metrics", str(path), "--strict"]) == 2
    assert "on line 3" in capsys.readouterr().err


def test_metrics_unknown_column_and_missing_file(tmp_path, capsys):
    path = tmp_path / "orders.csv"
    path.write_text("customer,date,amount\nc1,2024-01-01,10\n")
    assert main(["metrics", str(path), "--customer", "Kunde"]) == 2
    assert "no column 'Kunde'. Its columns are: customer, date, amount" in capsys.readouterr().err
    assert main(["metrics", str(tmp_path / "none.csv")]) == 2
    assert "There is no file" in capsys.readouterr().err
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert main(["metrics", str(empty)]) == 2
    assert "is empty" in capsys.readouterr().err


def test_metrics_of_a_canvas_adds_relationship_types_and_targets(database_url, capsys):
    assert main(["demo"]) == 0
    capsys.readouterr()
    assert main(["metrics", "--canvas", "demo-kettle-crema", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report["segments"]) == {"Home brewers", "Office teams", "Gift buyers"}
    assert set(report["relationship_types"]) == {"Automated services", "Dedicated personal assistance", "Self-service"}
    office = report["relationship_types"]["Dedicated personal assistance"]  # Office teams alone
    assert office["customers"] == report["segments"]["Office teams"]["customers"]
    statuses = {(t["segment"], t["metric"]): t["status"] for t in report["targets"]}
    assert statuses[("Home brewers", "NPS")] == "missed"
    assert statuses[("Office teams", "Monthly retention rate")] == "met"
    assert report["nps"] is not None and report["cac_overall"] is not None


def test_metrics_needs_exactly_one_source(database_url, capsys):
    assert main(["metrics"]) == 2
    assert "--canvas ID" in capsys.readouterr().err
    assert main(["metrics", "file.csv", "--canvas", "x"]) == 2
    assert "not both" in capsys.readouterr().err
    assert main(["metrics", "--canvas", "nope"]) == 2
    assert "no canvas with id" in capsys.readouterr().err.lower()


REPEATS = "customer,date,amount\nc1,2024-01-01,10\nc1,2024-01-01,10\nc2,2024-01-02,x\nc2,2024-01-03,-2.5\n"


def test_exact_repeats_are_orders_unless_drop_duplicates(tmp_path, capsys):
    path = tmp_path / "orders.csv"
    path.write_text(REPEATS)
    assert main(["metrics", str(path), "--json"]) == 0
    captured = capsys.readouterr()
    assert "note: 1 row repeats an earlier row exactly (line 3): counted as separate orders" in captured.err
    report = json.loads(captured.out)
    assert report["orders"] == 2 and report["revenue"] == 17.5
    assert report["ingest"]["notices"][0]["lines"] == [3]
    assert (report["ingest"]["file_total"], report["ingest"]["counted_total"]) == (17.5, 17.5)

    assert main(["metrics", str(path), "--json", "--drop-duplicates"]) == 0
    captured = capsys.readouterr()
    assert "Exact duplicate of an earlier row (dropped as asked): 1 row skipped (line 3)" in captured.err
    report = json.loads(captured.out)
    assert report["orders"] == 1 and report["revenue"] == 7.5
    assert report["ingest"]["notices"] == [] and report["ingest"]["skipped_totals"] == {"duplicate": 10.0}


def test_human_output_reconciles_the_file_total(tmp_path, capsys):
    path = tmp_path / "orders.csv"
    path.write_text(REPEATS)
    assert main(["metrics", str(path), "--drop-duplicates"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().splitlines()[-1] == (
        "Amounts in the file: 17.50 = 7.50 counted + 10.00 skipped (Exact duplicate of an earlier row "
        "(dropped as asked): 10.00); 1 row with an unreadable amount: in no total")
    assert main(["clv", str(path), "--calibration-end", "2024-01-02", "--drop-duplicates"]) == 0
    captured = capsys.readouterr()
    assert "Amounts in the file: 17.50 = 7.50 counted" in captured.out
    assert "1 row skipped (line 3)" in captured.err
    assert main(["clv", str(path), "--calibration-end", "2024-01-02", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["ingest"]["notices"][0]["outcome"] == "counted as separate orders"
    assert "counted as separate orders" in captured.err


def test_a_file_without_one_usable_row_is_exit_2_and_one_message(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("customer,date,amount\nc1,not a date,10\nc2,2024-01-02,inf\n")
    for command in (["metrics", str(path)], ["clv", str(path), "--calibration-end", "2024-06-30"]):
        done = subprocess.run([sys.executable, "-m", "canvas", *command], capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 2, done.stdout
        assert done.stdout == ""
        [line] = done.stderr.splitlines()
        assert line.startswith(f"error: No row of {path} can be used (2 rows read, all skipped")
        assert "line 2" in line and "line 3" in line and "--date" in line
        assert "1969" not in line and "Traceback" not in done.stderr


def test_hostile_files_are_one_message_and_exit_2(tmp_path, capsys):
    year_9999 = tmp_path / "dates.csv"
    year_9999.write_text("customer,date,amount\nc1,9999-12-31,10\nc2,2024-01-02,5\nc3,2024-01-03,7\n")
    assert main(["metrics", str(year_9999), "--json"]) == 0
    captured = capsys.readouterr()
    assert "Date outside the years 1678 to 2261 in column “date”" in captured.err and "line 2" in captured.err
    assert json.loads(captured.out)["orders"] == 2
    binary = tmp_path / "photo.csv"
    binary.write_bytes(bytes(range(1, 256)) * 40)
    assert main(["metrics", str(binary)]) == 2
    assert "not a text, Excel or Parquet file" in capsys.readouterr().err
    unicode_text = tmp_path / "unicode.txt"
    unicode_text.write_bytes("customer\tdate\tamount\nc1\t2024-01-01\t10\nc2\t2024-01-02\t5\n".encode("utf-16"))
    assert main(["metrics", str(unicode_text), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["orders"] == 2


def test_list_prints_a_stored_escape_sequence_as_text(database_url, engine, capsys):
    """Validation refuses control characters now; a name stored before that (or by hand) must not
    recolour or rewrite the terminal of whoever lists the canvases."""
    from sqlalchemy import text
    from sqlmodel import Session

    from canvas import storage
    from canvas.domain.models import CanvasCreate

    with Session(engine) as session:
        canvas = storage.create_canvas(session=session, data=storage.parse(CanvasCreate, name="Acme"))
        session.execute(text("UPDATE canvas SET name = :name WHERE id = :id"),
                        {"name": "Acme\x1b[31m\x1b]0;pwned\x07", "id": canvas.id})
        session.commit()
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "Acme" in out
    assert "\x1b" not in out and "\x07" not in out
    assert "Acme\\x1b[31m\\x1b]0;pwned\\x07" in out


def test_a_busy_database_is_one_line_and_exit_2(database_url, monkeypatch, capsys):
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    from canvas import storage
    from canvas.storage.db import DATABASE_BUSY

    def exhausted(**kwargs):
        raise PoolTimeout("QueuePool limit of size 10 overflow 30 reached, connection timed out, timeout 10.00")

    monkeypatch.setattr(storage, "list_canvases", exhausted)
    assert main(["list"]) == 2
    assert capsys.readouterr().err == f"error: {DATABASE_BUSY}\n"


def test_a_big_file_is_streamed_with_progress_and_the_same_figures(tmp_path, capsys, monkeypatch):
    from canvas.customer_data import limits, stream

    path = tmp_path / "orders.csv"
    rows = "".join(f"c{i % 7},2024-{i % 12 + 1:02d}-{i % 27 + 1:02d},{i % 50}.{i % 100:02d}\n" for i in range(300))
    path.write_text("customer,date,amount\n" + rows + "c1,2024-02-30,1\nc1,2024-01-01,0.00\n")
    assert main(["metrics", str(path), "--json"]) == 0
    whole = capsys.readouterr()
    assert "reading" not in whole.err
    monkeypatch.setattr(limits, "STREAM_FROM_BYTES", 1000)
    monkeypatch.setattr(limits, "STREAM_CHUNK_BYTES", 512)
    monkeypatch.setattr(stream, "FIRST_ROWS", 10)
    assert main(["metrics", str(path), "--json"]) == 0
    streamed = capsys.readouterr()
    progress = [line for line in streamed.err.splitlines() if line.startswith(f"reading {path}")]
    assert len(progress) > 3 and "rows/s" in progress[0] and "302 rows read (100%)" in progress[-1]
    assert json.loads(streamed.out) == json.loads(whole.out)
    assert [line for line in streamed.err.splitlines() if not line.startswith("reading")] == whole.err.splitlines()


def test_a_big_file_with_many_rows_is_streamed_then_computed_out_of_core(tmp_path, capsys, monkeypatch):
    from canvas.customer_data import limits, stream

    path = tmp_path / "orders.csv"
    rows = "".join(f"c{i % 31},2024-{i % 12 + 1:02d}-{i % 27 + 1:02d},{i % 50}.{i % 100:02d},o{i // 2}\n"
                   for i in range(400))
    path.write_text("customer,date,amount,order\n" + rows)
    assert main(["metrics", str(path), "--json"]) == 0
    whole = json.loads(capsys.readouterr().out)
    work = tmp_path / "work"
    monkeypatch.setenv("CANVAS_WORK_DIR", str(work))
    monkeypatch.setattr(limits, "STREAM_FROM_BYTES", 1000)
    monkeypatch.setattr(limits, "STREAM_CHUNK_BYTES", 2048)
    monkeypatch.setattr(stream, "FIRST_ROWS", 10)
    monkeypatch.setattr(limits, "OUT_OF_CORE_ROWS", 100)
    assert main(["metrics", str(path), "--json"]) == 0
    streamed = capsys.readouterr()
    assert "400 rows kept: computed out of core" in streamed.err
    assert_same_report(whole, json.loads(streamed.out))
    assert not work.exists()  # the buckets went with the temporary file
    assert os.environ["CANVAS_WORK_DIR"] == str(work)


def test_the_file_commands_do_not_load_the_database_layer(tmp_path):
    """`metrics FILE` and `clv FILE` need no database: importing SQLModel cost half a second a run."""
    csv = tmp_path / "orders.csv"
    csv.write_text("customer_id,date,amount\na,2026-01-05,10\nb,2026-02-03,12\na,2026-03-01,9\n")
    probe = ("import runpy, sys; sys.argv = ['canvas', 'metrics', sys.argv[1], '--json']\n"
             "try:\n    runpy.run_module('canvas', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "print('LOADED', sorted(m for m in ('sqlmodel', 'sqlalchemy', 'pydantic') if m in sys.modules),"
             " file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", probe, str(csv)], cwd=ROOT, capture_output=True, text=True)
    assert '"customers"' in result.stdout or '"active' in result.stdout, result.stderr  # it did compute
    assert "LOADED []" in result.stderr
