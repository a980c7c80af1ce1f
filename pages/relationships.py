"""Customer Relationships: design the relationship with each segment, compare, and hear the coach."""

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from canvas import storage
from canvas.domain import coach
from canvas.domain.blocks import KEY_QUESTIONS, LIFECYCLE_STAGES, RELATIONSHIP_TYPES, Block
from canvas.domain.document import canvas_document
from canvas.domain.errors import InvalidInput, describe_validation_error
from canvas.domain.formatting import money
from canvas.domain.relationships import TEXT_MAX_CHARS, RelationshipDesign, comparison_columns, total_monthly_cost
from canvas.ui import access, frame, live, markup
from canvas.ui.charts import relationships as relationship_charts
from canvas.ui.identity import current_author
from canvas.ui.relationships import form_state, form_values, target_inputs

TARGET_COLUMNS = 4  # per row: seven in one row wrap their labels to unequal heights at 1024 px

frame.page_frame("relationships")
frame.inject_css()


def type_label(key: str) -> str:
    return RELATIONSHIP_TYPES[key].label


# --- Actions ----------------------------------------------------------------------------------

def save_design(canvas_id: str, segment_id: str, version: int) -> None:
    """Save the form; ``version`` is the design's version the form was drawn from (0: none yet)."""
    state = st.session_state
    prefix = f"rel_{segment_id}"
    values = form_values(state, prefix)

    def action(db):
        try:
            design, fixed = RelationshipDesign.from_form(**values)
        except ValidationError as error:
            raise describe_validation_error(error) from None
        except ValueError as error:
            raise InvalidInput(str(error)) from None
        storage.save_relationship(session=db, canvas_id=canvas_id, expected_version=version,
                                  segment_id=segment_id, design=design, author=current_author())
        return design, fixed

    saved = frame.act(action, done="Relationship saved")
    if saved is not None:
        design, fixed = saved
        state.update(form_state(design, prefix))  # the form shows what was saved, not what was typed
        if fixed:
            frame.flash("info", fixed)


def dismiss(canvas_id: str, rule_id: str, segment_id: str | None, key: str) -> None:
    frame.act(lambda db: storage.dismiss_finding(
        session=db, canvas_id=canvas_id, rule_id=rule_id, segment_id=segment_id,
        reason=st.session_state[key] or "", author=current_author(),
    ), done="Finding dismissed; your reason is saved with the canvas")


def bring_back(canvas_id: str, dismissed_id: int) -> None:
    frame.act(lambda db: storage.restore_finding(
        session=db, canvas_id=canvas_id, dismissed_id=dismissed_id, author=current_author(),
    ), done="Finding brought back")


# --- Drawing ----------------------------------------------------------------------------------

def draw_coach(board: storage.Board, document: dict) -> None:
    names = {s.id: s.name for s in board.segments}
    found = coach.findings(document)
    with st.container(border=True, key="rel_coach"):
        title = f"Coach: {len(found)} finding{'s' if len(found) != 1 else ''}" if found else "Coach: no findings"
        st.markdown(f"#### :material/psychology: {title}")
        if not found:
            st.caption("The design avoids the common mistakes the coach knows. Link customer data to check it "
                       "against real numbers.")
        for finding in found:
            label = markup.finding_label(finding.severity, finding.title,
                                         [names.get(s, s) for s in finding.segment_ids])
            with st.expander(label):
                markup.show(st, markup.finding_details_markdown(finding.rule_id, finding.why, finding.action))
                segment_id = coach.dismiss_segment(finding)
                key = f"rel_dismiss_{finding.rule_id}_{segment_id or 'all'}"
                if not access.can_edit(board.canvas.id):  # a view link: the finding, no form
                    continue
                with st.form(key, border=False):
                    st.text_input("Reason for dismissing", key=f"{key}_reason", max_chars=500,
                                  placeholder="e.g. Gift buyers are one-off by design")
                    st.form_submit_button("Dismiss", on_click=dismiss,
                                          args=(board.canvas.id, finding.rule_id, segment_id, f"{key}_reason"))
        if board.dismissed:
            with st.expander(f"Dismissed ({len(board.dismissed)})", icon=":material/visibility_off:"):
                for item in board.dismissed:
                    who = names.get(item.segment_id, "whole canvas") if item.segment_id else "whole canvas"
                    row = st.container(horizontal=True, vertical_alignment="center")
                    markup.show(row, markup.dismissed_markdown(item.rule_id, who, item.reason), width="stretch")
                    row.button("Bring back", key=f"rel_undismiss_{item.id}", on_click=bring_back,
                               args=(board.canvas.id, item.id), disabled=not access.can_edit(board.canvas.id))


