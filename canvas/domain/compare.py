"""What changed between two points of a canvas's history, in the user's words.

``compare(a, b)`` takes two ``CanvasState`` (the earlier first, usually) and lists, from a to b:
the canvas's details, per block the notes added, removed and changed (text, colour, segment), the
segments added, removed and changed, and per segment the relationship design's fields and targets
that changed; every value already written as text (money in the canvas's currency, rates in %).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from canvas.domain.blocks import BLOCKS, KEY_QUESTIONS, LIFECYCLE_STAGES, RELATIONSHIP_TYPES, Block
from canvas.domain.canvas_state import CanvasState
from canvas.domain.formatting import money, target_text
from canvas.domain.measures import TARGETS
from canvas.domain.relationships import FOCUS_KEYS

NONE_SHOWN = "—"
_DETAIL_LABELS = {"name": "Name", "description": "Description", "currency": "Currency"}


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class ItemChange:
    """One note, segment, design or dismissed finding: "added", "removed" or "changed"."""

    status: str
    title: str  # the item as the user knows it: a note's text, a segment's name (the newer one)
    fields: tuple[FieldChange, ...] = ()
    title_before: str = ""  # a changed item's title at the earlier point (a note's old text)


@dataclass(frozen=True)
class BlockChanges:
    block: Block
    notes: tuple[ItemChange, ...]
    reordered: bool = False

    @property
    def title(self) -> str:
        return BLOCKS[self.block].title


@dataclass(frozen=True)
class Comparison:
    details: tuple[FieldChange, ...]
    blocks: tuple[BlockChanges, ...]  # only the blocks with changes, in the canvas's order
    segments: tuple[ItemChange, ...]
    segments_reordered: bool
    relationships: tuple[ItemChange, ...]  # titled by the segment's name
    findings: tuple[ItemChange, ...]

    @property
    def empty(self) -> bool:
        return not (self.details or self.blocks or self.segments or self.segments_reordered
                    or self.relationships or self.findings)

    def count(self, status: str) -> int:
        """How many items were ``status`` ("added", "removed", "changed") across the canvas."""
        items = [*self.segments, *self.relationships, *self.findings, *(n for b in self.blocks for n in b.notes)]
        return sum(1 for item in items if item.status == status)


def compare(a: CanvasState, b: CanvasState) -> Comparison:
    """What changed from ``a`` to ``b``; the currency of ``b`` writes the money."""
    currency = b.details.get("currency", "EUR")
    details = tuple(FieldChange(_DETAIL_LABELS[k], _text(a.details.get(k)), _text(b.details.get(k)))
                    for k in _DETAIL_LABELS if a.details.get(k) != b.details.get(k))
    names = {**_segment_names(a), **_segment_names(b)}
    blocks = []
    for block in BLOCKS:
        notes_a = {k: n for k, n in a.of("note").items() if n.get("block") == block.value}
        notes_b = {k: n for k, n in b.of("note").items() if n.get("block") == block.value}
        changes = tuple(_items(notes_a, notes_b, lambda n: n["text"], lambda x, y: _note_fields(x, y, names)))
        reordered = _order(notes_a, set(notes_b)) != _order(notes_b, set(notes_a))  # the notes in both
        if changes or reordered:
            blocks.append(BlockChanges(block, changes, reordered))
    seg_a, seg_b = a.of("segment"), b.of("segment")
    segments = tuple(_items(seg_a, seg_b, lambda s: s["name"], _segment_fields))
    notes = {**{k: n["text"] for k, n in a.of("note").items()}, **{k: n["text"] for k, n in b.of("note").items()}}
    relationships = tuple(_items(
        a.of("relationship"), b.of("relationship"), lambda r: names.get(r["segment_id"], "(deleted segment)"),
        lambda x, y: _design_fields(x, y, currency, notes)))
    findings = tuple(_items(
        a.of("finding"), b.of("finding"),
        lambda f: f"{f['rule_id']}" + (f" · {names[f['segment_id']]}" if f.get("segment_id") in names else ""),
        lambda x, y: ()))
    return Comparison(
        details=details, blocks=tuple(blocks), segments=segments,
        segments_reordered=_order(seg_a, set(seg_b)) != _order(seg_b, set(seg_a)),
        relationships=relationships, findings=findings,
    )


def _segment_names(state: CanvasState) -> dict[str, str]:
    return {k: s["name"] for k, s in state.of("segment").items()}


def _order(items: dict[str, dict[str, Any]], among: set[str] | None = None) -> list[str]:
    """Ids in board order (only those ``among``, when given)."""
    ordered = sorted(items.values(), key=lambda f: (f.get("position", 0), f["id"]))
    return [f["id"] for f in ordered if among is None or f["id"] in among]


def _items(a: dict[str, dict[str, Any]], b: dict[str, dict[str, Any]], title: Any, fields: Any) -> list[ItemChange]:
    out = []
    for key in [*_keys_in_order(b), *(k for k in _keys_in_order(a) if k not in b)]:
        x, y = a.get(key), b.get(key)
        if x is None and y is not None:
            out.append(ItemChange("added", title(y)))
        elif y is None and x is not None:
            out.append(ItemChange("removed", title(x)))
        elif x is not None and y is not None:
            changed = tuple(fields(x, y))
            if changed:
                out.append(ItemChange("changed", title(y), changed, title_before=title(x)))
    return out


def _keys_in_order(items: dict[str, dict[str, Any]]) -> list[str]:
    return sorted(items, key=lambda k: (items[k].get("position", 0), k))


def _text(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return NONE_SHOWN
    return str(value)


def _note_fields(x: dict[str, Any], y: dict[str, Any], names: dict[str, str]) -> list[FieldChange]:
    out = []
    if x["text"] != y["text"]:
        out.append(FieldChange("Text", x["text"], y["text"]))
    if x.get("segment_id") != y.get("segment_id"):
        def seg(sid: str | None) -> str:
            return names.get(sid, "(deleted segment)") if sid else "No segment"
        out.append(FieldChange("Segment", seg(x.get("segment_id")), seg(y.get("segment_id"))))
    if x.get("colour") != y.get("colour"):
        out.append(FieldChange("Colour", str(x.get("colour")), str(y.get("colour"))))
    return out


def _segment_fields(x: dict[str, Any], y: dict[str, Any]) -> list[FieldChange]:
    labels = {"name": "Name", "description": "Who they are", "colour": "Colour", "estimated_size": "Estimated size"}
    out = []
    for key, label in labels.items():
        if x.get(key) != y.get(key):
            if key == "estimated_size":
                before, after = (NONE_SHOWN if v is None else f"{v:,} customers" for v in (x.get(key), y.get(key)))
            else:
                before, after = _text(x.get(key)), _text(y.get(key))
            out.append(FieldChange(label, before, after))
    return out


def _design_fields(x: dict[str, Any], y: dict[str, Any], currency: str, notes: dict[str, str]) -> list[FieldChange]:
    """The design's fields that differ, one line each; the focus as one split, the stages,
    answers and targets one line per entry."""
    out = []

    def add(label: str, before: str, after: str) -> None:
        if before != after:
            out.append(FieldChange(label, before, after))

    def types(value: list[str]) -> str:
        return ", ".join(RELATIONSHIP_TYPES[t].label if t in RELATIONSHIP_TYPES else t for t in value) or NONE_SHOWN

    add("Relationship types", types(x.get("types") or []), types(y.get("types") or []))
    add("Primary type", types([x["primary_type"]] if x.get("primary_type") else []),
        types([y["primary_type"]] if y.get("primary_type") else []))
    split = [" / ".join(f"{d.get(f'focus_{k}', 0)} % {k}" for k in FOCUS_KEYS) for d in (x, y)]
    add("Focus", *split)
    add("Cost per customer a month", money(x.get("cost_per_customer_month", 0), currency),
        money(y.get("cost_per_customer_month", 0), currency))
    add("Fixed cost a month", money(x.get("cost_fixed_month", 0), currency),
        money(y.get("cost_fixed_month", 0), currency))
    channels = [", ".join(notes.get(n, "(deleted note)") for n in d.get("channel_note_ids") or []) or NONE_SHOWN
                for d in (x, y)]
    add("Channels", *channels)
    for key, label in LIFECYCLE_STAGES.items():
        add(label, _text((x.get("lifecycle") or {}).get(key)), _text((y.get("lifecycle") or {}).get(key)))
    add("Competitors", _text(x.get("competitors")), _text(y.get("competitors")))
    for key, label in KEY_QUESTIONS.items():
        add(label, _text((x.get("answers") or {}).get(key)), _text((y.get("answers") or {}).get(key)))
    for key, (label, *_rest) in TARGETS.items():
        values = [(d.get("targets") or {}).get(key) for d in (x, y)]
        add(f"Target: {label}", *(NONE_SHOWN if v is None else target_text(key, v, currency) for v in values))
    return out
