"""The Relationships page's form: a design shown in its widgets reads back as the same design."""

from __future__ import annotations

from canvas.domain.measures import TARGETS
from canvas.domain.relationships import RelationshipDesign
from canvas.ui.relationships import form_state, form_values, target_inputs


def test_a_design_shown_in_the_form_reads_back_the_same():
    design = RelationshipDesign(types=["personal_assistance", "communities"], focus_acquisition=30,
                                focus_retention=50, focus_upselling=20, cost_per_customer_month=12.0,
                                lifecycle={"onboarding": "Call in week one"}, answers={"cost": "Low"},
                                targets={"retention_rate": 0.93, "nps": 40.0, "clv": 6000.0})
    state = form_state(design, "rel_s1")
    assert state["rel_s1_target_retention_rate"] == 93.0  # rates in percent in the form
    assert state["rel_s1_target_csat"] is None  # no target: an empty input
    again, note = RelationshipDesign.from_form(**form_values(state, "rel_s1"))
    assert note is None and again == design


def test_emptied_numbers_are_zero_and_empty_targets_are_none():
    state = form_state(RelationshipDesign(), "p") | {"p_cost_fixed": None, "p_focus_upselling": None}
    values = form_values(state, "p")
    assert values["cost_fixed_month"] == 0.0 and values["focus_upselling"] == 0
    assert values["targets"] == {}


def test_target_inputs_are_in_the_forms_units():
    inputs = {i.key: i for i in target_inputs("EUR")}
    assert list(inputs) == list(TARGETS)
    assert inputs["churn_rate"][1:] == ("Monthly churn rate (%)", 0.0, 100.0, 1.0)
    assert inputs["nps"][1:] == ("NPS", -100.0, 100.0, 5.0)
    assert inputs["clv"][1:] == ("Customer lifetime value (EUR)", 0.0, 1e9, 10.0)
