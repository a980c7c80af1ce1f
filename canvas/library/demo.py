"""The demo canvas: “Kettle & Crema”, a specialty coffee subscription with three segments.

Its customer data lives in ``data/demo/`` (made by ``data/make_demo_data.py``) and is linked to
the canvas through the ingestion module, as an upload would be. The demo is created on first
start with an empty database and re-created by ``python -m canvas demo``.
"""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from canvas import storage
from canvas.domain.blocks import NOTE_COLOURS, Block
from canvas.domain.document import FORMAT_NAME, FORMAT_VERSION, replace_contents
from canvas.domain.errors import CanvasNotFound
from canvas.domain.models import Canvas
from canvas.storage.access import authorize

DEMO_CANVAS_ID = "demo-kettle-crema"
DEMO_DATA_DIR = storage.DATA_DIR / "demo"

_HOME, _OFFICE, _GIFT = "seg-home", "seg-office", "seg-gift"

_SEGMENTS = [
    {"id": _HOME, "name": "Home brewers", "colour": "#1F77B4", "estimated_size": 2600,
     "description": "Coffee lovers brewing at home; subscribe to a monthly bag and like to learn."},
    {"id": _OFFICE, "name": "Office teams", "colour": "#E4572E", "estimated_size": 240,
     "description": "Companies of 20-200 people that want good coffee for their staff without effort."},
    {"id": _GIFT, "name": "Gift buyers", "colour": "#2CA58D", "estimated_size": 1500,
     "description": "People buying a coffee gift box, mostly for the holidays."},
]

_Y, _G, _B, _P = NOTE_COLOURS["Yellow"], NOTE_COLOURS["Green"], NOTE_COLOURS["Blue"], NOTE_COLOURS["Pink"]

# (block, text, segment id or None, colour)
_NOTES: list[tuple[Block, str, str | None, str]] = [
    (Block.KEY_PARTNERS, "Direct-trade farms in Ethiopia, Colombia and Guatemala", None, _Y),
    (Block.KEY_PARTNERS, "Parcel carrier with next-day delivery", None, _Y),
    (Block.KEY_PARTNERS, "Office facility-management firms", _OFFICE, _Y),
    (Block.KEY_ACTIVITIES, "Roasting small batches weekly", None, _Y),
    (Block.KEY_ACTIVITIES, "Curating the monthly selection", _HOME, _Y),
    (Block.KEY_ACTIVITIES, "Account management for offices", _OFFICE, _Y),
    (Block.KEY_RESOURCES, "Roastery and head roaster", None, _Y),
    (Block.KEY_RESOURCES, "Subscription platform and taste-profile data", _HOME, _Y),
    (Block.KEY_RESOURCES, "Brewing-community moderators", _HOME, _Y),
    (Block.VALUE_PROPOSITIONS, "Freshly roasted coffee matched to your taste, every month", _HOME, _Y),
    (Block.VALUE_PROPOSITIONS, "Great office coffee without lifting a finger", _OFFICE, _Y),
    (Block.VALUE_PROPOSITIONS, "A beautiful gift box that tells each farm's story", _GIFT, _Y),
    (Block.CUSTOMER_RELATIONSHIPS, "Taste-profile recommendations (automated)", _HOME, _Y),
    (Block.CUSTOMER_RELATIONSHIPS, "Brewing community and monthly cupping live stream", _HOME, _Y),
    (Block.CUSTOMER_RELATIONSHIPS, "Named account manager with quarterly reviews", _OFFICE, _Y),
    (Block.CUSTOMER_RELATIONSHIPS, "Self-service shop and gift FAQ", _GIFT, _Y),
    (Block.CHANNELS, "Web shop and subscription portal", None, _B),
    (Block.CHANNELS, "Instagram and brewing guides", _HOME, _B),
    (Block.CHANNELS, "Direct sales and trade fairs", _OFFICE, _B),
    (Block.CHANNELS, "Holiday gift marketplaces", _GIFT, _B),
    (Block.COST_STRUCTURE, "Green coffee and roasting", None, _P),
    (Block.COST_STRUCTURE, "Packaging and shipping", None, _P),
    (Block.COST_STRUCTURE, "Account managers' salaries", _OFFICE, _P),
    (Block.COST_STRUCTURE, "Paid social for acquisition", None, _P),
    (Block.REVENUE_STREAMS, "Monthly subscription, 24-32 € a bag", _HOME, _G),
    (Block.REVENUE_STREAMS, "Office contracts billed monthly", _OFFICE, _G),
    (Block.REVENUE_STREAMS, "Gift boxes, 35-90 €", _GIFT, _G),
    (Block.REVENUE_STREAMS, "Brewing equipment add-ons", _HOME, _G),
]


