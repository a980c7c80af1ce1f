"""Every piece of HTML (and of Markdown drawn with HTML allowed) that holds user text, and the one
place that draws it: ``show``. No Streamlit import: ``show`` draws through the ``st`` module, a
column or a container passed to it.

Every piece of user text goes through ``escape_text`` here, nowhere else builds HTML from user
text, and ``show`` is the app's only ``unsafe_allow_html=True``, so no note, canvas name or
uploaded value can make a page run a script.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from canvas.domain.blocks import RELATIONSHIP_TYPES
from canvas.domain.formatting import money
from canvas.domain.models import Note, Relationship, Segment
from canvas.domain.relationships import total_monthly_cost

# Static styles for the board; injected once per page run. Holds no user text.
BOARD_CSS = """
<style>
.block-container { padding-top: 3.2rem; }
.bmc-notes { display: flex; flex-direction: column; gap: 6px; }
/* Streamlit pulls a Markdown block up by the 1rem its last paragraph would have below it: notes
   end in no paragraph, so without this they overflow their block. */
[data-testid="stMarkdownContainer"]:has(> .bmc-notes, > .bmc-empty) { margin-bottom: 0; }
.bmc-note {
  border-radius: 3px; padding: 6px 8px; font-size: 0.86rem; line-height: 1.25;
  box-shadow: 0 1px 2px rgba(0,0,0,.18); color: #1d1d1d; overflow-wrap: anywhere;
  border-left: 5px solid transparent;
}
.bmc-tag {
  display: inline-block; margin-top: 3px; font-size: 0.7rem; font-weight: 600;
  padding: 0 5px; border-radius: 8px; color: #fff;
}
.bmc-segment { border-radius: 4px; padding: 7px 9px; color: #1d1d1d; border-left: 6px solid; }
.bmc-segment b { font-size: 0.92rem; }
.bmc-segment .bmc-size { display: block; font-size: 0.75rem; opacity: .75; }
.bmc-segment .bmc-desc { font-size: 0.8rem; margin-top: 2px; }
.bmc-summary { font-size: 0.8rem; }
.bmc-author { display: block; margin-top: 2px; font-size: 0.68rem; color: #555; }
.bmc-computed { background: #fff; border: 1px dashed #bbb; border-left: 5px solid; font-size: 0.82rem; }
.bmc-computed-tag { float: right; font-size: 0.65rem; color: #888; text-transform: uppercase; }
.bmc-empty { color: #888; font-size: 0.8rem; font-style: italic; }
/* Blocks grow with their notes (height="stretch" lines up a row's blocks and shares a column
   between stacked ones); the minimums keep a nearly empty canvas shaped like the printed one. */
.st-key-board_top > div > [data-testid="stHorizontalBlock"] { min-height: 30rem; }
.st-key-board_bottom > div > [data-testid="stHorizontalBlock"] { min-height: 11rem; }
[class*="st-key-board_tools_"] [data-testid="stPopoverButton"] { min-height: 2.1rem; padding: 0 0.6rem; }
[class*="st-key-board_block_"] > [data-testid="stElementContainer"]:first-child p {
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
}
.st-key-board_undo button { min-width: 5.5rem; white-space: nowrap; }
/* Narrower screens: less margin and padding so five columns keep their titles on one line
   (measured: "Customer Relationships" needs ~210 px at 16 px, ~165 px at 0.85 rem with no icon). */
@media (max-width: 1439.98px) {
  .stMainBlockContainer:has(.st-key-board_top) { padding-left: 1.5rem; padding-right: 1.5rem; }
  .st-key-board_top > div > [data-testid="stHorizontalBlock"],
  .st-key-board_bottom > div > [data-testid="stHorizontalBlock"] { gap: 0.5rem; }
  [class*="st-key-board_block_"] { padding: 0.75rem; }
  [class*="st-key-board_tools_"] [data-testid="stPopoverButton"] div[aria-hidden="true"] { display: none; }
}
@media (max-width: 1279.98px) {
  .stMainBlockContainer:has(.st-key-board_top) { padding-left: 1rem; padding-right: 1rem; }
  [class*="st-key-board_block_"] { padding: 0.6rem; }
  [class*="st-key-board_block_"] > [data-testid="stElementContainer"]:first-child p { font-size: 0.85rem; }
  /* the block's icon; !important beats the inline style Streamlit gives Markdown icons */
  [class*="st-key-board_block_"] > [data-testid="stElementContainer"]:first-child [role="img"] {
    display: none !important;
  }
}
/* Side by side but narrow (Streamlit stacks columns below 640 px): icon-only Add/Edit, named by
   their tooltips. */
@media (min-width: 640px) and (max-width: 999.98px) {
  [class*="st-key-board_tools_"] [data-testid="stPopoverButton"] [data-testid="stMarkdownContainer"] { display: none; }
}
h1.bmc-title { font-size: 1.9rem; padding: 0 0 0.1rem 0; margin: 0; }
p.bmc-description { color: #555; margin: 0 0 0.4rem 0; }
p.bmc-attribution { font-size: 0.75rem; color: #666; margin: 0.5rem 0 0 0; }
/* Printing (the print stylesheet the issue asks for): the canvas alone on landscape paper. No
   buttons, pickers, menus or sidebar; Streamlit's fixed-height, scrolling app shell opened up so
   every page prints, not just the first screen; blocks as tall as their notes, none cut. */
@media print {
  @page { size: landscape; margin: 8mm; }
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"], [data-testid="stMainBlockContainer"] {
    height: auto !important; min-height: 0 !important; overflow: visible !important; position: static !important;
  }
  header[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stButton"], [data-testid="stDownloadButton"], [data-testid="stPopover"], [data-testid="stPageLink"],
  [data-testid="stSelectbox"], [data-testid="stTextInput"], [data-testid="stTooltipIcon"], [data-testid="stToast"],
  .stApp:has(.st-key-board_top) [data-testid="stCaptionContainer"], [class*="st-key-board_tools_"] {
    display: none !important;
  }
  .stMainBlockContainer { padding: 0 !important; max-width: none !important; }
  .st-key-board_top > div > [data-testid="stHorizontalBlock"],
  .st-key-board_bottom > div > [data-testid="stHorizontalBlock"] { min-height: 0; }
  /* Blocks never scroll or cut a note (a tall block goes on over the next sheet). */
  [class*="st-key-board_block_"] { max-height: none !important; overflow: visible !important; }
  [class*="st-key-board_block_"] > [data-testid="stElementContainer"]:first-child p { white-space: normal; }
  .bmc-note, .bmc-segment, .bmc-tag { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</style>
"""


# HTML's special characters and those Streamlit's Markdown would act on (emphasis, links,
# headings, code, LaTeX, tables), all as numeric entities in one pass; line breaks too, as a blank
# line would end the HTML block the text sits in and give the rest to Markdown.
_ENTITIES = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]()#+-.!|$~:\r\n"})


def show(where: Any, html: str, *, caption: bool = False, **options: Any) -> None:
    """Draw ``html`` (HTML and Markdown) with HTML allowed, as ``where.markdown`` or, with
    ``caption``, ``where.caption``; ``where`` is ``st``, a column or a container and ``options``
    go to Streamlit (``width=...``). The only ``unsafe_allow_html=True`` of the app: ``html``
    comes from this module's builders (or static text) with user text through ``escape_text``."""
    draw = where.caption if caption else where.markdown
    draw(html, unsafe_allow_html=True, **options)


def escape_text(text: str) -> str:
    """User text made inert for ``st.markdown(..., unsafe_allow_html=True)``: HTML and Markdown
    (with ``literal``'s word joiners for the passes that act on the decoded text)."""
    return _split_active(text).translate(_ENTITIES)


# --- Markdown without HTML: labels, messages, captions ------------------------------------------
# Streamlit 1.67 draws every label, tab, toast, alert and caption through one Markdown pipeline
# (StreamlitMarkdown: CommonMark + GFM autolinks and tables, remark-math for $...$, remark-directive
# for :red[...] and :help[...], icons for :material_x: and :streamlit:, remark-emoji for :smile:, and
# a pass that turns " -> " into an arrow). A backslash before any ASCII punctuation is CommonMark's
# "show this character", and escaped "$" and ":" also keep the LaTeX and emoji plug-ins from loading.
# The icon, emoji, arrow and GFM autolink passes work on the text after escapes are resolved, so
# there an invisible WORD JOINER splits the pattern instead.
_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
WORD_JOINER = "\u2060"
_SHORTCODE = re.compile(r":(?=[A-Za-z0-9_+-]+:)")  # :smile:, :material_home:, :streamlit:
# Streamlit's arrows and dashes, each between spaces: <-> -> <- -- >= <= ~=
_ARROW = re.compile(r"(?<!\S)(<(?=->(?!\S))|-(?=[->](?!\S))|<(?=[-=](?!\S))|[>~](?==(?!\S)))")
# GFM's autolinks (mdast-util-gfm-autolink-literal, run on the text): "https://...", "www.x",
# "name@host.x". A joiner after "://"'s colon, after "www" and after "@" leaves no match.
_AUTOLINK = re.compile(r"(:(?=//)|(?i:www)(?=\.)|@)")
_LINE_BREAKS = re.compile(r"\s*[\r\n]\s*")


def _split_active(text: str) -> str:
    """``text`` with a word joiner inside every pattern that Streamlit acts on after decoding
    escapes and entities: shortcodes, arrows, autolinks."""
    text = _SHORTCODE.sub(":" + WORD_JOINER, text)
    text = _ARROW.sub(lambda match: match.group(1) + WORD_JOINER, text)
    return _AUTOLINK.sub(lambda match: match.group(1) + WORD_JOINER, text)


def literal(text: str) -> str:
    """``text`` as Streamlit Markdown that shows exactly ``text``: no link, image, HTML, LaTeX,
    colour, icon, emoji, heading, list or code. For every place that renders Markdown without
    HTML (labels of buttons, tabs, expanders, popovers and metrics, ``st.toast``, ``st.error``
    and the other alerts, ``st.caption``, ``st.markdown``). Apply it once, to the user's text (or a
    whole plain-text message): its output shown through it again would show the backslashes.

    Line breaks in ``text`` become Markdown line breaks; space at its ends is dropped (HTML would
    not show it either)."""
    lines = _LINE_BREAKS.split(_split_active(text).strip())
    return "\\\n".join(_PUNCTUATION.sub(r"\\\1", line) for line in lines)


def title_html(name: str, description: str) -> str:
    """The canvas name and description as the page heading."""
    desc = f'<p class="bmc-description">{escape_text(description)}</p>' if description else ""
    return f'<h1 class="bmc-title">{escape_text(name)}</h1>{desc}'


def tint(colour: str, amount: float = 0.78) -> str:
    """``colour`` mixed with white (``amount`` 0-1 of white): a sticky-note pastel of it."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(c + (255 - c) * amount) for c in (red, green, blue)]
    return "#{:02X}{:02X}{:02X}".format(*mix)


def note_colour(note: Note, segments: Mapping[str, Segment]) -> tuple[str, str]:
    """(background, border) of a note: a tagged note takes its segment's colour."""
    segment = segments.get(note.segment_id or "")
    if segment is not None:
        return tint(segment.colour), segment.colour
    return note.colour, note.colour


def notes_html(notes: Iterable[Note], segments: Mapping[str, Segment], *, empty: str = "No notes yet") -> str:
    parts = []
    for note in notes:
        background, border = note_colour(note, segments)
        segment = segments.get(note.segment_id or "")
        tag = (
            f'<br><span class="bmc-tag" style="background:{segment.colour}">{escape_text(segment.name)}</span>'
            if segment is not None else ""
        )
        author = (f'<span class="bmc-author">{escape_text(note.author_name)}</span>'
                  if note.author_name else "")  # who wrote it, when they gave a name (ui.identity)
        parts.append(
            f'<div class="bmc-note" style="background:{background};border-left-color:{border}">'
            f"{escape_text(note.text)}{tag}{author}</div>"
        )
    if not parts:
        return f'<div class="bmc-empty">{escape_text(empty)}</div>'
    return '<div class="bmc-notes">' + "".join(parts) + "</div>"


def segments_html(segments: Iterable[Segment], *, currency_size_label: str = "customers") -> str:
    parts = []
    for segment in segments:
        size = (
            f'<span class="bmc-size">~{segment.estimated_size:,} {currency_size_label}</span>'
            if segment.estimated_size is not None else ""
        )
        description = (
            f'<div class="bmc-desc">{escape_text(segment.description)}</div>' if segment.description else ""
        )
        parts.append(
            f'<div class="bmc-segment" style="background:{tint(segment.colour)};border-color:{segment.colour}">'
            f"<b>{escape_text(segment.name)}</b>{size}{description}</div>"
        )
    if not parts:
        return '<div class="bmc-empty">No segments yet: who are you creating value for?</div>'
    return '<div class="bmc-notes">' + "".join(parts) + "</div>"


def relationship_summary_html(segments: Iterable[Segment], relationships: Mapping[str, Relationship],
                              currency: str) -> str:
    """The Customer Relationships block's summary: per segment, primary type, focus and cost."""
    parts = []
    for segment in segments:
        design = relationships.get(segment.id)
        if design is None or not design.primary_type:
            body = "<i>No relationship designed yet</i>"
        else:
            kind = RELATIONSHIP_TYPES[design.primary_type].label
            more = len(design.types) - 1
            body = (
                f"<b>{escape_text(kind)}</b>{f' +{more}' if more > 0 else ''}<br>"
                f"Focus {design.focus_acquisition}/{design.focus_retention}/{design.focus_upselling} "
                f"(acq/ret/up) · {escape_text(money(design.cost_per_customer_month, currency))} per customer a month"
            )
        parts.append(
            f'<div class="bmc-note bmc-summary" style="background:{tint(segment.colour, 0.88)};'
            f'border-left-color:{segment.colour}"><span class="bmc-tag" style="background:{segment.colour}">'
            f"{escape_text(segment.name)}</span><br>{body}</div>"
        )
    return '<div class="bmc-notes">' + "".join(parts) + "</div>" if parts else ""


def relationship_costs_html(segments: Iterable[Segment], relationships: Mapping[str, Relationship],
                            currency: str) -> str:
    """Computed Cost Structure entries: each segment's relationship cost a month."""
    parts = []
    for segment in segments:
        design = relationships.get(segment.id)
        if design is None:
            continue
        total = total_monthly_cost(design, segment.estimated_size)
        parts.append(
            f'<div class="bmc-note bmc-computed" style="border-left-color:{segment.colour}">'
            f"Relationships with {escape_text(segment.name)}: <b>{escape_text(money(total, currency))}</b> a month"
            f'<span class="bmc-computed-tag">computed</span></div>'
        )
    return '<div class="bmc-notes">' + "".join(parts) + "</div>" if parts else ""


# --- Library page ------------------------------------------------------------------------------

LIBRARY_HEADING = ("<h1 class='bmc-title'>Library</h1><p class='bmc-description'>Every saved canvas. Changes save "
                   "as you make them; deleted canvases wait in the trash.</p>")


def canvas_name_markdown(name: str, *, open_now: bool) -> str:
    """A library row's canvas name in bold, badged when it is the canvas on screen."""
    return f"**{escape_text(name)}**" + (" :blue-badge[Open now]" if open_now else "")


def canvas_details_markdown(description: str, updated_at: datetime, version: int) -> str:
    """A library row's caption: the description's start (160 characters), when it changed, its version."""
    return (f"{escape_text(description[:160]) or 'No description'}  \n"
            f"Changed {updated_at:%d %b %Y %H:%M} UTC · version {version}")


def trashed_canvas_markdown(name: str, deleted_at: datetime) -> str:
    """A trashed canvas, struck through, with when it was deleted."""
    return f"~~{escape_text(name)}~~ · deleted {deleted_at:%d %b %Y %H:%M} UTC"


# --- Data page ---------------------------------------------------------------------------------

def dataset_markdown(kind_label: str, filename: str, rows: int, created_at: datetime) -> str:
    """A linked dataset's line: its kind, file name, rows and upload time."""
    return (f"**{kind_label}** · {escape_text(filename)} · {rows:,} rows · "
            f"uploaded {created_at:%d %b %Y %H:%M} UTC")


def dataset_saved_markdown(kind_label: str, rows: int, canvas_name: str) -> str:
    """The note after a dataset is confirmed: what was saved and to which canvas."""
    return (f":green[:material/check_circle:] **{kind_label} saved**: {rows:,} rows linked to "
            f"{escape_text(canvas_name)}.")


# --- Relationships page ------------------------------------------------------------------------

SEVERITY_ICON = {"high": ":material/error:", "medium": ":material/warning:", "low": ":material/info:"}
SEVERITY_COLOUR = {"high": "red", "medium": "orange", "low": "blue"}


def finding_label(severity: str, title: str, segment_names: list[str]) -> str:
    """A coach finding's expander label (Markdown): the severity in colour, then the title, then
    the segments it concerns unless the title names one of them already."""
    segments = ", ".join(segment_names)
    named = segments and not any(name in title for name in segment_names)
    title = f"{title} · {segments}" if named else title
    return f":{SEVERITY_COLOUR[severity]}[{SEVERITY_ICON[severity]} **{severity.capitalize()}**] {literal(title)}"


def finding_details_markdown(rule_id: str, why: str, action: str) -> str:
    """A coach finding opened: its rule id, why it matters and what to do."""
    return (f"`{rule_id}`  \n**Why it matters.** {escape_text(why)}  \n"
            f"**What to do.** {escape_text(action)}")


def dismissed_markdown(rule_id: str, who: str, reason: str) -> str:
    """A dismissed finding: its rule, whom it concerned and the founder's reason."""
    return f"`{rule_id}` · {escape_text(who)}: {escape_text(reason)}"
