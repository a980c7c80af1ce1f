"""The Customer Relationships design of one segment: validation, the focus split, costs.

The fields live once in ``RelationshipBase``; ``RelationshipDesign`` is what a form or an
imported document supplies (it validates every field and names the field in its messages) and
``models.Relationship`` is the table. The focus default and the cost rules are here too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Protocol

from pydantic import ConfigDict, field_validator, model_validator
from sqlalchemy import JSON, Column, Text
from sqlmodel import AutoString, Field, SQLModel

from canvas.domain.blocks import COST_MAX, KEY_QUESTIONS, LIFECYCLE_STAGES, RELATIONSHIP_TYPES
from canvas.domain.formatting import money, target_text
from canvas.domain.measures import TARGETS

FOCUS_KEYS = ("acquisition", "retention", "upselling")
# The focus split of a new design, and of one whose shares are all zero: whole percent, sum 100.
FOCUS_DEFAULT: Mapping[str, int] = MappingProxyType({"acquisition": 34, "retention": 33, "upselling": 33})
TEXT_MAX_CHARS = 1000


class RelationshipCosts(Protocol):
    """What the cost rules read of a design (``RelationshipDesign``, ``models.Relationship``)."""

    cost_per_customer_month: float  # in the canvas currency
    cost_fixed_month: float


def customers_monthly_cost(design: RelationshipCosts, customers: int | None) -> float:
    """The part of a segment's relationship cost a month that grows with its customers, in the
    canvas currency: the cost per customer times the customers (an unknown size counts as none)."""
    return design.cost_per_customer_month * (customers or 0)


def total_monthly_cost(design: RelationshipCosts, customers: int | None) -> float:
    """A segment's relationship cost a month, in the canvas currency: the fixed cost plus
    ``customers_monthly_cost``."""
    return design.cost_fixed_month + customers_monthly_cost(design, customers)


def monthly_cost_per_customer(design: RelationshipCosts, customers: int | None) -> float:
    """A relationship's cost per customer a month, in the canvas currency: the cost per customer
    plus the fixed cost spread over the segment's customers (not spread when the size is unknown
    or zero)."""
    spread = design.cost_fixed_month / customers if customers else 0.0
    return design.cost_per_customer_month + spread


def normalise_focus(acquisition: float, retention: float, upselling: float) -> tuple[dict[str, int], str | None]:
    """Whole percentages that sum to 100, keeping the proportions the user gave.

    Returns the split and, when it had to change it, a sentence saying what was changed. All
    zeros become an even split. Largest-remainder rounding keeps the sum exact.
    """
    given = {"acquisition": acquisition, "retention": retention, "upselling": upselling}
    for key, value in given.items():
        if value is None or not math.isfinite(value) or value < 0:
            raise ValueError(f"The {key} share must be a percentage of 0 or more, not {value!r}")
    total = sum(given.values())
    if total == 0:
        shown = "/".join(str(FOCUS_DEFAULT[k]) for k in FOCUS_KEYS)
        return dict(FOCUS_DEFAULT), f"The focus was all zero, so it was split evenly ({shown})."
    raw = {k: v * 100 / total for k, v in given.items()}
    split = {k: math.floor(v) for k, v in raw.items()}
    for key in sorted(raw, key=lambda k: raw[k] - split[k], reverse=True)[: 100 - sum(split.values())]:
        split[key] += 1
    if all(abs(split[k] - given[k]) < 1e-9 for k in given):
        return split, None
    shown = "/".join(f"{given[k]:g}" for k in FOCUS_KEYS)
    return split, (
        f"The focus split added up to {total:g} %, not 100 %, so it was scaled to "
        f"{split['acquisition']} % acquisition, {split['retention']} % retention, "
        f"{split['upselling']} % upselling (from {shown})."
    )


class RelationshipBase(SQLModel):
    """The fields of one segment's relationship design, defined once: the table
    (``models.Relationship``), the validated design (``RelationshipDesign``) and the canvas
    document's entries (``document.relationship_entry``) all take them from here.
    Money is per month in the canvas currency; the focus split is in whole percent.
    """

    types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # No max_length here: it would also be a validation rule, and an unknown type is refused by
    # name (``RelationshipDesign``); the column is 40 characters, as migrated.
    primary_type: str | None = Field(default=None, sa_type=AutoString(length=40))
    focus_acquisition: int = FOCUS_DEFAULT["acquisition"]
    focus_retention: int = FOCUS_DEFAULT["retention"]
    focus_upselling: int = FOCUS_DEFAULT["upselling"]
    cost_per_customer_month: float = 0.0
    cost_fixed_month: float = 0.0
    channel_note_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    lifecycle: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    competitors: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    answers: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    targets: dict[str, float] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class RelationshipDesign(RelationshipBase):
    """One segment's relationship design, validated: what a form or an imported document supplies."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]  # merged with SQLModel's

    @field_validator("types")
    @classmethod
    def _types(cls, value: list[str]) -> list[str]:
        unknown = [t for t in value if t not in RELATIONSHIP_TYPES]
        if unknown:
            raise ValueError(
                f"unknown relationship type {unknown[0]!r}; use one of {', '.join(RELATIONSHIP_TYPES)}"
            )
        return list(dict.fromkeys(value))  # no duplicates, order kept

    @field_validator("cost_per_customer_month", "cost_fixed_month")
    @classmethod
    def _cost(cls, value: float) -> float:
        if not math.isfinite(value) or value < 0:
            raise ValueError("a cost cannot be negative")
        if value > COST_MAX:
            raise ValueError(f"{value:,.0f} a month looks like a typo; the limit is {COST_MAX:,.0f}")
        return float(value)

    @field_validator("lifecycle")
    @classmethod
    def _lifecycle(cls, value: dict[str, str]) -> dict[str, str]:
        return _known_texts(value, LIFECYCLE_STAGES, "lifecycle stage")

    @field_validator("answers")
    @classmethod
    def _answers(cls, value: dict[str, str]) -> dict[str, str]:
        return _known_texts(value, KEY_QUESTIONS, "key question")

    @field_validator("competitors")
    @classmethod
    def _competitors(cls, value: str) -> str:
        return _limited(value.strip(), "competitors")

    @field_validator("targets")
    @classmethod
    def _targets(cls, value: dict[str, float]) -> dict[str, float]:
        checked = {}
        for key, target in value.items():
            if key not in TARGETS:
                raise ValueError(f"unknown target {key!r}; use one of {', '.join(TARGETS)}")
            if target is None:
                continue
            label, unit, low, high = TARGETS[key]
            if not math.isfinite(target) or not low <= target <= high:
                shown = {"rate": "0 % and 100 %", "score": "-100 and 100"}.get(unit, f"{low:g} and {high:,.0f}")
                raise ValueError(f"{label} must be between {shown}, not {target:g}")
            checked[key] = float(target)
        return checked

    @model_validator(mode="after")
    def _primary_and_focus(self) -> RelationshipDesign:
        if self.primary_type is not None and self.primary_type not in self.types:
            if self.primary_type not in RELATIONSHIP_TYPES:
                raise ValueError(f"unknown primary relationship type {self.primary_type!r}")
            self.types = [self.primary_type, *self.types]
        if self.primary_type is None and self.types:
            self.primary_type = self.types[0]
        focus = (self.focus_acquisition, self.focus_retention, self.focus_upselling)
        if any(f < 0 for f in focus) or sum(focus) != 100:
            raise ValueError(
                f"the focus split must be three percentages that sum to 100, not {'/'.join(map(str, focus))}"
            )
        return self

    @classmethod
    def from_form(cls, **values: Any) -> tuple[RelationshipDesign, str | None]:
        """Build from form values, fixing a focus split that does not sum to 100 (and saying so)."""
        split, note = normalise_focus(*(values.pop(f"focus_{k}", FOCUS_DEFAULT[k]) for k in FOCUS_KEYS))
        design = cls.model_validate({**values, **{f"focus_{k}": v for k, v in split.items()}})
        return design, note


