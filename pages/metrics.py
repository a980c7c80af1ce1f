"""Metrics: the canvas's segments and relationships against their real numbers, and a what-if."""

import math
from dataclasses import replace
from datetime import date

import streamlit as st

from canvas import storage
from canvas.analytics import chart_data, metrics, segments, whatif
from canvas.analytics.filters import Filters, filters_from_query, filters_to_query, within_data
from canvas.analytics.tiles import shown_label, with_targets
from canvas.customer_data import linked
from canvas.customer_data.linking import UNASSIGNED
from canvas.domain import coach
from canvas.domain.document import canvas_document
from canvas.domain.formatting import change_caption, compact, format_delta, format_value
from canvas.domain.measures import LOWER_IS_BETTER
from canvas.library.demo import load_demo_data
from canvas.ui import access, frame, markup
from canvas.ui import metrics as cached
from canvas.ui.charts import metrics as mc
from canvas.ui.markup import escape_text

frame.page_frame("metrics")
frame.inject_css()
ROWS_SHOWN = 15  # a longer targets table scrolls
# The charts in sections behind tabs: only the open one is computed, sent and drawn (a dozen
# Plotly charts at once took the browser about a second to draw). The open tab is in the URL.
SECTION = "section"  # the tabs' key and query parameter
SECTIONS = ("Retention", "Customer value", "Cost vs value", "What-if")
CHART_SECTIONS = {"retention": "Retention", "kpis": "Customer value", "cost_vs_value": "Cost vs value"}  # coach
FILTER_PARAMS = ("from", "to", "segments", "period")  # filters.filters_to_query's keys


# --- Actions ----------------------------------------------------------------------------------

def use_demo_data(canvas_id: str) -> None:
    frame.act(lambda db: load_demo_data(session=db, canvas_id=canvas_id),
           done="Demo data linked; values that match no segment of this canvas are Unassigned")


def write_filters(first: date, last: date) -> None:
    state = st.session_state
    span = state.get("met_dates") or ()
    start, end = (span + (None, None))[:2] if isinstance(span, tuple) else (None, None)
    filters = within_data(
        Filters(start=start, end=end, segments=tuple(state.get("met_segments") or ()),
                period=state.get("met_period") or "month"), first, last)
    query = filters_to_query(filters)
    for stale in set(FILTER_PARAMS) - query.keys():  # the canvas and the open section stay
        st.query_params.pop(stale, None)
    st.query_params.update(query)


def open_section(label: str) -> None:
    st.session_state[SECTION] = label


# --- Page -------------------------------------------------------------------------------------

with frame.session() as db:
    canvas = frame.page_heading(db, "Metrics", "is each relationship working? The numbers from your own customer "
                                            "data, segment by segment.")
    datasets, segment_names, key = linked.describe(session=db, canvas_id=canvas.id)
    board = storage.load_board(session=db, canvas_id=canvas.id)
    document = canvas_document(db, board.canvas)
frame.show_flash()
currency = canvas.currency

if "transactions" not in datasets:
    with st.container(border=True, key="met_empty"):
        st.markdown("#### No customer data linked yet")
        st.markdown(
            "Upload a **transactions** export (one row per order or order line: customer id, date, amount; "
            "optionally order id and segment) on the **Customer data** page. Survey responses (NPS, CSAT) and "
            "acquisition spend unlock NPS, CSAT, CAC and LTV:CAC.")
        row = st.container(horizontal=True)
        row.page_link("pages/data.py", label="Upload customer data", icon=":material/upload:",
                      query_params={"canvas": canvas.id})
        row.button("Use the demo data", icon=":material/science:", key="met_use_demo", on_click=use_demo_data,
                   args=(canvas.id,), help="Two years of a coffee subscription's customers",
                   disabled=not access.can_edit(canvas.id))
    st.stop()

