"""User text on the board is rendered inert (no HTML, Markdown or LaTeX)."""

from datetime import datetime

from canvas.domain.models import Note, Segment
from canvas.ui.markup import (
    canvas_details_markdown,
    canvas_name_markdown,
    dataset_markdown,
    dataset_saved_markdown,
    dismissed_markdown,
    escape_text,
    finding_details_markdown,
    finding_label,
    literal,
    notes_html,
    segments_html,
    show,
    tint,
    title_html,
    trashed_canvas_markdown,
)
from tests.support import shown


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


def test_a_note_shows_its_author_escaped_and_an_anonymous_one_no_author_line():
    signed = Note(id="n1", canvas_id="c", block="channels", text="Podcast", author_name="Ana *[x](y)*")
    anonymous = Note(id="n2", canvas_id="c", block="channels", text="Radio")
    html = notes_html([signed], {})
    assert '<span class="bmc-author">Ana' in html and "*[x](y)*" not in html
    assert "bmc-author" not in notes_html([anonymous], {})


def test_empty_block_and_segments():
    assert "No notes yet" in notes_html([], {})
    assert "No segments yet" in segments_html([])
    assert "&#60;" in title_html("<x>", "")


def test_tint_mixes_with_white():
    assert tint("#000000", 0.5) == "#808080"
    assert tint("#FFFFFF") == "#FFFFFF"


def test_show_is_the_one_call_that_lets_html_through():
    calls = []

    class Where:
        def markdown(self, body, **options):
            calls.append(("markdown", body, options))

        def caption(self, body, **options):
            calls.append(("caption", body, options))

    show(Where(), "<b>x</b>", width="stretch")
    show(Where(), "y", caption=True)
    assert calls == [("markdown", "<b>x</b>", {"unsafe_allow_html": True, "width": "stretch"}),
                     ("caption", "y", {"unsafe_allow_html": True})]


def test_page_lines_escape_the_users_text():
    when = datetime(2026, 11, 23, 9, 5)
    hostile = "<img src=x onerror=alert(1)> **x**"
    for text in (canvas_name_markdown(hostile, open_now=True), canvas_details_markdown(hostile, when, 3),
                 trashed_canvas_markdown(hostile, when), dataset_markdown("Transactions", hostile, 12, when),
                 dataset_saved_markdown("Transactions", 12, hostile),
                 dismissed_markdown("no-targets", hostile, hostile),
                 finding_details_markdown("no-targets", hostile, hostile)):
        assert "<img" not in text and "**x**" not in text
    # an expander's label: Markdown without HTML, so literal's backslash escapes
    assert finding_label("high", hostile, [hostile]).endswith(f"**High**] {literal(hostile)}")
    assert canvas_name_markdown("Acme", open_now=True).endswith(":blue-badge[Open now]")
    assert "23 Nov 2026 09:05 UTC · version 3" in canvas_details_markdown("", when, 3)


def test_a_finding_label_names_its_segments_unless_the_title_does():
    assert finding_label("medium", "No targets for Gift buyers", ["Gift buyers"]) == (
        ":orange[:material/warning: **Medium**] No targets for Gift buyers")
    assert shown(finding_label("high", "One size fits all", ["Office", "Home"])).endswith(
        "One size fits all · Office, Home")


def test_escape_text_keeps_line_breaks_icons_and_arrows_inert():
    """A blank line would end the note's HTML block (the rest drawn as Markdown, outside the note);
    :streamlit: and " -> " are acted on after entities are decoded, so a word joiner splits them."""
    html = escape_text("one\n\n    two :streamlit: a -> b")
    assert "\n" not in html and "&#10;&#10;" in html
    assert "&#58;\u2060streamlit&#58;" in html and "&#45;\u2060&#62;" in html
