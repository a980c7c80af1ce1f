"""Canvas bundles: one zip holding a canvas and its customer data, so a shared canvas carries its
numbers. Documented in docs/canvas-format.md (“Bundles”).

A bundle holds ``manifest.json`` (the format's name and version; the canvas file's and each data
file's size and SHA-256; each dataset's kind, file name, column mapping, report and segment
links), ``canvas.json`` (the canvas format of ``exchange``) and ``data/<kind>.parquet``. Reading
one checks everything before anything is saved: the zip from its own directory
(``bundle_zip``), the manifest, every file against its size and hash, the canvas document, and
the data (``bundle_data``). Importing it is one transaction: a new canvas, its datasets' files
and records, linked to the new canvas's segments, all or nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from canvas import storage
from canvas.domain.errors import InvalidInput
from canvas.domain.models import DATASET_KINDS, Canvas
from canvas.library import exchange
from canvas.library.bundle_data import check_report, read_frame
from canvas.library.bundle_zip import CANVAS, MANIFEST, read_entries, write_entries

BUNDLE_FORMAT = "business-model-canvas-bundle"
BUNDLE_VERSION = 1
SUPPORTED_BUNDLE_VERSIONS = (1,)
FILENAME_MAX_CHARS = 255
MAX_LINKS = 10_000  # segment values of one dataset (a manifest is at most 2 MB anyway)

_ASK = "Ask whoever sent it for a new bundle."


@dataclass
class Bundle:
    """A checked bundle: the canvas document, and its datasets with segment links to the
    document's segment ids."""

    document: dict[str, Any]
    datasets: list[storage.NewDataset] = field(default_factory=list)


def bundle_file_name(canvas_id: str) -> str:
    return f"{canvas_id}.bundle.zip"


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def export_bundle(*, session: Session, canvas_id: str) -> bytes:
    """The canvas and its datasets as one zip (the same canvas and data give the same bytes)."""
    document = exchange.export_document(session=session, canvas_id=canvas_id)
    canvas_bytes = exchange.dumps(document).encode()
    segment_ids = {s["id"] for s in document["segments"]}
    files: dict[str, bytes] = {}
    datasets = []
    for kind, dataset in sorted(storage.list_datasets(session=session, canvas_id=canvas_id).items()):
        content = storage.read_dataset_file(dataset, session=session)
        entry = f"data/{kind}.parquet"
        files[entry] = content
        datasets.append({
            "kind": kind, "file": entry, "bytes": len(content), "sha256": _digest(content),
            "filename": dataset.filename, "rows": dataset.rows, "mapping": dataset.mapping,
            # A link to a segment deleted since reads as Unassigned, as it does on the canvas.
            "segment_links": {value: sid if sid in segment_ids else "" for value, sid in dataset.segment_links.items()},
            "report": dataset.report,
        })
    manifest = {
        "format": BUNDLE_FORMAT, "format_version": BUNDLE_VERSION,
        "canvas": {"file": CANVAS, "bytes": len(canvas_bytes), "sha256": _digest(canvas_bytes)},
        "datasets": datasets,
    }
    manifest_bytes = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    return write_entries({MANIFEST: manifest_bytes, CANVAS: canvas_bytes, **files})


# --- Reading ---------------------------------------------------------------------------------------

def _fail(where: str, message: str) -> InvalidInput:
    return InvalidInput(f"{where}: {message}. The bundle was not imported. {_ASK}", field=where)


def _expect(value: Any, kind: type, where: str, what: str) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise _fail(where, f"expected {what}, found {type(value).__name__}")
    return value


