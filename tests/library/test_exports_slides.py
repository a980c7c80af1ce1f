"""The PowerPoint deck: opened by python-pptx, with native charts holding the right numbers."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation

from canvas.library.exports import ATTRIBUTION
from canvas.library.exports.slides import pptx_bytes
from tests.library.export_canvases import FORMULA_NOTE, HOSTILE_NOTE


def texts(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def charts(prs) -> dict[str, object]:
    """Slide title -> its chart."""
    return {slide.shapes.title.text: shape.chart for slide in prs.slides for shape in slide.shapes
            if shape.has_chart}


def test_deck_has_board_designs_and_native_charts_with_the_measures(demo_content):
    prs = Presentation(io.BytesIO(pptx_bytes(demo_content)))
    slides = list(prs.slides)
    board = texts(slides[1])
    for notes in demo_content.board.notes.values():
        for note in notes:
            assert note.text in board  # every note on the board slide, literally
    assert HOSTILE_NOTE in board and FORMULA_NOTE in board
    titles = [s.shapes.title.text for s in slides if s.shapes.title is not None]
    for segment in demo_content.board.segments:
        assert f"Relationship with {segment.name}" in titles
    found = charts(prs)
    names = demo_content.segment_names
    clv = found["CLV per segment (EUR)"]
    assert list(clv.plots[0].categories) == [names[sid] for sid in names if sid in demo_content.measures]
    expected = [demo_content.measures[sid]["clv"] for sid in names if sid in demo_content.measures]
    assert list(clv.plots[0].series[0].values) == pytest.approx(expected)
    retention = found["Monthly retention per segment"]
    assert list(retention.plots[0].series[0].values) == pytest.approx(
        [demo_content.measures[sid]["retention_rate"] for sid in names if sid in demo_content.measures])
    months = found["Customers per month"]
    assert list(months.plots[0].series[0].values) == demo_content.metrics.figures.active["active"].tolist()
    for slide in slides:
        assert ATTRIBUTION in texts(slide)


def test_deck_of_a_canvas_without_data_has_no_charts_and_says_why(bare_content):
    prs = Presentation(io.BytesIO(pptx_bytes(bare_content)))
    assert charts(prs) == {}
    everything = "\n".join(texts(s) for s in prs.slides)
    assert "No customer data" in everything and "+44 20 7946 0000 hotline" in everything