def _limited(text: str, what: str) -> str:
    if len(text) > TEXT_MAX_CHARS:
        raise ValueError(f"the {what} text is {len(text)} characters; the limit is {TEXT_MAX_CHARS}")
    return text


def _known_texts(value: dict[str, str], known: dict[str, str], what: str) -> dict[str, str]:
    cleaned = {}
    for key, text in value.items():
        if key not in known:
            raise ValueError(f"unknown {what} {key!r}; use one of {', '.join(known)}")
        text = _limited((text or "").strip(), f"{key} {what}")
        if text:
            cleaned[key] = text
    return cleaned


def comparison_columns(segments: list[Any], relationships: dict[str, Any], channel_names: dict[str, str],
                       currency: str) -> dict[str, dict[str, str]]:
    """The side-by-side comparison of relationship designs, as texts ready to show.

    One column per segment (keyed by name, in canvas order), one row per thing a founder
    compares: types, focus, costs (``formatting.money``, as on the board), channels, how much of the
    plan and the key questions is filled, and each target that any segment has. A segment
    without a design says so in its first row; a blank is shown as "—".
    """
    target_rows = {key: f"Target: {label}" for key, (label, *_) in TARGETS.items()
                   if any(key in design.targets for design in relationships.values())}
    columns = {}
    for segment in segments:
        design = relationships.get(segment.id)
        if design is None:
            column = {"Primary type": "not designed yet"}
        else:
            column = {
                "Primary type": RELATIONSHIP_TYPES[design.primary_type].label if design.primary_type else "",
                "Other types": ", ".join(RELATIONSHIP_TYPES[t].label for t in design.types
                                         if t != design.primary_type),
                "Focus: acquisition / retention / upselling":
                    f"{design.focus_acquisition} / {design.focus_retention} / {design.focus_upselling} %",
                "Total cost a month": money(total_monthly_cost(design, segment.estimated_size), currency),
                "Cost per customer a month": money(design.cost_per_customer_month, currency),
                "Fixed cost a month": money(design.cost_fixed_month, currency),
                "Channels": ", ".join(channel_names.get(n, "?") for n in design.channel_note_ids),
                "Lifecycle stages planned": f"{len(design.lifecycle)} of {len(LIFECYCLE_STAGES)}",
                "Key questions answered": f"{len(design.answers)} of {len(KEY_QUESTIONS)}",
            }
            column |= {row: target_text(key, design.targets[key], currency) if key in design.targets else ""
                       for key, row in target_rows.items()}
        columns[segment.name] = column
    rows = max((list(column) for column in columns.values()), key=len, default=[])
    return {name: {row: column.get(row) or "—" for row in rows} for name, column in columns.items()}

