"""The PowerPoint deck (python-pptx): a board slide, one slide per segment's relationship design,
and the key figures as native charts a founder can restyle and edit in PowerPoint or Keynote.

Text on a slide is set as text runs (never parsed), so user text needs no escaping here. Every
slide carries the Business Model Canvas's licence line in its footer.
"""

from __future__ import annotations

import io
from typing import Any

from canvas.domain.blocks import BLOCKS, KEY_QUESTIONS, LIFECYCLE_STAGES, RELATIONSHIP_TYPES, Block
from canvas.domain.formatting import money
from canvas.domain.measures import TARGETS
from canvas.domain.relationships import total_monthly_cost
from canvas.library.exports.content import ATTRIBUTION, NO_DATA, ExportContent
from canvas.library.exports.tables import periods_table

# The board slide's grid: (block, left, top, width, height) in tenths of the board's width and
# thirds of its height, as on the printed canvas.
_BOARD = (
    (Block.KEY_PARTNERS, 0, 0, 2, 2), (Block.KEY_ACTIVITIES, 2, 0, 2, 1), (Block.KEY_RESOURCES, 2, 1, 2, 1),
    (Block.VALUE_PROPOSITIONS, 4, 0, 2, 2), (Block.CUSTOMER_RELATIONSHIPS, 6, 0, 2, 1), (Block.CHANNELS, 6, 1, 2, 1),
    (Block.CUSTOMER_SEGMENTS, 8, 0, 2, 2), (Block.COST_STRUCTURE, 0, 2, 5, 1), (Block.REVENUE_STREAMS, 5, 2, 5, 1),
)
# Measures drawn per segment, one native bar chart each: (key of measures.TARGETS or "customers", title).
SEGMENT_CHARTS = (("customers", "Customers per segment"), ("clv", "CLV per segment"),
                  ("retention_rate", "Monthly retention per segment"))
# Series drawn per month in one line chart: (heading of tables.periods_table, series name).
MONTH_SERIES = (("Active customers", "Active customers"), ("New customers", "New customers"))


def _footer(slide: Any, prs: Any) -> None:
    from pptx.util import Emu, Pt

    box = slide.shapes.add_textbox(Emu(int(prs.slide_width * 0.03)), Emu(int(prs.slide_height * 0.95)),
                                   Emu(int(prs.slide_width * 0.94)), Emu(int(prs.slide_height * 0.04)))
    run = box.text_frame.paragraphs[0].add_run()
    run.text = ATTRIBUTION
    run.font.size = Pt(8)


def _title(slide: Any, text: str) -> None:
    from pptx.util import Pt

    slide.shapes.title.text = text
    for paragraph in slide.shapes.title.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(26)


def _board_slide(prs: Any, content: ExportContent) -> None:
    from pptx.dml.color import RGBColor
    from pptx.util import Emu, Pt

    slide = prs.slides.add_slide(prs.slide_layouts[5])  # title only
    _title(slide, content.board.canvas.name)
    left, top = prs.slide_width * 0.03, prs.slide_height * 0.17
    width, height = prs.slide_width * 0.94, prs.slide_height * 0.77
    names = content.segment_names
    for block, x, y, w, h in _BOARD:
        shape = slide.shapes.add_shape(1, Emu(int(left + width * x / 10)), Emu(int(top + height * y / 3)),
                                       Emu(int(width * w / 10)), Emu(int(height * h / 3)))  # 1: rectangle
        shape.fill.background()
        shape.line.color.rgb = RGBColor(0x88, 0x88, 0x88)
        frame = shape.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = 1  # top
        heading = frame.paragraphs[0].add_run()
        heading.text = BLOCKS[block].title
        heading.font.bold, heading.font.size = True, Pt(10)
        heading.font.color.rgb = RGBColor(0x22, 0x22, 0x22)
        if block == Block.CUSTOMER_SEGMENTS:
            lines = [s.name + (f" (~{s.estimated_size:,})" if s.estimated_size is not None else "")
                     for s in content.board.segments]
        else:
            lines = [n.text + (f" [{names[n.segment_id]}]" if n.segment_id in names else "")
                     for n in content.board.notes[block]]
        count = sum(len(line) for line in lines)
        size = Pt(8 if count < 260 else 7 if count < 520 else 6)  # many notes: smaller, all still there
        for line in lines:
            run = frame.add_paragraph().add_run()
            run.text = "• " + line
            run.font.size = size
            run.font.color.rgb = RGBColor(0x22, 0x22, 0x22)
    _footer(slide, prs)


