"""The board as HTML for the exports: the nine blocks laid out as on the printed canvas, and the
poster (the board alone on one landscape page, A3 or A4) that the PDF prints.

Notes, segments and the computed relationship entries come from ``canvas.ui.markup``'s builders
(pure functions, no Streamlit), the same HTML the board page draws, with every piece of user text
escaped there; this module adds only static markup around them. The poster scales the board to
fit its page (``FIT_SCRIPT``): every note is shown, however many there are, and none is cut.
"""

from __future__ import annotations

from dataclasses import dataclass

from canvas.domain.blocks import BLOCKS, Block
from canvas.library.exports.content import ATTRIBUTION_URL, STRATEGYZER_URL, ExportContent
from canvas.ui import markup
from canvas.ui.markup import escape_text


@dataclass(frozen=True)
class Paper:
    """A landscape sheet: its name, width and height in millimetres."""

    name: str
    width: int
    height: int

    MARGIN = 8  # mm, on every side

    @property
    def inner_width(self) -> int:
        return self.width - 2 * self.MARGIN

    @property
    def inner_height(self) -> int:
        return self.height - 2 * self.MARGIN


PAPERS = {"a3": Paper("A3", 420, 297), "a4": Paper("A4", 297, 210)}
DEFAULT_PAPER = "a3"

# Where each block sits on the ten-column grid of the printed canvas: (block, column, row span).
_PLACES: dict[Block, str] = {
    Block.KEY_PARTNERS: "grid-column: 1 / 3; grid-row: 1 / 3;",
    Block.KEY_ACTIVITIES: "grid-column: 3 / 5; grid-row: 1;",
    Block.KEY_RESOURCES: "grid-column: 3 / 5; grid-row: 2;",
    Block.VALUE_PROPOSITIONS: "grid-column: 5 / 7; grid-row: 1 / 3;",
    Block.CUSTOMER_RELATIONSHIPS: "grid-column: 7 / 9; grid-row: 1;",
    Block.CHANNELS: "grid-column: 7 / 9; grid-row: 2;",
    Block.CUSTOMER_SEGMENTS: "grid-column: 9 / 11; grid-row: 1 / 3;",
    Block.COST_STRUCTURE: "grid-column: 1 / 6; grid-row: 3;",
    Block.REVENUE_STREAMS: "grid-column: 6 / 11; grid-row: 3;",
}

# Static styles of every export page; no user text.
EXPORT_CSS = """
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; font-family: "Source Sans Pro", "Noto Sans", "DejaVu Sans", Arial, sans-serif; color: #1d1d1d;
       background: #fff; font-size: 14px; }
a { color: #1f5fa8; }
.board { display: grid; grid-template-columns: repeat(10, minmax(0, 1fr)); grid-template-rows: 1fr 1fr 0.7fr;
         gap: 6px; }
.block { border: 1.5px solid #9a9a9a; border-radius: 4px; padding: 6px 7px; background: #fff; min-width: 0;
         break-inside: avoid; }
.block h3 { margin: 0 0 6px 0; font-size: 0.95rem; display: flex; justify-content: space-between; gap: 4px; }
.block h3 .num { color: #999; font-weight: 400; }
.block .bmc-notes + .bmc-notes { margin-top: 5px; }
.bmc-notes { display: flex; flex-direction: column; gap: 5px; }
.bmc-note { border-radius: 3px; padding: 5px 7px; font-size: 0.84rem; line-height: 1.25; color: #1d1d1d;
            box-shadow: 0 1px 2px rgba(0,0,0,.18); overflow-wrap: anywhere; border-left: 5px solid transparent;
            white-space: pre-wrap; }
.bmc-note br { display: block; }
.bmc-tag { display: inline-block; margin-top: 3px; font-size: 0.7rem; font-weight: 600; padding: 0 5px;
           border-radius: 8px; color: #fff; white-space: normal; }
.bmc-segment { border-radius: 4px; padding: 6px 8px; color: #1d1d1d; border-left: 6px solid; overflow-wrap: anywhere; }
.bmc-segment b { font-size: 0.9rem; }
.bmc-segment .bmc-size { display: block; font-size: 0.74rem; opacity: .75; }
.bmc-segment .bmc-desc { font-size: 0.8rem; margin-top: 2px; white-space: pre-wrap; }
.bmc-summary { font-size: 0.78rem; white-space: normal; }
.bmc-author { display: block; margin-top: 2px; font-size: 0.68rem; color: #555; }
.bmc-computed { background: #fff; border: 1px dashed #bbb; border-left: 5px solid; font-size: 0.8rem;
                white-space: normal; }
.bmc-computed-tag { float: right; font-size: 0.62rem; color: #888; text-transform: uppercase; }
.bmc-empty { color: #888; font-size: 0.8rem; font-style: italic; }
.attribution { font-size: 0.75rem; color: #555; margin-top: 6px; }
.poster { display: flex; flex-direction: column; overflow: hidden; break-after: page; }
.poster header { display: flex; align-items: baseline; justify-content: space-between; gap: 16px;
                 border-bottom: 2px solid #333; margin-bottom: 6px; padding-bottom: 3px; }
.poster header h1 { font-size: 1.5rem; margin: 0; overflow-wrap: anywhere; }
.poster header .meta { font-size: 0.8rem; color: #555; white-space: nowrap; }
.poster .fit { flex: 1 1 auto; min-height: 0; overflow: hidden; }
.poster.flowing { overflow: visible; height: auto !important; }
.poster.flowing .fit { overflow: visible; }
"""

