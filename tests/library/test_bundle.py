"""Canvas bundles: the demo with its data round-trips to the same figures; every kind of bad
bundle gets a message saying what and where, and changes nothing (no canvas, no data file)."""

from __future__ import annotations

import hashlib
import io
import json
import warnings
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import Session

from canvas import storage
from canvas.analytics.filters import Filters
from canvas.analytics.service import metrics_of
from canvas.customer_data.linked import load_canvas_data
from canvas.domain.errors import InvalidInput
from canvas.library import bundle, bundle_zip, exchange
from canvas.library.demo import DEMO_CANVAS_ID
from tests.library.test_exchange import strip_ids


@pytest.fixture
def demo_session(demo_database_url: str) -> Iterator[Session]:
    engine = storage.make_engine(demo_database_url, migrate_schema=False)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


@pytest.fixture
def demo_bundle(demo_session: Session) -> bytes:
    return bundle.export_bundle(session=demo_session, canvas_id=DEMO_CANVAS_ID)


def entries_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def zipped(entries: list[tuple[str, bytes]]) -> bytes:
    """A zip of exactly these entries (duplicates and odd names included), deflated."""
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        warnings.simplefilter("ignore")  # "Duplicate name": wanted here
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


def edited(data: bytes, edit: Callable[[dict, dict[str, bytes]], None], *, rehash: bool = True) -> bytes:
    """The bundle after ``edit(manifest, entries)``; with ``rehash`` the manifest's sizes and hashes
    are made to match the edited files again (so only the edit itself is wrong)."""
    entries = entries_of(data)
    manifest = json.loads(entries.pop("manifest.json"))
    edit(manifest, entries)
    if rehash:
        for ref in [manifest["canvas"], *manifest["datasets"]]:
            if ref["file"] in entries:
                ref["bytes"] = len(entries[ref["file"]])
                ref["sha256"] = hashlib.sha256(entries[ref["file"]]).hexdigest()
    return zipped([("manifest.json", json.dumps(manifest).encode()), *entries.items()])


def figures_by_name(session: Session, canvas_id: str):
    data = load_canvas_data(session=session, canvas_id=canvas_id)
    result = metrics_of(data, Filters())
    assert result is not None
    names = data.segment_names
    return result.tiles, {names.get(sid, sid): dict(m) for sid, m in result.measures.items()}


def state(session: Session, data_dir: Path) -> tuple[list[str], list[str]]:
    """What an import could leave behind: the canvases and every file under the data folder."""
    canvases = sorted(c.id for c in storage.list_canvases(session=session))
    files = sorted(str(p.relative_to(data_dir)) for p in data_dir.rglob("*") if p.is_file())
    return canvases, files


def test_round_trip_keeps_the_canvas_and_its_figures(demo_session, demo_bundle, data_dir):
    session = demo_session
    checked = bundle.read_bundle(demo_bundle)
    assert sorted(d.kind for d in checked.datasets) == ["spend", "surveys", "transactions"]
    imported = bundle.import_bundle(session=session, bundle=checked)
    assert imported.name == "Kettle & Crema (demo) (imported)"

    original_doc = exchange.export_document(session=session, canvas_id=DEMO_CANVAS_ID)
    imported_doc = exchange.export_document(session=session, canvas_id=imported.id)
    imported_doc["canvas"]["name"] = original_doc["canvas"]["name"]
    assert strip_ids(imported_doc) == strip_ids(original_doc)

    datasets = storage.list_datasets(session=session, canvas_id=imported.id)
    new_segments = {s.id for s in storage.list_segments(session=session, canvas_id=imported.id)}
    links = datasets["transactions"].segment_links
    assert links and set(links.values()) <= new_segments  # linked to the new canvas's own segments
    assert all((data_dir / d.path).is_file() and imported.id in d.path for d in datasets.values())
    assert figures_by_name(session, imported.id) == figures_by_name(session, DEMO_CANVAS_ID)