def _design_slide(prs: Any, content: ExportContent, segment: Any) -> None:
    from pptx.util import Pt

    design = content.board.relationships.get(segment.id)
    slide = prs.slides.add_slide(prs.slide_layouts[1])  # title and content
    _title(slide, f"Relationship with {segment.name}")
    body = slide.placeholders[1].text_frame
    currency = content.currency
    lines: list[tuple[int, str]] = []
    if design is None:
        lines.append((0, "No relationship designed yet."))
    else:
        kinds = [RELATIONSHIP_TYPES[k].label + (" (primary)" if k == design.primary_type else "") for k in design.types]
        lines += [(0, "Types: " + (", ".join(kinds) or "none chosen")),
                  (0, f"Focus: acquisition {design.focus_acquisition} %, retention {design.focus_retention} %, "
                      f"upselling {design.focus_upselling} %"),
                  (0, f"Cost: {money(design.cost_per_customer_month, currency)} per customer a month + "
                      f"{money(design.cost_fixed_month, currency)} fixed = "
                      f"{money(total_monthly_cost(design, segment.estimated_size), currency)} a month")]
        lines += [(1, f"{label}: {design.lifecycle[key]}") for key, label in LIFECYCLE_STAGES.items()
                  if design.lifecycle.get(key)]
        answered = [(1, f"{question} {design.answers[key]}") for key, question in KEY_QUESTIONS.items()
                    if design.answers.get(key)]
        lines += answered[:3]  # the slide holds three; the report has them all
        if design.targets:
            lines.append((0, "Targets: " + ", ".join(f"{TARGETS[k][0]} {_target(k, v, currency)}"
                                                     for k, v in design.targets.items())))
    body.text = ""
    for i, (level, text) in enumerate(lines):
        paragraph = body.paragraphs[0] if i == 0 else body.add_paragraph()
        paragraph.level = level
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt(14 if level == 0 else 11)
    _footer(slide, prs)


def _target(key: str, value: float, currency: str) -> str:
    from canvas.domain.formatting import format_value

    return format_value(value, TARGETS[key][1], currency)


def _chart_slide(prs: Any, title: str, categories: list[str], series: list[tuple[str, list[float | None]]],
                 *, line: bool = False, percent: bool = False) -> None:
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.util import Emu

    slide = prs.slides.add_slide(prs.slide_layouts[5])
    _title(slide, title)
    data = CategoryChartData(number_format="0.0%" if percent else "#,##0")
    data.categories = categories
    for name, values in series:
        data.add_series(name, values)
    kind = XL_CHART_TYPE.LINE_MARKERS if line else XL_CHART_TYPE.COLUMN_CLUSTERED
    frame = slide.shapes.add_chart(kind, Emu(int(prs.slide_width * 0.05)), Emu(int(prs.slide_height * 0.2)),
                                   Emu(int(prs.slide_width * 0.9)), Emu(int(prs.slide_height * 0.72)), data)
    chart = frame.chart
    chart.has_legend = len(series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    if not line:
        plot = chart.plots[0]
        plot.has_data_labels = True
        plot.data_labels.number_format = "0.0%" if percent else "#,##0"
        plot.data_labels.number_format_is_linked = False
    _footer(slide, prs)


def _metric_slides(prs: Any, content: ExportContent) -> None:
    measures = content.measures
    designed = [s for s in content.board.segments if s.id in measures]
    for key, title in SEGMENT_CHARTS:
        unit = TARGETS[key][1] if key in TARGETS else "count"
        heading = f"{title} ({content.currency})" if unit == "money" else title
        values = [measures[s.id].get(key) for s in designed]
        _chart_slide(prs, heading, [s.name for s in designed], [(title.split(" per ")[0], values)],
                     percent=unit == "rate")
    months = periods_table(content)
    headings = months.headings
    categories = [row[0] for row in months.rows]
    series = [(name, [row[headings.index(heading)] for row in months.rows]) for heading, name in MONTH_SERIES]
    _chart_slide(prs, "Customers per month", categories, series, line=True)


def pptx_bytes(content: ExportContent) -> bytes:
    """The deck: a title slide, the board, a slide per segment's design, then (with data) native
    charts of customers, CLV and retention per segment and customers per month."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)  # 16:9
    canvas = content.board.canvas
    cover = prs.slides.add_slide(prs.slide_layouts[0])
    cover.shapes.title.text = canvas.name
    cover.placeholders[1].text = (canvas.description + "\n" if canvas.description else "") + \
        f"Business Model Canvas · version {canvas.version} · {content.generated_at:%d %b %Y}"
    _footer(cover, prs)
    _board_slide(prs, content)
    for segment in content.board.segments:
        _design_slide(prs, content, segment)
    if content.metrics is not None and content.measures:
        _metric_slides(prs, content)
    else:
        note = prs.slides.add_slide(prs.slide_layouts[5])
        _title(note, "Figures")
        box = note.shapes.add_textbox(Inches(1), Inches(2), Inches(11), Inches(1))
        box.text_frame.text = NO_DATA
        _footer(note, prs)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
