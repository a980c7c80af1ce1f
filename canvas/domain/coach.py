"""The coach: where a canvas's Customer Relationships design is weak, or disagrees with the numbers.

Pure functions over a canvas document (``document.canvas_document``), optionally with measured
figures per segment id (``metrics`` keys as in ``measures.TARGETS`` plus ``churn_trend`` and
``customers``). Each finding has a stable rule id, a severity, the segments it concerns, why it
matters (DOMAIN.md's principles) and what to do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

from canvas.domain.blocks import KEY_QUESTIONS, RELATIONSHIP_TYPES
from canvas.domain.document import relationship_fields
from canvas.domain.formatting import finding_figure
from canvas.domain.measures import TARGETS, expected_lifetime_months, target_met
from canvas.domain.relationships import RelationshipBase, monthly_cost_per_customer

Severity = Literal["high", "medium", "low"]
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}

# Below this share of effort on retention a segment is "underinvested": the articles put the
# cost of acquiring a customer at 5-7x the cost of keeping one.
MIN_RETENTION_FOCUS = 25
# A type at or below this point of the personal spectrum is self-service or automated.
AUTOMATED_AT_MOST = 0.15
# A segment is high-value when its CLV is the highest and at least this multiple of the lowest.
HIGH_VALUE_MULTIPLE = 3.0
# Churn rising faster than this (fraction per period) is worth a warning.
CHURN_TREND_ALERT = 0.005
LATER_STAGES = ("usage", "support", "renewal", "expansion")

RULES: dict[str, str] = {
    "no-relationship-design": "A segment has no relationship designed.",
    "one-size-fits-all": "Every segment has the same relationship.",
    "underinvested-retention":
        f"Less than {MIN_RETENTION_FOCUS} % of a segment's relationship effort aims at retention.",
    "over-automated-high-value": "The most valuable segment is served only by self-service or automation.",
    "cost-exceeds-value": "Over a customer's expected lifetime the relationship costs more than the customer is worth.",
    "no-feedback-source": "No NPS or CSAT target or survey data: customer feedback is not heard.",
    "no-targets": "A segment's relationship has no target to measure it against.",
    "no-lifecycle-plan": "A segment's relationship has no plan past onboarding.",
    "unanswered-key-questions": "Some of the six key questions are unanswered for a segment.",
    "target-missed": "Measured figures miss the segment's targets.",
    "churn-rising": "Churn has been rising in a segment.",
}


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: Severity
    segment_ids: tuple[str, ...]
    title: str
    why: str
    action: str
    chart: str | None = None  # the metrics page chart that shows it, when it comes from data

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["segment_ids"] = list(self.segment_ids)
        return data


@dataclass
class _Segment:
    id: str
    name: str
    size: int | None
    design: RelationshipBase | None


def _segments(document: Mapping[str, Any]) -> list[_Segment]:
    # The document was validated when it was stored or imported: read it, do not check it again.
    designs = {r["segment_id"]: RelationshipBase.model_construct(**relationship_fields(r))
               for r in document.get("relationships", [])}
    return [_Segment(s["id"], s["name"], s.get("estimated_size"), designs.get(s["id"]))
            for s in document.get("segments", [])]


# --- Rules on the design ------------------------------------------------------------------------

def _no_design(segments: list[_Segment], metrics: Mapping) -> Iterator[Finding]:
    for s in segments:
        if s.design is None or not s.design.types:
            yield Finding("no-relationship-design", "high", (s.id,), f"No relationship designed for {s.name}",
                          "Each segment expects its own relationship; without one, nobody owns how these "
                          "customers are won, kept and grown.",
                          f"Open {s.name}'s tab and pick its relationship types, focus and costs.")


def _one_size(segments: list[_Segment], metrics: Mapping) -> Iterator[Finding]:
    designed = [(s, s.design) for s in segments if s.design and s.design.types]
    if len(designed) < 2:
        return
    shapes = {(design.primary_type, frozenset(design.types)) for _, design in designed}
    if len(shapes) == 1:
        first = designed[0][1]
        kind = RELATIONSHIP_TYPES[first.primary_type or first.types[0]].label  # a saved design has a primary type
        yield Finding("one-size-fits-all", "high", tuple(s.id for s, _ in designed),
                      f"One size fits all: every segment gets {kind}",
                      "Different segments expect different relationships: a key account expects a named "
                      "contact, a one-off buyer a smooth self-service. One design for all over-serves some "
                      "and under-serves others.",
                      "Ask what each segment expects and give each the relationship it values; keep costly "
                      "personal types for the segments whose value pays for them.")


def _underinvested(segments: list[_Segment], metrics: Mapping) -> Iterator[Finding]:
    for s in segments:
        if s.design and s.design.focus_retention < MIN_RETENTION_FOCUS:
            yield Finding("underinvested-retention", "medium", (s.id,),
                          f"Retention gets {s.design.focus_retention} % of the effort for {s.name}",
                          "Acquiring a customer costs 5-7x more than keeping one, and a 5 % rise in retention "
                          "can raise profit by 25-95 % (Bain).",
                          "Plan at least one retention move (onboarding, check-ins, loyalty rewards) and shift "
                          "part of the acquisition effort to it; set a retention target.")


def _over_automated(segments: list[_Segment], metrics: Mapping) -> Iterator[Finding]:
    values = {}
    for s in segments:
        clv = (metrics.get(s.id) or {}).get("clv")
        if clv is None and s.design:
            clv = s.design.targets.get("clv")
        if clv is not None and clv > 0:
            values[s.id] = clv
    if len(values) < 2:
        return
    top = max(values, key=lambda segment_id: values[segment_id])
    if values[top] < HIGH_VALUE_MULTIPLE * min(values.values()):
        return
    segment = next(s for s in segments if s.id == top)
    types = segment.design.types if segment.design else []
    if types and all(RELATIONSHIP_TYPES[t].personal <= AUTOMATED_AT_MOST for t in types):
        yield Finding("over-automated-high-value", "high", (top,),
                      f"{segment.name} is the most valuable segment but gets no personal touch",
                      "High-value customers often expect a person who knows them; automating them away "
                      "saves little and risks the revenue that matters most.",
                      f"Add personal or dedicated assistance for {segment.name}, at least at onboarding and "
                      "renewal.")


def _cost_exceeds_value(segments: list[_Segment], metrics: Mapping) -> Iterator[Finding]:
    for s in segments:
        if not s.design:
            continue
        measured = metrics.get(s.id) or {}
        targets = s.design.targets
        clv = measured.get("clv", targets.get("clv"))
        if clv is None:
            continue
        churn = measured.get("churn_rate", targets.get("churn_rate"))
        monthly = monthly_cost_per_customer(s.design, s.size)
        lifetime = expected_lifetime_months(churn)
        lifetime_cost = monthly * lifetime
        if lifetime_cost > clv:
            source = "measured" if "clv" in measured else "target"
            yield Finding("cost-exceeds-value", "high", (s.id,),
                          f"The relationship with {s.name} costs more than the customer is worth",
                          f"About {monthly:,.2f} a month per customer over an expected lifetime of "
                          f"{lifetime:.0f} months is {lifetime_cost:,.0f}, above the "
                          f"{source} CLV of {clv:,.0f}: every customer kept this way loses money.",
                          "Move routine contact to cheaper types (self-service, community), or raise the value "
                          "per customer (upselling, pricing) until the relationship pays for itself.",
                          chart="cost_vs_value" if source == "measured" else None)


def _no_feedback(segments: list[_Segment], metrics: Mapping) -> Iterator[Finding]:
    designed = [s for s in segments if s.design]
    if not designed:
        return
    has_target = any({"nps", "csat"} & set(s.design.targets) for s in designed if s.design)
    measured = any((metrics.get(s.id) or {}).get(k) is not None for s in designed for k in ("nps", "csat"))
    if not has_target and not measured:
        yield Finding("no-feedback-source", "medium", (),
                      "Nobody is asking customers what they think",
                      "Without NPS or CSAT you learn that a relationship fails only when customers leave; "
                      "feedback shows it early and says why.",
                      "Set an NPS or CSAT target per segment and upload survey responses on the Data page.")


def _no_targets(segments: list[_Segment], metrics: Mapping) -> Iterator[Finding]:
    for s in segments:
        if s.design and s.design.types and not s.design.targets:
            yield Finding("no-targets", "medium", (s.id,), f"No targets for {s.name}",
                          "What is not measured cannot be managed: without targets nobody can tell whether "
                          "the relationship works.",
                          f"Set at least a retention (or repeat purchase) target and a CLV target for {s.name}.")


def _no_lifecycle(segments: list[_Segment], metrics: Mapping) -> Iterator[Finding]:
    for s in segments:
        if s.design and s.design.types and not any(s.design.lifecycle.get(k) for k in LATER_STAGES):
            yield Finding("no-lifecycle-plan", "medium", (s.id,), f"No plan past onboarding for {s.name}",
                          "Relationships must evolve as customers mature; the post-purchase stages (usage, "
                          "support, renewal, expansion) are where loyalty and repeat revenue are built.",
                          f"Write what {s.name} experiences after the first purchase: how they get value, get "
                          "help, renew and grow.")


def _unanswered(segments: list[_Segment], metrics: Mapping) -> Iterator[Finding]:
    for s in segments:
        if not s.design or not s.design.types:
            continue
        missing = [q for key, q in KEY_QUESTIONS.items() if not s.design.answers.get(key)]
        if missing:
            yield Finding("unanswered-key-questions", "low", (s.id,),
                          f"{len(missing)} of {len(KEY_QUESTIONS)} key questions unanswered for {s.name}",
                          "The key questions test the design against expectations, costs, the rest of the "
                          f"business model and competitors. Still open: {' '.join(missing)}",
                          "Answer them in the Key questions section of the segment's tab.")


# --- Rules on the numbers -----------------------------------------------------------------------

def _target_missed(segments: list[_Segment], metrics: Mapping) -> Iterator[Finding]:
    for s in segments:
        measured = metrics.get(s.id) or {}
        if not s.design or not measured:
            continue
        misses = []
        for key, target in s.design.targets.items():
            value = measured.get(key)
            if value is None or target is None:
                continue
            if not target_met(key, value, target):
                misses.append(f"{TARGETS[key][0]} {finding_figure(key, value)} (target {finding_figure(key, target)})")
        if misses:
            yield Finding("target-missed", "high" if len(misses) > 2 else "medium", (s.id,),
                          f"{s.name} misses {len(misses)} target{'s' if len(misses) > 1 else ''}",
                          "The relationship as designed is not producing the results planned for it: "
                          + "; ".join(misses) + ".",
                          "Look at which stage loses these customers (cohort chart) and strengthen that part "
                          "of the relationship, or revise the target if it was unrealistic.", chart="kpis")


def _churn_rising(segments: list[_Segment], metrics: Mapping) -> Iterator[Finding]:
    for s in segments:
        trend = (metrics.get(s.id) or {}).get("churn_trend")
        if trend is not None and trend > CHURN_TREND_ALERT:
            yield Finding("churn-rising", "high", (s.id,), f"Churn is rising for {s.name}",
                          f"Churn has grown by about {trend * 100:.1f} points per period lately; small monthly "
                          "increases compound into a shrinking customer base.",
                          "Check recent changes in the relationship or product for this segment and ask "
                          "departing customers why they leave.", chart="retention")


_RULE_FUNCTIONS: tuple[Callable[[list[_Segment], Mapping], Iterator[Finding]], ...] = (
    _no_design, _one_size, _underinvested, _over_automated, _cost_exceeds_value, _no_feedback,
    _no_targets, _no_lifecycle, _unanswered, _target_missed, _churn_rising,
)
_RULE_ORDER = {rule: i for i, rule in enumerate(RULES)}


def findings(document: Mapping[str, Any], metrics: Mapping[str, Mapping[str, Any]] | None = None, *,
             include_dismissed: bool = False) -> list[Finding]:
    """Every finding on the canvas, most severe first; dismissed ones left out unless asked for."""
    segments = _segments(document)
    found = [f for rule in _RULE_FUNCTIONS for f in rule(segments, metrics or {})]
    if not include_dismissed:
        dismissed = {(d["rule_id"], d.get("segment_id") or None) for d in document.get("dismissed_findings", [])}
        found = [f for f in found if (f.rule_id, dismiss_segment(f)) not in dismissed]
    return sorted(found, key=lambda f: (SEVERITY_ORDER[f.severity], _RULE_ORDER[f.rule_id]))


def dismiss_segment(finding: Finding) -> str | None:
    """The segment id a dismissal of this finding is stored under (None: the whole canvas): a
    one-segment finding is dismissed per segment, others for the whole canvas."""
    return finding.segment_ids[0] if len(finding.segment_ids) == 1 else None
