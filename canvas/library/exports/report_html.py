"""The HTML report: one self-contained file that opens offline, from disk, with no server.

It holds the board, each segment's relationship design, the coach's findings, the targets met or
missed, the headline figures and the key charts, interactive (Plotly, its script inlined: the
file never reaches the network). ``pdf_document`` is the same report after the poster, laid out
for paper: the PDF prints it, and its charts come out static.

User text reaches the HTML only through ``canvas.ui.markup.escape_text`` (and the board's
builders there); Plotly's figures carry it as JSON, with ``<`` escaped by Plotly itself.
"""

from __future__ import annotations

from collections.abc import Iterable

import plotly.graph_objects as go

from canvas.analytics import chart_data, segments
from canvas.analytics.service import type_figures
from canvas.analytics.tiles import shown_label
from canvas.domain.blocks import KEY_QUESTIONS, LIFECYCLE_STAGES, RELATIONSHIP_TYPES
from canvas.domain.formatting import format_value, money
from canvas.domain.models import Relationship, Segment
from canvas.domain.relationships import total_monthly_cost
from canvas.library.exports.board_html import (
    FIT_SCRIPT,
    Paper,
    attribution_html,
    board_html,
    document,
    page_css,
    poster_html,
)
from canvas.library.exports.content import NO_DATA, ExportContent
from canvas.ui.charts import metrics as metric_charts
from canvas.ui.charts import relationships as relationship_charts
from canvas.ui.markup import escape_text as esc

REPORT_CSS = """
.report { max-width: 1280px; margin: 0 auto; padding: 20px 24px 40px; }
.report h1 { font-size: 1.9rem; margin: 0 0 2px; overflow-wrap: anywhere; }
.report h2 { font-size: 1.3rem; margin: 26px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 3px;
             break-after: avoid; }
.report .lead { color: #555; margin: 0 0 10px; white-space: pre-wrap; }
.report .board { grid-template-rows: auto auto auto; }
.report .board .block { min-height: 120px; }
.tiles { display: flex; flex-wrap: wrap; gap: 8px; }
.tile { border: 1px solid #ddd; border-radius: 6px; padding: 6px 10px; width: 170px; break-inside: avoid; }
.tile .label { font-size: 0.78rem; color: #555; }
.tile .value { font-size: 1.35rem; font-weight: 600; }
.tile .window { font-size: 0.7rem; color: #888; }
.designs { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 12px; }
.design { border: 1px solid #ddd; border-left: 6px solid; border-radius: 6px; padding: 8px 12px; break-inside: avoid; }
.design h3 { margin: 0 0 4px; font-size: 1.05rem; overflow-wrap: anywhere; }
.design dl { margin: 4px 0; display: grid; grid-template-columns: 9.5rem 1fr; gap: 2px 8px; font-size: 0.85rem; }
.design dt { color: #555; }
.design dd { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.design h4 { margin: 8px 0 2px; font-size: 0.85rem; text-transform: uppercase; color: #666; letter-spacing: .03em; }
.focus { display: flex; height: 14px; border-radius: 3px; overflow: hidden; margin: 3px 0 1px; }
.focus span { display: block; height: 100%; }
.muted { color: #888; font-style: italic; }
table.figures { border-collapse: collapse; font-size: 0.85rem; width: 100%; }
table.figures th, table.figures td { border-bottom: 1px solid #e5e5e5; padding: 4px 8px; text-align: left; }
table.figures td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.figures tr { break-inside: avoid; }
.status-met { color: #2e7d32; font-weight: 600; }
.status-missed { color: #c62828; font-weight: 600; }
.finding { border-left: 4px solid; padding: 4px 10px; margin: 6px 0; break-inside: avoid; font-size: 0.9rem; }
.finding.high { border-color: #c62828; }
.finding.medium { border-color: #ef8f00; }
.finding.low { border-color: #1f77b4; }
.finding .sev { font-size: 0.72rem; text-transform: uppercase; font-weight: 700; color: #666; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 14px; }
.chart { border: 1px solid #eee; border-radius: 6px; padding: 4px; break-inside: avoid; min-width: 0; }
/* The PDF's report: laid out on screen exactly as it prints (Plotly sizes a chart once, when the
   page loads), two charts a row, no chart toolbars. */
.report.paged { max-width: none; padding: 0; margin: 0; }
.report.paged h2 { margin-top: 14px; }
.report.paged .charts { grid-template-columns: 1fr 1fr; }
.report.paged .designs { grid-template-columns: 1fr 1fr 1fr; }
.report.paged .design { break-inside: auto; }  /* a card taller than the rest of a sheet goes on over the next */
.report.paged .modebar-container { display: none; }
@media print { .report { max-width: none; } .modebar-container { display: none; } }
"""

