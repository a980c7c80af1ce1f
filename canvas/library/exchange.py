"""The canvas JSON format: export, strict validation, import. Documented in docs/canvas-format.md.

An import never half-saves: the document is validated completely first (every message names
the field, e.g. ``segments[2].colour``), then written in one transaction.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from canvas import storage
from canvas.domain.blocks import Block
from canvas.domain.coach import RULES
from canvas.domain.document import FORMAT_NAME, canvas_document, relationship_fields, replace_contents
from canvas.domain.errors import InvalidInput
from canvas.domain.lookalike import find_lookalike, same_name
from canvas.domain.models import POSITION_MAX, Canvas, CanvasCreate, NoteCreate, SegmentCreate
from canvas.domain.relationships import RelationshipDesign
from canvas.storage.access import authorize
from canvas.storage.relationships import DISMISS_REASON_MAX_CHARS

MAX_DOCUMENT_BYTES = 5_000_000
MAX_SEGMENTS = 100
MAX_NOTES = 2000
SUPPORTED_VERSIONS = (1,)


def export_document(*, session: Session, canvas_id: str) -> dict[str, Any]:
    """The whole canvas as one document (deterministic: the same canvas gives the same text)."""
    return canvas_document(session, storage.get_canvas(session=session, canvas_id=canvas_id))


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def upgrade_document(document: dict[str, Any]) -> dict[str, Any]:
    """Bring an older format version up to the current one (only version 1 exists so far)."""
    return document


def _fail(path: str, message: str) -> InvalidInput:
    return InvalidInput(f"{path}: {message}" if path else message, field=path or None)


def _expect(value: Any, kind: type | tuple[type, ...], path: str, what: str) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise _fail(path, f"expected {what}, found {type(value).__name__}")
    return value


def _validated(model: type[BaseModel], values: dict[str, Any], path: str) -> Any:
    try:
        return model.model_validate(values)
    except ValidationError as error:
        item = error.errors()[0]
        field = ".".join(str(p) for p in item.get("loc", ()))
        message = item.get("msg", "is not valid").removeprefix("Value error, ")
        raise _fail(f"{path}.{field}" if field else path, message) from None


def read_document(data: bytes | str) -> dict[str, Any]:
    """Parse and validate a canvas document; raises ``InvalidInput`` naming the field."""
    size = len(data.encode() if isinstance(data, str) else data)
    if size > MAX_DOCUMENT_BYTES:
        raise _fail("", f"The file is {size / 1e6:.1f} MB; a canvas document is at most "
                        f"{MAX_DOCUMENT_BYTES / 1e6:.0f} MB. Is this really a canvas export?")
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise _fail("", f"This is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}). "
                        "Export the canvas again, or fix the file.") from None
    except UnicodeDecodeError:
        raise _fail("", "This file is not text (UTF-8): is it really a canvas export?") from None
    except RecursionError:  # "[[[[…" 100,000 deep: no canvas export nests more than a few levels
        raise _fail("", "This JSON nests lists or objects thousands of levels deep; a canvas export nests a few. "
                        "Export the canvas again.") from None
    except ValueError as error:  # a number of over 4,300 digits
        raise _fail("", f"This is not a canvas document ({error}). Export the canvas again, or fix the file.") from None
    _expect(document, dict, "", "a JSON object")
    if document.get("format") != FORMAT_NAME:
        raise _fail("format", f"expected \"{FORMAT_NAME}\", found {document.get('format')!r}: this is not a "
                              "canvas exported by this app")
    version = document.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version not in SUPPORTED_VERSIONS:
        newer = isinstance(version, int) and version > max(SUPPORTED_VERSIONS)
        raise _fail("format_version", f"version {version!r} is not supported (this app reads "
                                      f"{', '.join(map(str, SUPPORTED_VERSIONS))})"
                                      + ("; it was written by a newer version of the app: upgrade to import it"
                                         if newer else ""))
    document = upgrade_document(document)
    _check_canvas(document)
    segment_ids = _check_segments(document)
    channel_ids = _check_notes(document, segment_ids)
    _check_relationships(document, segment_ids, channel_ids)
    _check_dismissed(document, segment_ids)
    return document


def _check_canvas(document: dict[str, Any]) -> None:
    info = _expect(document.get("canvas"), dict, "canvas", "an object with name, description and currency")
    _validated(CanvasCreate, {k: info[k] for k in ("name", "description", "currency") if k in info}, "canvas")


def _items(document: dict[str, Any], key: str, limit: int) -> list[Any]:
    items = _expect(document.get(key, []), list, key, "a list")
    if len(items) > limit:
        raise _fail(key, f"{len(items):,} entries; at most {limit:,} are allowed")
    return items


def _check_ids(item: dict[str, Any], path: str, seen: set[str]) -> str:
    item_id = _expect(item.get("id"), str, f"{path}.id", "a text id")
    if not item_id or len(item_id) > 32:
        raise _fail(f"{path}.id", "an id is 1 to 32 characters")
    if item_id in seen:
        raise _fail(f"{path}.id", f"the id {item_id!r} is used twice")
    seen.add(item_id)
    return item_id


def _check_position(item: dict[str, Any], path: str) -> None:
    position = _expect(item.get("position", 0), int, f"{path}.position", "a whole number")
    if isinstance(position, bool) or not 0 <= position <= POSITION_MAX:
        raise _fail(f"{path}.position", f"{position!r} is not a place in a block (0 to {POSITION_MAX:,})")


def _check_segments(document: dict[str, Any]) -> set[str]:
    seen: set[str] = set()
    names: list[str] = []
    for i, item in enumerate(_items(document, "segments", MAX_SEGMENTS)):
        path = f"segments[{i}]"
        _expect(item, dict, path, "an object")
        _check_ids(item, path, seen)
        fields = {k: item[k] for k in ("name", "description", "colour", "estimated_size") if k in item}
        segment = _validated(SegmentCreate, fields, path)
        if (other := find_lookalike(segment.name, names)) is not None:
            if same_name(other, segment.name):
                raise _fail(f"{path}.name", f"two segments are called {segment.name!r}")
            raise _fail(f"{path}.name", f"the segments {other!r} and {segment.name!r} look alike; rename one")
        names.append(segment.name)
        _check_position(item, path)
    return seen


def _check_notes(document: dict[str, Any], segment_ids: set[str]) -> set[str]:
    seen: set[str] = set()
    channels: set[str] = set()
    for i, item in enumerate(_items(document, "notes", MAX_NOTES)):
        path = f"notes[{i}]"
        _expect(item, dict, path, "an object")
        note_id = _check_ids(item, path, seen)
        fields = {k: item[k] for k in ("block", "text", "colour", "segment_id") if k in item}
        note = _validated(NoteCreate, fields, path)
        if note.block == Block.CUSTOMER_SEGMENTS:
            raise _fail(f"{path}.block", "Customer Segments holds segments, not notes")
        if note.segment_id is not None and note.segment_id not in segment_ids:
            raise _fail(f"{path}.segment_id", f"no segment has the id {note.segment_id!r}")
        _check_position(item, path)
        if note.block == Block.CHANNELS:
            channels.add(note_id)
    return channels


def _check_relationships(document: dict[str, Any], segment_ids: set[str], channel_ids: set[str]) -> None:
    designed: set[str] = set()
    for i, entry in enumerate(_items(document, "relationships", MAX_SEGMENTS)):
        path = f"relationships[{i}]"
        _expect(entry, dict, path, "an object")
        segment_id = _expect(entry.get("segment_id"), str, f"{path}.segment_id", "a segment id")
        if segment_id not in segment_ids:
            raise _fail(f"{path}.segment_id", f"no segment has the id {segment_id!r}")
        if segment_id in designed:
            raise _fail(f"{path}.segment_id", f"segment {segment_id!r} has two relationship designs")
        designed.add(segment_id)
        for key in ("focus", "cost", "lifecycle", "answers", "targets"):
            _expect(entry.get(key, {}), dict, f"{path}.{key}", "an object")
        for key in ("types", "channel_note_ids"):
            _expect(entry.get(key, []), list, f"{path}.{key}", "a list")
        design = _validated(RelationshipDesign, relationship_fields(entry), path)
        for channel in design.channel_note_ids:
            if channel not in channel_ids:
                raise _fail(f"{path}.channel_note_ids", f"{channel!r} is not a note of the Channels block")


def _check_dismissed(document: dict[str, Any], segment_ids: set[str]) -> None:
    for i, item in enumerate(_items(document, "dismissed_findings", 1000)):
        path = f"dismissed_findings[{i}]"
        _expect(item, dict, path, "an object")
        rule_id = _expect(item.get("rule_id"), str, f"{path}.rule_id", "a rule id")
        if rule_id not in RULES:
            raise _fail(f"{path}.rule_id", f"{rule_id[:60]!r} is not a rule of the coach (one of {', '.join(RULES)})")
        reason = _expect(item.get("reason", ""), str, f"{path}.reason", "text")
        if len(reason) > DISMISS_REASON_MAX_CHARS:
            raise _fail(f"{path}.reason", f"the reason is {len(reason):,} characters; the limit is "
                                          f"{DISMISS_REASON_MAX_CHARS}")
        if item.get("segment_id") is not None:
            segment_id = _expect(item["segment_id"], str, f"{path}.segment_id", "a segment id or null")
            if segment_id not in segment_ids:  # never re-targeted to the whole canvas
                raise _fail(f"{path}.segment_id", f"no segment has the id {segment_id[:40]!r}")


def import_document(*, session: Session, document: dict[str, Any], name: str | None = None) -> Canvas:
    """A new canvas (fresh ids) holding a validated document; all or nothing.

    When the document's name is taken, the new canvas is called “<name> (imported)”, then
    “<name> (imported) (2)”, and so on.
    """
    try:
        canvas = stage_document(session=session, document=document, name=name)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(canvas)
    return canvas


def stage_document(*, session: Session, document: dict[str, Any], name: str | None = None) -> Canvas:
    """``import_document`` without the commit: the new canvas is flushed, so the caller can add to
    the same transaction (a bundle's datasets) and commit or roll back everything together."""
    authorize(session, None)
    document = json.loads(json.dumps(document))  # a private copy: the caller's dict stays as it was
    base = storage.parse(CanvasCreate, name=name).name if name else document["canvas"]["name"]
    chosen = base if storage.free_name(session, base) == base else storage.free_name(session, base, " (imported)")
    document["canvas"]["name"] = chosen
    canvas = Canvas(name=chosen, description=document["canvas"].get("description", ""),
                    currency=document["canvas"].get("currency", "EUR"))
    session.add(canvas)
    session.flush()
    replace_contents(session, canvas, document, keep_ids=False)
    storage.log_canvas_change(session, canvas_id=canvas.id, action="replace", label="Import the canvas")
    session.flush()
    return canvas