_RELATIONSHIPS = [
    {
        "segment_id": _HOME,
        "types": ["automated_services", "communities", "self_service"],
        "primary_type": "automated_services",
        "focus": {"acquisition": 30, "retention": 50, "upselling": 20},
        "cost": {"per_customer_month": 1.8, "fixed_month": 2500.0},
        "channel_note_ids": ["demo-note-16", "demo-note-17"],
        "lifecycle": {
            "onboarding": "Taste quiz, a welcome brew guide and a first bag matched to the answers.",
            "usage": "Monthly tasting notes; rate each bag so the next one fits better.",
            "support": "Chat answers within an hour; a bag you don't like is replaced.",
            "renewal": "Pause instead of cancel; a 6-month 'your coffee year' recap.",
            "expansion": "Grinder and brewer add-ons; gift a month to a friend.",
        },
        "competitors": "Big subscription brands: discounts and a fixed catalogue, no taste matching.",
        "answers": {
            "expectation": "Low-touch but personal-feeling: good picks without having to ask.",
            "cost": "About 1.80 € per subscriber a month, plus community moderation.",
            "integration": "Taste data feeds roasting plans and the monthly curation.",
            "focus": "Retention first: most profit comes from subscribers in their second year.",
            "competitors": "Discounts and fixed catalogues; nobody matches taste.",
            "loyalty": "Community cuppings and farm stories; rewards for ratings.",
        },
        "targets": {"retention_rate": 0.93, "churn_rate": 0.07, "repeat_purchase_rate": 0.6,
                    "nps": 40.0, "csat": 0.8, "clv": 220.0, "cac": 40.0},
    },
    {
        "segment_id": _OFFICE,
        "types": ["dedicated_personal_assistance", "personal_assistance"],
        "primary_type": "dedicated_personal_assistance",
        "focus": {"acquisition": 25, "retention": 45, "upselling": 30},
        "cost": {"per_customer_month": 45.0, "fixed_month": 4000.0},
        "channel_note_ids": ["demo-note-18"],
        "lifecycle": {
            "onboarding": "On-site tasting and machine check in the first week.",
            "usage": "Monthly delivery tuned to consumption; barista training for office managers.",
            "support": "Named account manager; same-day response.",
            "renewal": "Quarterly review of consumption and satisfaction.",
            "expansion": "Add sites and teams; events catering.",
        },
        "competitors": "Vending operators: cheap machines, poor coffee, call-centre support.",
        "answers": {
            "expectation": "A named contact who makes office coffee someone else's problem.",
            "cost": "45 € per office a month of account-manager time, plus the team.",
            "integration": "Account managers plan roasting volumes with production.",
            "focus": "Retention and upselling more sites.",
            "competitors": "Vending operators with call-centre support.",
            "loyalty": "Quarterly reviews and tailored blends.",
        },
        "targets": {"retention_rate": 0.97, "churn_rate": 0.03, "repeat_purchase_rate": 0.9,
                    "nps": 50.0, "csat": 0.85, "clv": 6000.0, "cac": 450.0},
    },
    {
        "segment_id": _GIFT,
        "types": ["self_service"],
        "primary_type": "self_service",
        "focus": {"acquisition": 80, "retention": 10, "upselling": 10},
        "cost": {"per_customer_month": 0.5, "fixed_month": 300.0},
        "channel_note_ids": ["demo-note-19"],
        "lifecycle": {"onboarding": "Gift finder on the web shop; a printed farm story in every box."},
        "competitors": "Department-store gift sets.",
        "answers": {
            "expectation": "A quick, reliable purchase that arrives on time.",
            "cost": "Almost nothing: FAQ and order tracking.",
        },
        "targets": {},
    },
]