_FOCUS_COLOURS = {"acquisition": "#4C78A8", "retention": "#54A24B", "upselling": "#F58518"}
_CHART_CONFIG = {"displaylogo": False, "responsive": True}


def _tiles_html(content: ExportContent) -> str:
    if not content.tiles:
        return f'<p class="muted">{esc(NO_DATA)}</p>'
    parts = []
    for tile in content.tiles:
        parts.append(f'<div class="tile"><div class="label">{esc(shown_label(tile, content.currency))}</div>'
                     f'<div class="value">{esc(format_value(tile.value, tile.unit))}</div>'
                     f'<div class="window">{esc(tile.window)}</div></div>')
    return '<div class="tiles">' + "".join(parts) + "</div>"


def _dl(rows: Iterable[tuple[str, str]]) -> str:
    """A definition list of (label, user text) pairs; an empty text shows as "not answered"."""
    items = "".join(f"<dt>{esc(label)}</dt><dd>{esc(text) if text else '<span class=muted>not answered</span>'}</dd>"
                    for label, text in rows)
    return f"<dl>{items}</dl>"


def _design_html(content: ExportContent, segment: Segment, design: Relationship | None) -> str:
    currency = content.currency
    size = f" · ~{segment.estimated_size:,} customers" if segment.estimated_size is not None else ""
    head = f'<div class="design" style="border-left-color:{segment.colour}"><h3>{esc(segment.name)}</h3>'
    if design is None:
        return head + f'<p class="muted">No relationship designed yet{size}.</p></div>'
    kinds = ", ".join(("<b>" if k == design.primary_type else "") + esc(RELATIONSHIP_TYPES[k].label)
                      + ("</b>" if k == design.primary_type else "") for k in design.types) or "none chosen"
    focus = {"acquisition": design.focus_acquisition, "retention": design.focus_retention,
             "upselling": design.focus_upselling}
    bar = "".join(f'<span style="width:{value}%;background:{_FOCUS_COLOURS[key]}" title="{key}"></span>'
                  for key, value in focus.items())
    total = total_monthly_cost(design, segment.estimated_size)
    notes = {n.id: n.text for block_notes in content.board.notes.values() for n in block_notes}
    channels = [notes[n] for n in design.channel_note_ids if n in notes]
    parts = [
        head,
        f"<div>Types: {kinds}{esc(size)}</div>",
        f'<div class="focus">{bar}</div><div style="font-size:.8rem">Focus: acquisition {focus["acquisition"]} % · '
        f'retention {focus["retention"]} % · upselling {focus["upselling"]} %</div>',
        f"<div style=\"font-size:.85rem;margin-top:3px\">Cost: {esc(money(design.cost_per_customer_month, currency))} "
        f"per customer a month + {esc(money(design.cost_fixed_month, currency))} fixed = "
        f"<b>{esc(money(total, currency))}</b> a month</div>",
        "<h4>Channels</h4>" + (esc(" · ".join(channels)) if channels else '<span class="muted">none linked</span>'),
        "<h4>Lifecycle</h4>" + _dl((label, design.lifecycle.get(key, "")) for key, label in LIFECYCLE_STAGES.items()),
        "<h4>Key questions</h4>" + _dl((question, design.answers.get(key, ""))
                                       for key, question in KEY_QUESTIONS.items()),
        "<h4>Competitors</h4>" + (f'<div style="white-space:pre-wrap">{esc(design.competitors)}</div>'
                                  if design.competitors else '<span class="muted">not described</span>'),
        "</div>",
    ]
    return "".join(parts)


