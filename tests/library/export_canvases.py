"""Canvases the export tests share: the demo with hostile text in it, and a canvas without data."""

from __future__ import annotations

from sqlmodel import Session

from canvas import storage
from canvas.domain.blocks import Block
from canvas.domain.models import CanvasCreate, NoteCreate, SegmentCreate, SegmentUpdate
from canvas.library.demo import DEMO_CANVAS_ID

# Text a founder or a data file could hold that must stay text: HTML, and formulas.
HOSTILE_NOTE = '<img src=x onerror="alert(1)"> <script>alert(2)</script> & friends'
FORMULA_NOTE = '=HYPERLINK("http://evil.example","click")'
FORMULA_SEGMENT = "@SUM(1+1)*cmd|' /C calc'!A0"  # a segment name a spreadsheet would run


def hostile_demo(session: Session) -> str:
    """The demo canvas (from ``demo_database_url``) with a note of HTML, a note that is a formula,
    and its Home brewers segment renamed to a formula; returns the canvas id."""
    for text, block in ((HOSTILE_NOTE, Block.VALUE_PROPOSITIONS), (FORMULA_NOTE, Block.KEY_PARTNERS)):
        storage.add_note(session=session, canvas_id=DEMO_CANVAS_ID,
                         data=storage.parse(NoteCreate, block=block, text=text))
    home = next(s for s in storage.list_segments(session=session, canvas_id=DEMO_CANVAS_ID) if s.name == "Home brewers")
    storage.update_segment(session=session, canvas_id=DEMO_CANVAS_ID, segment_id=home.id, expected_version=home.version,
                           data=storage.parse(SegmentUpdate, name=FORMULA_SEGMENT))
    session.commit()
    return DEMO_CANVAS_ID


def canvas_without_data(session: Session) -> str:
    """A new canvas with one segment and two notes, no design and no customer data; its id."""
    canvas = storage.create_canvas(session=session, data=storage.parse(CanvasCreate, name="Bare <b>canvas</b>"))
    segment = storage.add_segment(session=session, canvas_id=canvas.id,
                                  data=storage.parse(SegmentCreate, name="Walk-ins", colour="#1F77B4"))
    for text in ("Corner shop", "+44 20 7946 0000 hotline"):
        storage.add_note(session=session, canvas_id=canvas.id,
                         data=storage.parse(NoteCreate, block=Block.CHANNELS, text=text, segment_id=segment.id))
    session.commit()
    return canvas.id