def test_the_same_canvas_gives_the_same_bundle(demo_session, demo_bundle):
    assert bundle.export_bundle(session=demo_session, canvas_id=DEMO_CANVAS_ID) == demo_bundle
    manifest = json.loads(entries_of(demo_bundle)["manifest.json"])
    assert manifest["format"] == bundle.BUNDLE_FORMAT and manifest["format_version"] == 1
    for item in manifest["datasets"]:
        content = entries_of(demo_bundle)[item["file"]]
        assert item["bytes"] == len(content) and item["sha256"] == hashlib.sha256(content).hexdigest()


def test_import_file_tells_a_bundle_from_a_json_document(demo_session, demo_bundle):
    canvas, count = bundle.import_file(session=demo_session, data=demo_bundle, name="From bundle")
    assert (canvas.name, count) == ("From bundle", 3)
    text = exchange.dumps(exchange.export_document(session=demo_session, canvas_id=DEMO_CANVAS_ID)).encode()
    canvas, count = bundle.import_file(session=demo_session, data=text, name="From JSON")
    assert (canvas.name, count) == ("From JSON", 0)
    assert storage.list_datasets(session=demo_session, canvas_id=canvas.id) == {}


def test_user_text_with_html_and_formulas_is_kept_literally(demo_session):
    session = demo_session
    storage.update_canvas(session=session, canvas_id=DEMO_CANVAS_ID, expected_version=10**6,
                          data=storage.parse(exchange.CanvasCreate, name="<b>Bold</b> =SUM(A1)"))
    data = bundle.export_bundle(session=session, canvas_id=DEMO_CANVAS_ID)

    def rename(manifest: dict, entries: dict[str, bytes]) -> None:
        manifest["datasets"][0]["filename"] = "<img src=x onerror=alert(1)>=cmd.csv"

    imported = bundle.import_bundle(session=session, bundle=bundle.read_bundle(edited(data, rename)))
    assert imported.name == "<b>Bold</b> =SUM(A1) (imported)"
    filenames = {d.filename for d in storage.list_datasets(session=session, canvas_id=imported.id).values()}
    assert "<img src=x onerror=alert(1)>=cmd.csv" in filenames


def test_a_canvas_without_data_and_a_chosen_name(demo_session):
    session = demo_session
    empty = storage.create_canvas(session=session, data=storage.parse(exchange.CanvasCreate, name="Empty"))
    data = bundle.export_bundle(session=session, canvas_id=empty.id)
    assert json.loads(entries_of(data)["manifest.json"])["datasets"] == []
    imported = bundle.import_bundle(session=session, bundle=bundle.read_bundle(data), name="Empty too")
    assert imported.name == "Empty too"
    assert storage.list_datasets(session=session, canvas_id=imported.id) == {}
    before = len(storage.list_canvases(session=session))
    with pytest.raises(InvalidInput, match="name"):
        bundle.import_bundle(session=session, bundle=bundle.read_bundle(data), name="x" * 500)
    assert len(storage.list_canvases(session=session)) == before


def _drop_manifest(data: bytes) -> bytes:
    return zipped([(n, c) for n, c in entries_of(data).items() if n != "manifest.json"])


def _with_entry(name: str) -> Callable[[bytes], bytes]:
    return lambda data: zipped([*entries_of(data).items(), (name, b"x")])


def _manifest_text(text: bytes) -> Callable[[bytes], bytes]:
    return lambda data: zipped([("manifest.json", text), *[(n, c) for n, c in entries_of(data).items()
                                                           if n != "manifest.json"]])


def _set(path: str, value: object, *, rehash: bool = True) -> Callable[[bytes], bytes]:
    """Set a manifest field: "format_version", or "datasets.0.sha256"."""
    def edit(manifest: dict, entries: dict[str, bytes]) -> None:
        *parents, last = path.split(".")
        target = manifest
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[int(last) if isinstance(target, list) else last] = value
    return lambda data: edited(data, edit, rehash=rehash)


