"""The coach's rules, each shown to fire and not to fire."""

from __future__ import annotations

import copy

import pytest

from canvas.domain import coach
from canvas.library.demo import demo_document


def rules(document, metrics=None, **kw) -> dict[str, set[tuple[str, ...]]]:
    found: dict[str, set[tuple[str, ...]]] = {}
    for f in coach.findings(document, metrics, **kw):
        found.setdefault(f.rule_id, set()).add(f.segment_ids)
    return found


def design(segment_id: str, **changes) -> dict:
    base = {
        "segment_id": segment_id, "types": ["personal_assistance"], "primary_type": "personal_assistance",
        "focus": {"acquisition": 30, "retention": 40, "upselling": 30},
        "cost": {"per_customer_month": 1.0, "fixed_month": 0.0}, "channel_note_ids": [],
        "lifecycle": {stage: "planned" for stage in ("onboarding", "usage", "support", "renewal", "expansion")},
        "competitors": "", "answers": {k: "answered" for k in coach.KEY_QUESTIONS},
        "targets": {"retention_rate": 0.9, "nps": 40.0, "clv": 500.0},
    }
    base.update(changes)
    return base


def canvas(*designs, sizes=None) -> dict:
    ids = [d["segment_id"] for d in designs]
    return {
        "segments": [{"id": i, "name": f"Segment {i}", "estimated_size": (sizes or {}).get(i, 100)} for i in ids],
        "relationships": list(designs), "dismissed_findings": [],
    }


def test_a_sound_design_has_no_findings():
    document = canvas(design("a"), design("b", types=["self_service"], primary_type="self_service"))
    assert rules(document) == {}


def test_demo_has_real_findings_but_not_one_size_fits_all():
    found = rules(demo_document())
    assert "one-size-fits-all" not in found
    assert {"no-lifecycle-plan", "no-targets", "unanswered-key-questions", "underinvested-retention"} <= set(found)
    assert found["no-lifecycle-plan"] == {("seg-gift",)}


def test_one_size_fits_all_when_every_segment_shares_one_design():
    document = demo_document()
    shared = document["relationships"][0]
    for entry in document["relationships"][1:]:
        entry["types"], entry["primary_type"] = list(shared["types"]), shared["primary_type"]
    found = rules(document)
    assert found["one-size-fits-all"] == {("seg-home", "seg-office", "seg-gift")}


def test_missing_design():
    document = canvas(design("a"))
    document["segments"].append({"id": "b", "name": "B"})
    assert rules(document)["no-relationship-design"] == {("b",)}


def test_underinvested_retention_threshold():
    low = design("a", focus={"acquisition": 76, "retention": 24, "upselling": 0})
    ok = design("b", focus={"acquisition": 75, "retention": 25, "upselling": 0})
    assert rules(canvas(low, ok))["underinvested-retention"] == {("a",)}


def test_over_automated_high_value_segment():
    rich = design("a", types=["automated_services", "self_service"], primary_type="automated_services",
                  targets={"clv": 3000.0, "nps": 30.0})
    poor = design("b", targets={"clv": 100.0, "nps": 30.0})
    assert rules(canvas(rich, poor))["over-automated-high-value"] == {("a",)}
    personal = dict(rich, types=["automated_services", "personal_assistance"])
    assert "over-automated-high-value" not in rules(canvas(personal, poor))
    close = design("b", targets={"clv": 1500.0, "nps": 30.0})  # not 3x apart: not "high value"
    assert "over-automated-high-value" not in rules(canvas(rich, close))


def test_cost_exceeds_value_uses_lifetime_from_churn():
    # 20 a month for 1 / 0.05 = 20 months is 400, below a CLV of 500: fine.
    fine = design("a", cost={"per_customer_month": 20.0, "fixed_month": 0.0},
                  targets={"clv": 500.0, "churn_rate": 0.05, "nps": 10.0})
    # 20 a month + 1,000 fixed over 100 customers = 30 a month, x 20 months = 600 > 500.
    costly = design("b", cost={"per_customer_month": 20.0, "fixed_month": 1000.0},
                    targets={"clv": 500.0, "churn_rate": 0.05, "nps": 10.0})
    assert rules(canvas(fine, costly))["cost-exceeds-value"] == {("b",)}
    # Measured figures win over targets.
    measured = {"a": {"clv": 100.0, "churn_rate": 0.05}}
    assert ("a",) in rules(canvas(fine, costly), measured)["cost-exceeds-value"]


def test_no_feedback_source():
    quiet = [design(i, targets={"retention_rate": 0.9, "clv": 100.0}) for i in ("a", "b")]
    assert rules(canvas(*quiet))["no-feedback-source"] == {()}
    assert "no-feedback-source" not in rules(canvas(*quiet), {"a": {"nps": 20.0}})


def test_no_targets_no_lifecycle_and_unanswered_questions():
    bare = design("a", targets={}, lifecycle={"onboarding": "welcome"}, answers={"cost": "cheap"})
    found = rules(canvas(bare, design("b")))
    assert found["no-targets"] == {("a",)}
    assert found["no-lifecycle-plan"] == {("a",)}
    assert found["unanswered-key-questions"] == {("a",)}


def test_metric_rules_target_missed_and_churn_rising():
    document = canvas(design("a", targets={"retention_rate": 0.9, "churn_rate": 0.05, "cac": 50.0, "nps": 10.0}))
    measured = {"a": {"retention_rate": 0.85, "churn_rate": 0.15, "cac": 40.0, "churn_trend": 0.02}}
    found = coach.findings(document, measured)
    missed = next(f for f in found if f.rule_id == "target-missed")
    assert "Monthly retention rate 85.0 % (target 90.0 %)" in missed.why
    assert "Monthly churn rate" in missed.why and "acquisition cost" not in missed.why  # CAC is better
    assert missed.chart == "kpis"
    assert next(f for f in found if f.rule_id == "churn-rising").chart == "retention"
    assert "churn-rising" not in rules(document, {"a": {"churn_trend": 0.001}})


def test_dismissed_findings_are_left_out_per_segment_or_canvas():
    document = copy.deepcopy(demo_document())
    document["dismissed_findings"] = [{"rule_id": "no-targets", "segment_id": "seg-gift", "reason": "later"}]
    assert "no-targets" not in rules(document)
    assert "no-targets" in rules(document, include_dismissed=True)


def test_findings_are_sorted_by_severity():
    order = [coach.SEVERITY_ORDER[f.severity] for f in coach.findings(demo_document())]
    assert order == sorted(order)


@pytest.mark.parametrize("rule_id", list(coach.RULES))
def test_every_rule_has_a_description(rule_id):
    assert coach.RULES[rule_id].endswith(".")
