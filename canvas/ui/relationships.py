"""The Relationships page's form: the widget values that show a design, and the design's values
read back from them. Plain data in and out (no Streamlit call), so both are tested directly.

Widget keys are ``<prefix>_<field>``, the prefix naming the segment (``rel_<segment id>``).
Rate targets are fractions in a design and percent in the form.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from canvas.domain.blocks import KEY_QUESTIONS, LIFECYCLE_STAGES
from canvas.domain.measures import TARGETS
from canvas.domain.relationships import FOCUS_KEYS, RelationshipBase


def form_state(design: RelationshipBase, prefix: str) -> dict[str, Any]:
    """The design form's widget values (by key) that show ``design``; rate targets in percent.

    The widgets take their values from here, not from ``value=``/``default=``: a saved design
    can differ from what was typed (the primary type joins the types, the focus is scaled to
    100), and only values set through the session state reach the browser's widgets on the
    next run.
    """
    state = {
        f"{prefix}_types": list(design.types),
        f"{prefix}_primary": design.primary_type,
        **{f"{prefix}_focus_{key}": getattr(design, f"focus_{key}") for key in FOCUS_KEYS},
        f"{prefix}_cost_customer": design.cost_per_customer_month,
        f"{prefix}_cost_fixed": design.cost_fixed_month,
        f"{prefix}_channels": list(design.channel_note_ids),
        f"{prefix}_competitors": design.competitors,
        **{f"{prefix}_stage_{stage}": design.lifecycle.get(stage, "") for stage in LIFECYCLE_STAGES},
        **{f"{prefix}_answer_{key}": design.answers.get(key, "") for key in KEY_QUESTIONS},
    }
    for key, (_, unit, _, _) in TARGETS.items():
        value = design.targets.get(key)
        state[f"{prefix}_target_{key}"] = round(value * 100, 2) if value is not None and unit == "rate" else value
    return state


def form_values(state: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """The design's field values as the form holds them (``RelationshipDesign.from_form`` takes
    them): an emptied number is 0, an empty target is no target, rate targets back to fractions."""
    return {
        "types": list(state[f"{prefix}_types"]),
        "primary_type": state[f"{prefix}_primary"],
        **{f"focus_{key}": state[f"{prefix}_focus_{key}"] or 0 for key in FOCUS_KEYS},
        "cost_per_customer_month": state[f"{prefix}_cost_customer"] or 0.0,
        "cost_fixed_month": state[f"{prefix}_cost_fixed"] or 0.0,
        "channel_note_ids": list(state[f"{prefix}_channels"]),
        "lifecycle": {stage: state[f"{prefix}_stage_{stage}"] for stage in LIFECYCLE_STAGES},
        "competitors": state[f"{prefix}_competitors"],
        "answers": {key: state[f"{prefix}_answer_{key}"] for key in KEY_QUESTIONS},
        "targets": {
            key: (value / 100 if TARGETS[key][1] == "rate" else value)
            for key in TARGETS
            if (value := state[f"{prefix}_target_{key}"]) is not None
        },
    }


class TargetInput(NamedTuple):
    """One target's number input: label with its unit, bounds and step, in the form's units."""

    key: str
    label: str
    low: float
    high: float
    step: float


def target_inputs(currency: str) -> list[TargetInput]:
    """The number inputs of the targets, in ``TARGETS`` order: rates in percent (0-100, step 1),
    scores as they are (step 5), money in the canvas currency (step 10)."""
    inputs = []
    for key, (label, unit, low, high) in TARGETS.items():
        if unit == "rate":
            inputs.append(TargetInput(key, f"{label} (%)", 0.0, 100.0, 1.0))
        elif unit == "score":
            inputs.append(TargetInput(key, label, low, high, 5.0))
        else:
            inputs.append(TargetInput(key, f"{label} ({currency})", low, high, 10.0))
    return inputs