def _replace_file(name: str, content: Callable[[bytes], bytes], *, rehash: bool) -> Callable[[bytes], bytes]:
    def edit(manifest: dict, entries: dict[str, bytes]) -> None:
        entries[name] = content(entries[name])
    return lambda data: edited(data, edit, rehash=rehash)


def _parquet(frame: pd.DataFrame) -> Callable[[bytes], bytes]:
    def content(_: bytes) -> bytes:
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        return buffer.getvalue()
    return content


def _canvas_colour(data: bytes) -> bytes:
    document = json.loads(data)
    document["segments"][0]["colour"] = "red"
    return json.dumps(document).encode()


BAD_BUNDLES: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "not a zip": (lambda data: b"name,amount\nA,1\n", "not a canvas bundle"),
    "truncated zip": (lambda data: data[: len(data) // 2], "damaged"),
    "empty zip": (lambda data: zipped([]), "holds no manifest.json"),
    "no manifest": (_drop_manifest, "holds no manifest.json"),
    "manifest not JSON": (_manifest_text(b"{format: 1"), "manifest.json: not valid JSON (line 1"),
    "manifest huge number": (_manifest_text(b'{"format_version": ' + b"9" * 5000 + b"}"), "manifest.json: not valid"),
    "manifest nested deeply": (_manifest_text(b"[" * 100_000 + b"]" * 100_000), "manifest.json: nested too deeply"),
    "canvas huge number": (_replace_file("canvas.json", lambda c: c.replace(b'"position": 0', b'"position": '
                                                                            + b"9" * 5000, 1), rehash=True),
                           "canvas.json: This is not a canvas document"),
    "canvas nested deeply": (_replace_file("canvas.json", lambda c: b"[" * 100_000 + b"]" * 100_000, rehash=True),
                             "canvas.json: This JSON nests lists or objects thousands of levels deep"),
    "manifest a list": (_manifest_text(b"[]"), "expected a JSON object"),
    "another format": (_set("format", "zip-of-cats"), "not a canvas bundle made by this app"),
    "newer version": (_set("format_version", 2), "upgrade this app to import it"),
    "version as text": (_set("format_version", "1"), "version '1' is not supported"),
    "data file size": (_set("datasets.0.bytes", 1, rehash=False), "but the manifest says 1"),
    "data file hash": (_set("datasets.0.sha256", "0" * 64, rehash=False), "does not match the SHA-256"),
    "data file changed": (_replace_file("data/spend.parquet", lambda c: c[:-8] + b"\0" * 8, rehash=False),
                          "does not match the SHA-256"),
    "canvas file changed": (_replace_file("canvas.json", lambda c: c.replace(b"Kettle", b"Kittle"), rehash=False),
                            "canvas.json: its content does not match"),
    "data file missing": (lambda data: edited(data, lambda m, e: e.pop("data/spend.parquet")),
                          "is not in the bundle"),
    "unlisted data file": (lambda data: edited(data, lambda m, e: m["datasets"].pop()),
                           "a data file the manifest does not list"),
    "path traversal": (_with_entry("../evil.parquet"), "points outside the bundle"),
    "nested traversal": (_with_entry("data/../../evil"), "points outside the bundle"),
    "absolute path": (_with_entry("/etc/cron.d/evil"), "is an absolute path"),
    "windows path": (_with_entry("C:\\evil.exe"), "is an absolute path"),
    "duplicate entry": (lambda data: zipped([*entries_of(data).items(), ("canvas.json", b"{}")]), "twice"),
    "unknown entry": (_with_entry("run.sh"), "an entry this app does not know: “run.sh”"),
    "too many entries": (lambda data: zipped([(f"data/k{i}.parquet", b"") for i in range(7)]), "at most 6"),
    "unknown kind": (_set("datasets.0.kind", "secrets"), "'secrets' is no kind of data"),
    "unknown field": (_set("datasets.0.script", "x"), "datasets[0].script: a field"),
    "file name with a folder": (_set("datasets.0.filename", "../../orders.csv"), "not a plain file name"),
    "link to no segment": (_set("datasets.0.segment_links", {"Gift buyers": "nope"}), "no segment of the canvas"),
    "rows differ": (_set("datasets.0.rows", 5), "the manifest says 5 rows"),
    "report shape": (_set("datasets.0.report", {"kind": "spend", "rows_read": "many"}), "report.rows_read"),
    "bad canvas": (_replace_file("canvas.json", _canvas_colour, rehash=True), "canvas.json: segments[0].colour"),
    "not parquet": (_replace_file("data/spend.parquet", lambda c: b"PAR1 nope", rehash=True),
                    "data/spend.parquet: not a readable Parquet file"),
    "wrong columns": (_replace_file("data/spend.parquet", _parquet(pd.DataFrame({"x": [1]})), rehash=True),
                      "unexpected columns 'x'"),
    "amount as text": (_replace_file("data/spend.parquet", _parquet(pd.DataFrame({
        "period_start": pd.to_datetime(["2024-01-01"]), "amount": ["=1+1"], "segment": ["a"]})), rehash=True),
        "the column amount must hold numbers"),
}


@pytest.mark.parametrize("case", list(BAD_BUNDLES))
def test_a_bad_bundle_is_refused_with_its_reason_and_changes_nothing(case, demo_session, demo_bundle, data_dir):
    make, message = BAD_BUNDLES[case]
    before = state(demo_session, data_dir)
    with pytest.raises(InvalidInput) as error:
        bundle.import_file(session=demo_session, data=make(demo_bundle), filename="shared.zip")
    assert message in str(error.value)
    assert "Traceback" not in str(error.value)
    assert state(demo_session, data_dir) == before


def test_sizes_are_judged_from_the_zip_directory_before_inflating(monkeypatch, demo_bundle):
    bomb = zipped([("manifest.json", b" " * 3_000_000)])  # deflates about a thousandfold
    with pytest.raises(InvalidInput, match="inflates to 3 MB, more than the limit of 2 MB"):
        bundle.read_bundle(bomb)
    bomb = zipped([("manifest.json", b"{}"), ("data/spend.parquet", b"\0" * 2_000_000)])
    with pytest.raises(InvalidInput, match="would inflate [0-9,]+ times"):
        bundle.read_bundle(bomb)
    monkeypatch.setattr(bundle_zip, "MAX_UNCOMPRESSED_BYTES", 100_000)
    with pytest.raises(InvalidInput, match="The bundle inflates to"):
        bundle.read_bundle(demo_bundle)
    monkeypatch.setattr(bundle_zip, "MAX_BUNDLE_BYTES", 1000)
    with pytest.raises(InvalidInput, match="a bundle is at most"):
        bundle.read_bundle(demo_bundle)


def test_inflating_stops_at_the_size_the_directory_gives(monkeypatch):
    """An entry whose directory understates its size is refused, never read beyond it."""
    data = bytearray(zipped([("manifest.json", b"{" + b" " * 5000 + b"}")]))
    directory = data.rindex(b"PK\x01\x02")
    data[directory + 24: directory + 28] = (10).to_bytes(4, "little")  # the central directory's size
    with pytest.raises(InvalidInput, match="damaged|not the size"):
        bundle.read_bundle(bytes(data))


def test_a_failure_while_saving_leaves_no_canvas_and_no_file(demo_session, demo_bundle, data_dir, monkeypatch):
    checked = bundle.read_bundle(demo_bundle)
    before = state(demo_session, data_dir)
    calls = []
    original = pd.DataFrame.to_parquet

    def failing(self, path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return original(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", failing)
    with pytest.raises(OSError):
        bundle.import_bundle(session=demo_session, bundle=checked)
    assert len(calls) == 2  # the first file was written before the failure
    assert state(demo_session, data_dir) == before