# Scale the poster's board to its page: the widest board (laid out at width / scale) whose
# height at that scale fits, found by bisection; below MIN_SCALE the text would be too small to
# read, so the board then flows over more pages instead (still every note, nothing cut). CSS
# zoom, not a transform: a transformed board keeps its unscaled height for printing, and
# Chromium would cut it at the page's end.
FIT_SCRIPT = """
(function () {
  var MIN_SCALE = 0.3;
  document.querySelectorAll('.poster').forEach(function (poster) {
    var fit = poster.querySelector('.fit'), board = poster.querySelector('.board');
    var width = fit.clientWidth, height = fit.clientHeight;
    function fits(scale) {
      board.style.zoom = scale;
      board.style.width = (width / scale) + 'px';
      board.style.height = 'auto';
      board.style.gridTemplateRows = 'auto auto auto';  // each row as tall as its notes, no taller
      return board.getBoundingClientRect().height <= height + 0.5;
    }
    if (!fits(MIN_SCALE)) {
      poster.classList.add('flowing');
      board.style.zoom = ''; board.style.width = ''; board.style.height = ''; board.style.gridTemplateRows = '';
      poster.dataset.scale = '1';
      return;
    }
    var low = MIN_SCALE, high = 1;
    if (fits(1)) { low = 1; } else {
      for (var i = 0; i < 14; i++) { var mid = (low + high) / 2; if (fits(mid)) { low = mid; } else { high = mid; } }
    }
    fits(low);
    board.style.gridTemplateRows = '';
    board.style.height = (height / low) + 'px';  // the blocks fill the page, as on a printed canvas
    poster.dataset.scale = low.toFixed(3);
  });
})();
"""


def block_html(content: ExportContent, block: Block) -> str:
    """One block: its number and title, then what the board page shows in it."""
    board, info = content.board, BLOCKS[block]
    currency = board.canvas.currency
    parts = []
    if block == Block.CUSTOMER_SEGMENTS:
        parts.append(markup.segments_html(board.segments))
    else:
        if block == Block.CUSTOMER_RELATIONSHIPS:
            parts.append(markup.relationship_summary_html(board.segments, board.relationships, currency))
        elif block == Block.COST_STRUCTURE:
            parts.append(markup.relationship_costs_html(board.segments, board.relationships, currency))
        parts.append(markup.notes_html(board.notes[block], board.segments_by_id))
    return (f'<div class="block block-{block.value}" style="{_PLACES[block]}">'
            f'<h3><span>{escape_text(info.title)}</span><span class="num">{info.number}</span></h3>'
            + "".join(p for p in parts if p) + "</div>")


def board_html(content: ExportContent) -> str:
    """The nine blocks on the canvas's grid."""
    return '<div class="board">' + "".join(block_html(content, block) for block in _PLACES) + "</div>"


def attribution_html() -> str:
    """The licence line every export carries, with its links."""
    return (f'<p class="attribution">The Business Model Canvas is by <a href="{STRATEGYZER_URL}">Strategyzer AG</a>, '
            f'licensed under <a href="{ATTRIBUTION_URL}">CC BY-SA 3.0</a>.</p>')


def poster_html(content: ExportContent, paper: Paper) -> str:
    """The poster section: a heading line, the board scaled to the rest of the page, the licence."""
    canvas = content.board.canvas
    meta = f"Version {canvas.version} · exported {content.generated_at:%d %b %Y}"
    return (f'<section class="poster" style="width:{paper.inner_width}mm;height:{paper.inner_height}mm">'
            f"<header><h1>{escape_text(canvas.name)}</h1><span class=\"meta\">{meta}</span></header>"
            f'<div class="fit">{board_html(content)}</div>{attribution_html()}</section>')


def page_css(paper: Paper) -> str:
    """The print page: the paper in landscape, its margins."""
    return f"@page {{ size: {paper.width}mm {paper.height}mm; margin: {Paper.MARGIN}mm; }}"


def document(title: str, body: str, *, css: str = "", head_scripts: tuple[str, ...] = (),
             scripts: tuple[str, ...] = ()) -> str:
    """A whole HTML file: the title (user text, escaped here), the styles, the scripts the body
    needs as it loads (``head_scripts``: Plotly's library), the body, then ``scripts`` (run on
    the finished page)."""
    head = "".join(f"<script>{script}</script>" for script in head_scripts)
    tail = "".join(f"<script>{script}</script>" for script in scripts)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{escape_text(title)}</title><style>{EXPORT_CSS}{css}</style>{head}</head>"
            f"<body>{body}{tail}</body></html>")


def poster_document(content: ExportContent, paper: Paper) -> str:
    """The poster alone, as a file to print (the PDF's first page)."""
    return document(f"{content.board.canvas.name}: Business Model Canvas", poster_html(content, paper),
                    css=page_css(paper), scripts=(FIT_SCRIPT,))