colours = {s.name: s.colour for s in board.segments}
names = [s.name for s in board.segments] + [UNASSIGNED]
filters, warnings = filters_from_query(st.query_params.to_dict(), segment_names=names)
for warning in warnings:
    st.warning(markup.literal(warning), icon=":material/link_off:")  # quotes the URL

bar = st.container(horizontal=True, vertical_alignment="bottom", key="met_filters")
frames = cached.linked_frames(canvas.id, key)
if frames is None:  # the transactions dataset has no rows
    st.info("The transactions linked to this canvas have no orders: upload them again on the Customer data page.")
    st.stop()
first_day, last_day = frames.first_day, frames.last_day
filters = within_data(filters, first_day, last_day)
bounds = (first_day, last_day)
bar.date_input("Dates", value=(filters.start or first_day, filters.end or last_day), min_value=first_day,
               max_value=max(last_day, date.today()), key="met_dates", on_change=write_filters, args=bounds,
               width=260)
bar.multiselect("Segments", names, default=list(filters.segments), key="met_segments", on_change=write_filters,
                args=bounds, placeholder="All segments", width=420)
bar.segmented_control("Granularity", metrics.PERIODS, default=filters.period, key="met_period",
                      on_change=write_filters, args=bounds, format_func=str.capitalize)

cached.clv_fit(canvas.id, key, filters.start, filters.end)  # fits while the rest is computed
result = cached.metrics_of(canvas.id, key, filters)
if result is None:
    st.info("No orders in this selection: widen the dates or pick other segments.")
    st.stop()
measures = result.measures

# --- KPI tiles --------------------------------------------------------------------------------
on_tiles = segments.targets_for_tiles(board.segments, board.relationships, filters)
tiles = with_targets(list(result.tiles), on_tiles.targets)
monthly_only = " Retention and churn targets are monthly: pick Month to compare them." if on_tiles.monthly_only else ""
markup.show(st, ("Targets of **" + escape_text(on_tiles.segment) + "** shown on the tiles." + monthly_only + " ")
            if on_tiles.segment is not None else "Pick a single segment to see its targets on the tiles; the table "
            "below has every segment's. " + f"Changes are against the previous {filters.period}.", caption=True)
strip = st.container(horizontal=True, key="met_tiles", gap="small")  # wraps to the next line on narrow screens
for tile in tiles:
    column = strip.container(width=200)
    delta = None if tile.delta is None else format_delta(tile.delta, tile.unit)
    inverse = tile.key in LOWER_IS_BETTER
    column.metric(shown_label(tile, currency), format_value(tile.value, tile.unit), delta,
                  delta_color="inverse" if inverse else "normal",
                  help=f"{tile.window.capitalize()}. {tile.help}", border=True)
    if tile.met is not None:
        column.markdown(f":{'green' if tile.met else 'red'}-badge[{'met' if tile.met else 'missed'}: target "
                        f"{format_value(tile.target, tile.unit, currency)}]")

# --- Targets and the coach --------------------------------------------------------------------
targets = segments.targets_in_view(board.segments, board.relationships, filters)
names_by_id = {s.id: s.name for s in board.segments}
left, right = st.columns([2, 1], gap="medium")  # the table's five columns fit at 1024 px
with left:
    st.subheader("Targets from the relationships page")
    table = segments.targets_table(measures, targets, names_by_id)
    if table.empty:
        st.caption("No targets set yet: set them per segment on the Relationships page.")
    else:
        shown = table.assign(
            measured=[format_value(v, u, currency) for v, u in zip(table["measured"], table["unit"])],
            target=[format_value(v, u, currency) for v, u in zip(table["target"], table["unit"])],
        ).drop(columns="unit")
        st.dataframe(shown.style.map(lambda s: "color: #2e7d32; font-weight: 600" if s == "met" else
                                     ("color: #c62828; font-weight: 600" if s == "missed" else ""), subset=["status"]),
                     hide_index=True, width="stretch", key="met_targets",
                     height=35 * (min(len(shown), ROWS_SHOWN) + 1) + 3)  # whole 35 px rows + border