def _targets_html(content: ExportContent) -> str:
    table = content.targets
    if table.empty:
        return '<p class="muted">No targets set yet: set them per segment on the Relationships page.</p>'
    rows = []
    for row in table.itertuples(index=False):
        measured = format_value(row.measured, row.unit, content.currency)
        target = format_value(row.target, row.unit, content.currency)
        rows.append(f"<tr><td>{esc(row.segment)}</td><td>{esc(row.metric)}</td><td class=num>{esc(measured)}</td>"
                    f"<td class=num>{esc(target)}</td><td class=\"status-{row.status.replace(' ', '-')}\">"
                    f"{esc(row.status)}</td></tr>")
    return ('<table class="figures"><thead><tr><th>Segment</th><th>Metric</th><th>Measured</th><th>Target</th>'
            "<th>Status</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _findings_html(content: ExportContent) -> str:
    if not content.findings:
        return '<p class="muted">No findings: the design avoids the common mistakes the coach knows.</p>'
    names = content.segment_names
    parts = []
    for f in content.findings:
        who = ", ".join(names.get(s, s) for s in f.segment_ids)
        parts.append(f'<div class="finding {f.severity}"><span class="sev">{f.severity}</span> '
                     f"<b>{esc(f.title)}</b>{' · ' + esc(who) if who and who not in f.title else ''}<br>"
                     f"{esc(f.why)}<br><i>What to do:</i> {esc(f.action)}</div>")
    return "".join(parts)


def key_charts(content: ExportContent) -> list[go.Figure]:
    """The report's charts: the designs' spectrum and costs, then (with data) retention, active
    customers and churn, revenue by cohort, relationship cost against value, LTV:CAC, NPS and
    CSAT, and the figures per primary relationship type."""
    board, currency = content.board, content.currency
    figures: list[go.Figure] = []
    if board.relationships:
        figures.append(relationship_charts.relationship_spectrum(board.segments, board.relationships))
        figures.append(relationship_charts.relationship_costs(board.segments, board.relationships, currency))
    result = content.metrics
    if result is not None:
        colours = content.colours
        values = chart_data.value_table(board.segments, board.relationships, result.measures)
        types = segments.primary_types(board.segments, board.relationships)
        figures += [
            metric_charts.retention_curves(dict(result.curves), colours),
            metric_charts.active_and_churn(result.figures.active, result.figures.retention),
            metric_charts.layer_cake(result.figures.layer_cake, currency),
            metric_charts.cost_vs_value(values, colours, currency),
            metric_charts.ltv_vs_cac(values if len(values) else None, colours, currency),
            metric_charts.nps_csat_by_segment(result.survey_table, colours),
            metric_charts.by_relationship_type(chart_data.by_primary_type(type_figures(result, types)), currency),
        ]
    return figures


def _charts_html(content: ExportContent) -> str:
    charts = key_charts(content)
    if not charts:
        return '<p class="muted">No charts: design a relationship or link customer data first.</p>'
    divs = [f'<div class="chart">{fig.to_html(full_html=False, include_plotlyjs=False, config=_CHART_CONFIG)}</div>'
            for fig in charts]
    return '<div class="charts">' + "".join(divs) + "</div>"


def report_body(content: ExportContent, *, with_board: bool = True) -> str:
    """The report's sections, in reading order (the PDF leaves the board out: its poster is the board)."""
    canvas = content.board.canvas
    description = f'<p class="lead">{esc(canvas.description)}</p>' if canvas.description else ""
    stamp = (f"Version {canvas.version} · exported {content.generated_at:%d %b %Y %H:%M} UTC · "
             f"figures in {esc(canvas.currency)}")
    designs = "".join(_design_html(content, s, content.board.relationships.get(s.id)) for s in content.board.segments)
    return (f'<main class="report"><h1>{esc(canvas.name)}</h1>{description}<p class="attribution">{stamp}</p>'
            f"<h2>Headline figures</h2>{_tiles_html(content)}"
            + (f"<h2>The board</h2>{board_html(content)}" if with_board else "")
            + "<h2>Relationship design per segment</h2>"
            + (f'<div class="designs">{designs}</div>' if designs else '<p class="muted">No segments yet.</p>')
            + f"<h2>Targets</h2>{_targets_html(content)}"
            f"<h2>What the coach finds</h2>{_findings_html(content)}"
            f"<h2>Charts</h2>{_charts_html(content)}"
            f"{attribution_html()}</main>")


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def report_document(content: ExportContent) -> str:
    """The HTML report file: interactive, self-contained (Plotly's script inlined)."""
    return document(f"{content.board.canvas.name}: report", report_body(content),
                    css=REPORT_CSS, head_scripts=(_plotly_js(),))


def pdf_document(content: ExportContent, paper: Paper) -> str:
    """What the PDF prints: the poster on its own page, then the report (all but the board, which
    the poster is) laid out at the page's width (the charts size themselves to it when the page
    loads, and print as drawn)."""
    report = report_body(content, with_board=False).replace('<main class="report">',
                                          f'<main class="report paged" style="width:{paper.inner_width}mm">', 1)
    return document(f"{content.board.canvas.name}: Business Model Canvas", poster_html(content, paper) + report,
                    css=REPORT_CSS + page_css(paper), head_scripts=(_plotly_js(),), scripts=(FIT_SCRIPT,))
