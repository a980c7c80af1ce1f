"""User text on the board is rendered inert (no HTML, Markdown or LaTeX); figures are shortened for tiles."""

from canvas.domain.models import Note, Segment
import pytest

from canvas.ui.markup import compact, escape_text, notes_html, segments_html, tint, title_html


def test_escape_text_neutralises_html_and_markdown():
    hostile = '<script>alert(1)</script> **bold** [x](javascript:alert(1)) $x^2$'
    safe = escape_text(hostile)
    for raw in ("<", ">", "*", "[", "]", "(", ")", "$", ":"):
        assert raw not in safe
    assert safe.startswith("&#60;script&#62;")


def test_notes_take_their_segment_colour_and_escape_text():
    segment = Segment(id="s1", canvas_id="c", name="<b>Offices</b>", colour="#E4572E")
    tagged = Note(id="n1", canvas_id="c", block="channels", text="<img src=x onerror=alert(1)>",
                  colour="#FFF3A3", segment_id="s1")
    plain = Note(id="n2", canvas_id="c", block="channels", text="Plain", colour="#C8F0C2")
    html = notes_html([tagged, plain], {"s1": segment})
    assert "<img" not in html and "<b>Offices" not in html
    assert f"background:{tint('#E4572E')};border-left-color:#E4572E" in html
    assert "background:#C8F0C2" in html


def test_empty_block_and_segments():
    assert "No notes yet" in notes_html([], {})
    assert "No segments yet" in segments_html([])
    assert "&#60;" in title_html("<x>", "")


def test_tint_mixes_with_white():
    assert tint("#000000", 0.5) == "#808080"
    assert tint("#FFFFFF") == "#FFFFFF"


@pytest.mark.parametrize("amount, text", [(2234, "2,234"), (41_700, "41.7k"), (4_172_830, "4.17M"),
                                          (-1_500_000, "-1.50M"), (0.4, "0")])
def test_compact_figures(amount, text):
    assert compact(amount) == text