def demo_document() -> dict[str, Any]:
    """The demo canvas in the canvas document format."""
    positions: dict[Block, int] = {}
    notes = []
    for i, (block, text, segment_id, colour) in enumerate(_NOTES):
        positions[block] = positions.get(block, -1) + 1
        notes.append({"id": f"demo-note-{i:02d}", "block": block.value, "text": text, "colour": colour,
                      "segment_id": segment_id, "position": positions[block]})
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "canvas": {
            "id": DEMO_CANVAS_ID,
            "name": "Kettle & Crema (demo)",
            "description": "A specialty coffee subscription: monthly bags for home brewers, managed "
                           "office coffee, and gift boxes. Demo data: two years, three segments.",
            "currency": "EUR",
        },
        "segments": [dict(s, position=i) for i, s in enumerate(_SEGMENTS)],
        "notes": notes,
        "relationships": copy.deepcopy(_RELATIONSHIPS),  # callers may change their document
        "dismissed_findings": [],
    }


def create_demo(*, session: Session) -> Canvas:
    """Create the demo canvas, or reset it to its original contents if it exists (even in the trash).

    The reset is logged as one "replace" change; it cannot be undone.
    """
    authorize(session, None)
    document = demo_document()
    try:
        canvas = storage.get_canvas(session=session, canvas_id=DEMO_CANVAS_ID, include_trashed=True)
    except CanvasNotFound:
        return _new_demo(session, document)
    if canvas.deleted_at is not None:
        canvas = storage.restore_canvas(session=session, canvas_id=DEMO_CANVAS_ID)
    document["canvas"]["name"] = canvas.name  # keep a name the user may have given it
    try:
        replace_contents(session, canvas, document, keep_ids=True)
        storage.log_canvas_change(session, canvas_id=DEMO_CANVAS_ID, action="replace", label="Reset the demo canvas")
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(canvas)
    load_demo_data(session=session)
    return canvas


def _new_demo(session: Session, document: dict[str, Any]) -> Canvas:
    canvas = Canvas(id=DEMO_CANVAS_ID, name=document["canvas"]["name"])
    session.add(canvas)
    session.flush()  # IntegrityError when another server has just made it
    replace_contents(session, canvas, document, keep_ids=True)
    session.commit()
    session.refresh(canvas)
    load_demo_data(session=session)
    return canvas


DEMO_FILES = {"transactions": "transactions.csv", "surveys": "surveys.csv", "spend": "spend.csv"}


def load_demo_data(*, session: Session, canvas_id: str = DEMO_CANVAS_ID) -> None:
    """Link the demo customer data to the canvas, through the same path as an upload."""
    from canvas.customer_data import ingest
    from canvas.customer_data.linking import segment_values, suggest_links

    names = {s.id: s.name for s in storage.list_segments(session=session, canvas_id=canvas_id)}
    for kind, filename in DEMO_FILES.items():
        raw = ingest.read_table(DEMO_DATA_DIR / filename)  # read once: the mapping is guessed from it too
        mapping = ingest.guess_mapping(raw, kind)
        result = ingest.ingest(raw, kind, mapping)
        storage.save_dataset(
            session=session, canvas_id=canvas_id, kind=kind, frame=result.frame, filename=filename,
            mapping=mapping, report=result.report.to_dict(),
            segment_links=suggest_links(segment_values(result.frame), names),
        )


def ensure_demo(*, session: Session) -> None:
    """On first start (no canvas at all, not even in the trash), create the demo.

    Two servers starting on one empty database can both find it empty: the second one's insert
    of the demo then fails on its primary key, and it leaves the demo as the first made it (it
    never resets it, as ``create_demo`` would).
    """
    if storage.count_canvases(session=session) != 0:
        return
    authorize(session, None)
    try:
        _new_demo(session, demo_document())
    except IntegrityError:
        session.rollback()
        if not storage.count_canvases(session=session):
            raise  # not the race: something else is wrong