with right:
    st.subheader("What the numbers say")
    from_numbers = [f for f in coach.findings(document, measures)
                    if f.rule_id in ("target-missed", "churn-rising", "cost-exceeds-value")]
    if not from_numbers:
        st.caption("No target missed, no churn rising, no relationship costing more than it brings.")
    for number, finding in enumerate(from_numbers):
        markup.show(st, f"**{escape_text(finding.title)}**  \n{escape_text(finding.why)}")
        if finding.chart in CHART_SECTIONS:
            section = CHART_SECTIONS[finding.chart]
            st.button(f"See the chart: {section}", key=f"met_see_{number}", type="tertiary",
                      icon=":material/arrow_downward:", on_click=open_section, args=(section,))

# --- Charts, a section at a time -------------------------------------------------------------
st.subheader("Charts", anchor="charts")
retention_tab, value_tab, cost_tab, whatif_tab = st.tabs(SECTIONS, key=SECTION, bind="query-params")

if retention_tab.open:
    with retention_tab:
        cohorts, curves, active, layer_cake = cached.retention_charts(canvas.id, key, filters,
                                                                      tuple(colours.items()), currency)
        st.plotly_chart(cohorts, width="stretch", key="met_cohorts")
        a, b = st.columns(2)
        a.plotly_chart(curves, width="stretch", key="met_curves")
        b.plotly_chart(active, width="stretch", key="met_active")
        st.plotly_chart(layer_cake, width="stretch", key="met_layer_cake")

if value_tab.open:
    with value_tab:
        st.caption("Predictive CLV: BG/NBD (purchases) and Gamma-Gamma (spend per order) fitted once on every "
                   "customer in the date range, 12 months ahead, 1 % a month discount; the segment filter picks "
                   "customers from that model. Historical CLV: revenue per customer to date.")
        with st.spinner("Fitting the predictive CLV model…"):
            pred = cached.predictive(canvas.id, key, filters.start, filters.end).of_segments(filters.segments)
        if pred.fallback:
            st.info(markup.literal("Predictive CLV fell back to historical CLV: " + " ".join(pred.reasons)),
                    icon=":material/info:")
        a, b = st.columns(2)
        a.plotly_chart(mc.clv_distribution(pred.customers[["segment", "value"]], colours,
                                           currency), width="stretch", key="met_clv_dist")
        b.plotly_chart(mc.clv_by_segment(pred.per_segment(), colours, currency, predictive=not pred.fallback),
                       width="stretch", key="met_clv_seg")
        a, b = st.columns(2)
        a.plotly_chart(mc.p_alive_heatmap(pred.customers), width="stretch", key="met_p_alive")
        b.plotly_chart(mc.nps_csat_by_segment(result.survey_table, colours), width="stretch", key="met_nps")

if cost_tab.open:
    with cost_tab:
        value_table = chart_data.value_table(board.segments, board.relationships, measures)
        a, b = st.columns(2)
        a.plotly_chart(mc.cost_vs_value(value_table, colours, currency), width="stretch", key="met_cost_value")
        b.plotly_chart(mc.ltv_vs_cac(value_table if len(value_table) else None, colours, currency),
                       width="stretch", key="met_ltv_cac")
        types = segments.primary_types(board.segments, board.relationships)
        st.plotly_chart(mc.by_relationship_type(
            chart_data.by_primary_type(cached.type_figures(canvas.id, key, filters, types)), currency),
            width="stretch", key="met_by_type")


# --- What-if ----------------------------------------------------------------------------------