def draw_design_form(board: storage.Board, segment) -> None:
    canvas_id = board.canvas.id
    design = board.relationships.get(segment.id)
    current = (RelationshipDesign() if design is None
               else RelationshipDesign.model_validate(design, from_attributes=True))
    prefix = f"rel_{segment.id}"
    channels = {n.id: n.text for n in board.notes[Block.CHANNELS]}
    currency = board.canvas.currency
    initial = form_state(current, prefix)
    initial[f"{prefix}_channels"] = [c for c in current.channel_note_ids if c in channels]  # notes deleted since
    for key, value in initial.items():
        st.session_state.setdefault(key, value)
    with st.form(prefix, border=False):
        left, right = st.columns(2, gap="large")
        with left:
            st.multiselect(
                "Relationship types", list(RELATIONSHIP_TYPES), format_func=type_label, key=f"{prefix}_types",
                wrap=True, help="\n".join(
                    f"- **{t.label}**: {t.what} *e.g. {t.example}*" for t in RELATIONSHIP_TYPES.values()
                ),
            )
            st.selectbox("Primary type", list(RELATIONSHIP_TYPES), index=None, format_func=type_label,
                         key=f"{prefix}_primary", placeholder="The main way you relate to this segment")
            st.markdown("**Focus** (percent of the relationship effort; adds up to 100)")
            a, r, u = st.columns(3)
            a.number_input("Acquisition", 0, 100, step=5, key=f"{prefix}_focus_acquisition")
            r.number_input("Retention", 0, 100, step=5, key=f"{prefix}_focus_retention")
            u.number_input("Upselling", 0, 100, step=5, key=f"{prefix}_focus_upselling")
            c1, c2 = st.columns(2, vertical_alignment="bottom")  # a label that wraps keeps the inputs level
            c1.number_input(f"Cost per customer a month ({currency})", min_value=0.0, max_value=1e9, step=0.5,
                            key=f"{prefix}_cost_customer")
            c2.number_input(f"Fixed cost a month ({currency})", min_value=0.0, max_value=1e9, step=100.0,
                            key=f"{prefix}_cost_fixed")
            total = total_monthly_cost(current, segment.estimated_size)
            st.caption(f"Total: {money(total, currency)} a month for ~{segment.estimated_size or 0:,} customers "
                       "(saved values; the segment's size is set on the board).")
            st.multiselect("Channels it runs through", list(channels), format_func=lambda n: channels[n][:60],
                           key=f"{prefix}_channels", wrap=True, help="Picked from the Channels block's notes.")
            st.text_area("What competitors offer this segment", max_chars=TEXT_MAX_CHARS,
                         key=f"{prefix}_competitors", height=80)
        with right:
            st.markdown("**Plan for each lifecycle stage**")
            for stage, label in LIFECYCLE_STAGES.items():
                st.text_area(label, max_chars=TEXT_MAX_CHARS, key=f"{prefix}_stage_{stage}", height=68)
        with st.expander("Key questions", icon=":material/help:",
                         expanded=len(current.answers) < len(KEY_QUESTIONS) and design is not None):
            for key, question in KEY_QUESTIONS.items():
                st.text_area(question, max_chars=TEXT_MAX_CHARS, key=f"{prefix}_answer_{key}", height=68)
        st.markdown("**Targets** (leave empty for no target)")
        targets = target_inputs(currency)
        for first in range(0, len(targets), TARGET_COLUMNS):
            columns = st.columns(TARGET_COLUMNS, vertical_alignment="bottom")
            for column, target in zip(columns, targets[first:first + TARGET_COLUMNS]):
                column.number_input(target.label, target.low, target.high, None, step=target.step,
                                    key=f"{prefix}_target_{target.key}")
        st.form_submit_button(f"Save relationship with {markup.literal(segment.name)}", type="primary",
                              on_click=save_design,
                              args=(canvas_id, segment.id, design.version if design is not None else 0))


# --- Page -------------------------------------------------------------------------------------

with frame.session() as db:
    canvas = frame.page_heading(db, "Customer Relationships", "for each segment, the relationship, what it costs, "
                                                           "and what it aims at.")
    board = storage.load_board(session=db, canvas_id=canvas.id, author=current_author())
    document = canvas_document(db, board.canvas)
frame.remember_version(board.canvas)
frame.show_flash()
live.watch(board.canvas)  # others' changes redraw the page (ui/live.py)

if not board.segments:
    st.info("This canvas has no customer segments yet. Add them in the Customer Segments block of the board; "
            "each segment gets its own relationship here.")
    st.page_link("pages/board.py", label="Open the board", icon=":material/dashboard:",
                 query_params={"canvas": board.canvas.id})
    st.stop()

draw_coach(board, document)

st.subheader("All segments side by side")
channel_names = {n.id: n.text for n in board.notes[Block.CHANNELS]}
comparison = comparison_columns(board.segments, board.relationships, channel_names, board.canvas.currency)
# Segments as columns: a handful of them fit at 1024 px, where sixteen columns of figures did not.
# st.table renders Markdown in every cell and header, so user text is escaped.
st.table(pd.DataFrame({markup.literal(name): {row: markup.literal(text) for row, text in column.items()}
                       for name, column in comparison.items()}), border="horizontal", width="content")
if board.relationships:
    st.plotly_chart(relationship_charts.relationship_spectrum(board.segments, board.relationships),
                    width="stretch", key="rel_chart_spectrum")  # full width: six labelled types
    costs, totals = st.columns(2)
    currency = board.canvas.currency
    costs.plotly_chart(relationship_charts.cost_vs_retention(board.segments, board.relationships, currency),
                       width="stretch", key="rel_chart_cost_retention")
    totals.plotly_chart(relationship_charts.relationship_costs(board.segments, board.relationships, currency),
                        width="stretch", key="rel_chart_costs")

if not access.can_edit(board.canvas.id):  # a view link: the comparison above, no design forms
    st.stop()
st.subheader("Design each relationship")
with st.expander("The six relationship types", icon=":material/menu_book:"):
    st.table(pd.DataFrame([{"Type": t.label, "What it is": t.what, "Example": t.example}
                           for t in RELATIONSHIP_TYPES.values()]).set_index("Type"))
for tab, segment in zip(st.tabs([markup.literal(s.name) for s in board.segments]), board.segments):
    with tab:
        draw_design_form(board, segment)
