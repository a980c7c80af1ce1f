"""The demo canvas: “Kettle & Crema”, a specialty coffee subscription with three segments.

Its customer data lives in ``data/demo/`` (made by ``data/make_demo_data.py``). The demo is
created on first start with an empty database and re-created by ``python -m canvas demo``.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from canvas import store
from canvas.blocks import NOTE_COLOURS, Block
from canvas.document import FORMAT_NAME, FORMAT_VERSION, replace_contents
from canvas.errors import CanvasNotFound
from canvas.models import Canvas, utcnow

DEMO_CANVAS_ID = "demo-kettle-crema"
DEMO_DATA_DIR = store.DATA_DIR / "demo"

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
    }


def create_demo(*, session: Session) -> Canvas:
    """Create the demo canvas, or reset it to its original contents if it exists (even in the trash).

    The reset is a recorded change, so it can be undone like any other.
    """
    document = demo_document()
    try:
        canvas = store.get_canvas(session=session, canvas_id=DEMO_CANVAS_ID, include_trashed=True)
    except CanvasNotFound:
        canvas = Canvas(id=DEMO_CANVAS_ID, name=document["canvas"]["name"])
        session.add(canvas)
        session.flush()
        replace_contents(session, canvas, document, keep_ids=True)
        session.commit()
        session.refresh(canvas)
        return canvas
    if canvas.deleted_at is not None:
        canvas = store.restore_canvas(session=session, canvas_id=DEMO_CANVAS_ID)
    document["canvas"]["name"] = canvas.name  # keep a name the user may have given it
    with store.changing(session, canvas_id=DEMO_CANVAS_ID, expected_version=canvas.version,
                        label="Reset the demo canvas") as canvas:
        replace_contents(session, canvas, document, keep_ids=True)
        canvas.updated_at = utcnow()
    return canvas


def ensure_demo(*, session: Session) -> None:
    """On first start (no canvas at all, not even in the trash), create the demo."""
    if store.count_canvases(session=session) == 0:
        create_demo(session=session)
