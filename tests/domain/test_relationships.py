"""The relationship design: its fields in one class family, the focus default, the cost rules."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from canvas.domain.document import relationship_entry, relationship_fields
from canvas.domain.models import Relationship
from canvas.domain.relationships import (
    FOCUS_DEFAULT,
    RelationshipBase,
    RelationshipDesign,
    customers_monthly_cost,
    monthly_cost_per_customer,
    normalise_focus,
    total_monthly_cost,
)


def test_the_focus_default_is_an_even_split_that_sums_to_100():
    assert dict(FOCUS_DEFAULT) == {"acquisition": 34, "retention": 33, "upselling": 33}
    assert sum(FOCUS_DEFAULT.values()) == 100
    with pytest.raises(TypeError):
        FOCUS_DEFAULT["acquisition"] = 50  # type: ignore[index]  # one default, not changed by a caller


def test_every_shape_of_a_design_starts_from_the_focus_default():
    split, note = normalise_focus(0, 0, 0)
    assert split == dict(FOCUS_DEFAULT) and note == "The focus was all zero, so it was split evenly (34/33/33)."
    for design in (RelationshipDesign(), Relationship(segment_id="s", canvas_id="c"),
                   RelationshipDesign.from_form()[0], RelationshipBase(**relationship_fields({}))):
        assert (design.focus_acquisition, design.focus_retention, design.focus_upselling) == (34, 33, 33)


def test_the_table_and_the_validated_design_share_one_set_of_fields():
    fields = set(RelationshipBase.model_fields)
    assert set(RelationshipDesign.model_fields) == fields
    # The table adds its keys and its item version (checked by edits, bumped by every change).
    assert set(Relationship.model_fields) == fields | {"segment_id", "canvas_id", "version"}
    assert issubclass(Relationship, RelationshipBase) and issubclass(RelationshipDesign, RelationshipBase)


def test_a_document_entry_holds_the_design_fields_and_reads_back_the_same():
    design = RelationshipDesign(types=["self_service", "communities"], focus_acquisition=20, focus_retention=60,
                                focus_upselling=20, cost_per_customer_month=1.5, cost_fixed_month=300.0,
                                lifecycle={"onboarding": "Welcome mail"}, targets={"nps": 40.0})
    stored = Relationship(segment_id="s1", canvas_id="c1", **design.model_dump())
    entry = relationship_entry(stored)
    assert list(entry) == ["segment_id", "types", "primary_type", "focus", "cost", "channel_note_ids", "lifecycle",
                           "competitors", "answers", "targets"]
    assert entry["focus"] == {"acquisition": 20, "retention": 60, "upselling": 20}
    assert entry["cost"] == {"per_customer_month": 1.5, "fixed_month": 300.0}
    assert relationship_fields(entry) == design.model_dump()


def test_total_monthly_cost_is_fixed_plus_per_customer_times_customers():
    design = SimpleNamespace(cost_per_customer_month=2.5, cost_fixed_month=400.0)
    assert total_monthly_cost(design, 1000) == 2900.0
    assert total_monthly_cost(design, None) == 400.0  # an unknown size counts no customers
    assert customers_monthly_cost(design, 1000) == 2500.0 and customers_monthly_cost(design, None) == 0.0


def test_monthly_cost_per_customer_spreads_the_fixed_cost_over_the_customers():
    design = SimpleNamespace(cost_per_customer_month=2.5, cost_fixed_month=400.0)
    assert monthly_cost_per_customer(design, 200) == 4.5
    assert monthly_cost_per_customer(design, None) == monthly_cost_per_customer(design, 0) == 2.5
    assert monthly_cost_per_customer(design, 200) * 200 == total_monthly_cost(design, 200)