def _read_manifest(entries: dict[str, bytes]) -> dict[str, Any]:
    if MANIFEST not in entries:
        raise InvalidInput(f"This zip holds no {MANIFEST}, so it is not a canvas bundle made by this app. "
                           f"It was not imported. {_ASK}", field="bundle")
    try:
        manifest = json.loads(entries[MANIFEST].decode("utf-8"))
    except UnicodeDecodeError:
        raise _fail(MANIFEST, "not text (UTF-8)") from None
    except json.JSONDecodeError as error:
        raise _fail(MANIFEST, f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
    except ValueError as error:  # a number of more than 4,300 digits
        raise _fail(MANIFEST, f"not valid JSON ({error})") from None
    except RecursionError:
        raise _fail(MANIFEST, "nested too deeply") from None
    _expect(manifest, dict, MANIFEST, "a JSON object")
    if manifest.get("format") != BUNDLE_FORMAT:
        raise _fail(f"{MANIFEST} format", f"expected “{BUNDLE_FORMAT}”, found {manifest.get('format')!r}: "
                                          "this is not a canvas bundle made by this app")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version not in SUPPORTED_BUNDLE_VERSIONS:
        newer = isinstance(version, int) and not isinstance(version, bool) and version > max(SUPPORTED_BUNDLE_VERSIONS)
        raise InvalidInput(
            f"{MANIFEST} format_version: bundle version {version!r} is not supported (this app reads "
            f"{', '.join(map(str, SUPPORTED_BUNDLE_VERSIONS))}). "
            + ("It was written by a newer version of the app: upgrade this app to import it."
               if newer else f"The bundle was not imported. {_ASK}"), field="format_version")
    return manifest


def _checked_file(entries: dict[str, bytes], ref: Any, where: str, expected_name: str) -> bytes:
    """The entry ``ref`` names, after checking its size and SHA-256 against the manifest."""
    _expect(ref, dict, where, "an object with file, bytes and sha256")
    name = _expect(ref.get("file"), str, f"{where}.file", "the entry's name")
    if name != expected_name:
        raise _fail(f"{where}.file", f"expected “{expected_name}”, found {name!r}")
    size = _expect(ref.get("bytes"), int, f"{where}.bytes", "a whole number")
    digest = _expect(ref.get("sha256"), str, f"{where}.sha256", "a SHA-256 in hexadecimal")
    if name not in entries:
        raise _fail(where, f"the file “{name}” the manifest lists is not in the bundle")
    content = entries[name]
    if len(content) != size:
        raise _fail(name, f"{len(content):,} bytes, but the manifest says {size:,}: the file was changed or "
                          "damaged after the bundle was made")
    if _digest(content) != digest.lower():
        raise _fail(name, "its content does not match the SHA-256 in the manifest: the file was changed or "
                          "damaged after the bundle was made")
    return content


def _check_filename(value: Any, where: str) -> str:
    name = _expect(value, str, where, "a file name")
    if not name.strip() or len(name) > FILENAME_MAX_CHARS:
        raise _fail(where, f"a file name is 1 to {FILENAME_MAX_CHARS} characters")
    if re.search(r"[\x00-\x1f\x7f/\\]", name):
        raise _fail(where, f"{name!r} is not a plain file name (no folders, no control characters)")
    return name


def _check_text_map(value: Any, where: str, *, nullable: bool) -> dict[str, Any]:
    mapping = _expect(value, dict, where, "an object")
    if len(mapping) > MAX_LINKS:
        raise _fail(where, f"{len(mapping):,} entries; at most {MAX_LINKS:,}")
    for key, item in mapping.items():
        if not (isinstance(item, str) or nullable and item is None) or len(key) > 1000 or \
                isinstance(item, str) and len(item) > 1000:
            raise _fail(f"{where}[{key[:40]!r}]", "expected text" + (" or null" if nullable else ""))
    return dict(mapping)


def _read_dataset(entries: dict[str, bytes], item: Any, where: str, segment_ids: set[str]) -> storage.NewDataset:
    _expect(item, dict, where, "an object")
    known = {"kind", "file", "bytes", "sha256", "filename", "rows", "mapping", "segment_links", "report"}
    unknown = sorted(set(item) - known)
    if unknown:
        raise _fail(f"{where}.{unknown[0]}", "a field this version of the bundle format does not have")
    kind = _expect(item.get("kind"), str, f"{where}.kind", "a kind of data")
    if kind not in DATASET_KINDS:
        raise _fail(f"{where}.kind", f"{kind!r} is no kind of data (use one of {', '.join(DATASET_KINDS)})")
    content = _checked_file(entries, item, where, f"data/{kind}.parquet")
    filename = _check_filename(item.get("filename"), f"{where}.filename")
    rows = _expect(item.get("rows"), int, f"{where}.rows", "a whole number")
    mapping = _check_text_map(item.get("mapping", {}), f"{where}.mapping", nullable=True)
    links = _check_text_map(item.get("segment_links", {}), f"{where}.segment_links", nullable=False)
    for value, sid in links.items():
        if sid and sid not in segment_ids:
            raise _fail(f"{where}.segment_links[{value[:40]!r}]", f"no segment of the canvas has the id {sid!r}")
    report = check_report(item.get("report", {}), f"{where}.report")
    frame = read_frame(content, kind, f"data/{kind}.parquet")
    if len(frame) != rows:
        raise _fail(f"{where}.rows", f"the manifest says {rows:,} rows, the file holds {len(frame):,}")
    return storage.NewDataset(kind=kind, frame=frame, filename=filename, mapping=mapping, report=report,
                              segment_links=links)


def read_bundle(data: bytes) -> Bundle:
    """Parse and check a bundle completely; raises ``InvalidInput`` saying what, where and what to do."""
    entries = read_entries(data)
    manifest = _read_manifest(entries)
    unknown = sorted(set(manifest) - {"format", "format_version", "canvas", "datasets"})
    if unknown:
        raise _fail(f"{MANIFEST} {unknown[0]}", "a field this version of the bundle format does not have")
    canvas_bytes = _checked_file(entries, manifest.get("canvas"), f"{MANIFEST} canvas", CANVAS)
    try:
        document = exchange.read_document(canvas_bytes)
    except InvalidInput as error:
        raise InvalidInput(f"{CANVAS}: {error} The bundle was not imported.", field=error.field) from None
    items = _expect(manifest.get("datasets", []), list, f"{MANIFEST} datasets", "a list")
    if len(items) > len(DATASET_KINDS):
        raise _fail(f"{MANIFEST} datasets", f"{len(items)} datasets; a canvas has at most one of each kind")
    segment_ids = {s["id"] for s in document.get("segments", [])}
    datasets = [_read_dataset(entries, item, f"{MANIFEST} datasets[{i}]", segment_ids) for i, item in enumerate(items)]
    kinds = [d.kind for d in datasets]
    if len(set(kinds)) != len(kinds):
        raise _fail(f"{MANIFEST} datasets", "two datasets of the same kind; a canvas has one of each kind")
    listed = {CANVAS, MANIFEST} | {f"data/{kind}.parquet" for kind in kinds}
    extra = sorted(set(entries) - listed)
    if extra:
        raise _fail(extra[0], "a data file the manifest does not list")
    return Bundle(document=document, datasets=datasets)


# --- Importing -------------------------------------------------------------------------------------

def import_bundle(*, session: Session, bundle: Bundle, name: str | None = None) -> Canvas:
    """A new canvas holding the bundle's canvas and data, its datasets linked to the new canvas's
    segments; one transaction over the database and the files (``storage.add_datasets``)."""
    try:
        canvas = exchange.stage_document(session=session, document=bundle.document, name=name)
        new_ids = {s.name: s.id for s in storage.list_segments(session=session, canvas_id=canvas.id)}
        names = {s["id"]: s["name"] for s in bundle.document["segments"]}
        datasets = [
            storage.NewDataset(kind=d.kind, frame=d.frame, filename=d.filename, mapping=d.mapping, report=d.report,
                               segment_links={v: new_ids[names[s]] if s else "" for v, s in d.segment_links.items()})
            for d in bundle.datasets
        ]
    except BaseException:
        session.rollback()
        raise
    storage.add_datasets(session=session, canvas_id=canvas.id, datasets=datasets)  # commits, or rolls back
    session.refresh(canvas)
    return canvas


def is_bundle(data: bytes) -> bool:
    """A zip (a bundle, or something claiming to be one) rather than a canvas JSON document."""
    return data.startswith(b"PK")


def import_file(*, session: Session, data: bytes, filename: str = "", name: str | None = None) -> tuple[Canvas, int]:
    """Import a canvas JSON document or a bundle, told by its content or its ``filename`` ending
    in .zip; the new canvas and how many datasets came with it."""
    if is_bundle(data) or filename.lower().endswith(".zip"):
        bundle = read_bundle(data)
        return import_bundle(session=session, bundle=bundle, name=name), len(bundle.datasets)
    document = exchange.read_document(data)
    return exchange.import_document(session=session, document=document, name=name), 0