@st.fragment
def what_if(start: whatif.WhatIfStart, currency: str) -> None:
    """Its sliders rerun this section only: the rest of the page stays as drawn."""
    cost_now, cac_now, baseline = start.cost_per_customer, start.cac, start.baseline
    summary = st.container()  # the projected totals, filled once the sliders are read
    controls, chart = st.columns([1, 2], gap="large")
    with controls:  # changes from the measured figures, each with the value it leads to
        points = st.slider("Change in retention (points a month)", -10.0, 10.0, 0.0, 0.5, format="%+.1f",
                           key="met_wi_retention")
        retention_caption = st.empty()
        # Bounds on the steps' grid, so that no change is a step (a bound of -49.95 would make them
        # 0.05, 1.05, ...); a cost taken below zero stays at zero.
        cost_delta = st.slider(f"Change in relationship cost per customer a month ({currency})",
                               -math.ceil(cost_now * 2) / 2, float(math.ceil(max(20.0, cost_now * 2))), 0.0, 0.5,
                               format="%+.2f", key="met_wi_cost")
        cost_caption = st.empty()
        cac_delta = st.slider(f"Change in CAC ({currency})", -float(math.ceil(cac_now or 0)),
                              float(math.ceil(max(100.0, (cac_now or 0) * 2))), 0.0, 1.0, format="%+.2f",
                              key="met_wi_cac")
        cac_caption = st.empty()
        months = st.slider("Months", 12, 36, 24, 6, key="met_wi_months")
        margin = st.slider("Gross margin (%)", 5, 95, 50, 5, key="met_wi_margin") / 100
    if baseline is None:
        chart.info("The selection has no complete month to project from.")
    else:
        baseline = replace(baseline, margin=margin)
        scenario = whatif.whatif_scenario(baseline, retention_points=points, cost_delta=cost_delta,
                                          cac_delta=cac_delta)
        retention_caption.caption("Monthly retention (mean of the last 3 months) " + change_caption(
            baseline.retention, scenario.retention, "rate"))
        cost_caption.caption("Cost per customer a month " + change_caption(
            baseline.cost_per_customer, scenario.cost_per_customer, "money", currency))
        cac_caption.caption("CAC " + change_caption(baseline.cac, scenario.cac, "money", currency))
        projection = whatif.project(baseline, months=months, retention_points=points, cost_delta=cost_delta,
                                    cac_delta=cac_delta)
        with summary:
            for column, total in zip(st.columns(3), whatif.totals(projection)):
                unit = f" {currency}" if total.money else ""
                change = total.change
                column.metric(total.label, compact(total.scenario) + unit, None if abs(change) < 0.5 else
                              f"{'+' if change > 0 else ''}{compact(change)}{unit} vs baseline", border=True,
                              help=f"Baseline: {total.baseline:,.0f}{unit}; scenario: {total.scenario:,.0f}{unit}.")
        chart.plotly_chart(mc.whatif_chart(projection, currency), width="stretch", key="met_whatif")
        with st.expander("Assumptions", icon=":material/list:"):
            for line in whatif.assumptions(baseline, months=months, retention_points=points, cost_delta=cost_delta,
                                           cac_delta=cac_delta, currency=currency):
                markup.show(st, f"- {escape_text(line)}")
        if st.button("Check the claim: 5 % more retention raises profit by 25-95 %", icon=":material/fact_check:",
                     key="met_claim"):
            claim = whatif.retention_claim_check(baseline, months=36)
            st.info(f"{claim['sentence']} As +5 points instead: {claim['points']:+.0%}.", icon=":material/calculate:")


if whatif_tab.open:
    with whatif_tab:
        what_if(whatif.whatif_start(result.rows, board.segments, board.relationships, filters, tiles), currency)


# --- Export -----------------------------------------------------------------------------------
export = segments.measures_table(measures, names_by_id)
st.download_button("Download the metrics per segment (CSV)", export.to_csv(index=False).encode(),
                   file_name=f"metrics-{canvas.id}.csv", mime="text/csv", icon=":material/download:",
                   key="met_export")
st.caption("Each chart exports as PNG from its toolbar (camera icon). Rates in the CSV are fractions.")
