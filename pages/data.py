"""Customer data: upload an export, confirm its columns, check it, link it to the segments."""

import hashlib

import streamlit as st

from canvas import ingest, store, ui
from canvas.datalink import UNASSIGNED, segment_values, suggest_links
from canvas.render import escape_text

KIND_LABELS = {
    "transactions": "Transactions (orders)",
    "surveys": "Survey responses (NPS / CSAT)",
    "spend": "Acquisition spend",
    "customers": "Customers file (customer → segment)",
}
NONE = "— not in the file —"


@st.cache_data(show_spinner=False, max_entries=8)
def read_upload(digest: str, name: str, content: bytes) -> ingest.RawTable:
    """Parse an upload once per file content (reruns on every widget interaction)."""
    return ingest.read_table(content, filename=name)


@st.cache_data(show_spinner=False, max_entries=8)
def check_upload(digest: str, name: str, content: bytes, kind: str, mapping: tuple) -> ingest.IngestResult:
    return ingest.ingest(read_upload(digest, name, content), kind, dict(mapping))

ui.page_frame("data")
ui.inject_css()


def save(canvas_id: str, kind: str, digest: str, name: str, content: bytes, mapping: tuple, links: dict) -> None:
    result = check_upload(digest, name, content, kind, mapping)

    def action(db):
        return store.save_dataset(session=db, canvas_id=canvas_id, kind=kind, frame=result.frame, filename=name,
                                  mapping=dict(mapping), report=result.report.to_dict(), segment_links=links)

    if ui.act(action, done=f"{KIND_LABELS[kind]} saved and linked to the canvas"):
        # A new key gives a fresh, empty uploader (its value cannot be set directly).
        st.session_state["data_upload_round"] = st.session_state.get("data_upload_round", 0) + 1
        ui.warm_metrics(canvas_id)  # the metrics page's figures, computed while the founder reads on


def delete(canvas_id: str, dataset_id: str) -> None:
    ui.act(lambda db: store.delete_dataset(session=db, canvas_id=canvas_id, dataset_id=dataset_id),
           done="Dataset deleted")


def relink(canvas_id: str, dataset_id: str, values: list[str]) -> None:
    links = {v: st.session_state[f"data_relink_{dataset_id}_{i}"] or "" for i, v in enumerate(values)}
    if ui.act(lambda db: store.link_dataset_segments(session=db, canvas_id=canvas_id, dataset_id=dataset_id,
                                                      segment_links=links), done="Segment links saved"):
        ui.warm_metrics(canvas_id)


def link_widgets(prefix: str, values: list[str], segments: dict[str, str], current: dict[str, str]) -> dict[str, str]:
    """One select box per segment value in the data: which canvas segment it belongs to."""
    options = [""] + list(segments)
    chosen = {}
    for i, value in enumerate(values[:50]):
        default = current.get(value, "")
        chosen[value] = st.selectbox(
            value, options, index=options.index(default) if default in options else 0,
            format_func=lambda sid: segments.get(sid, UNASSIGNED), key=f"{prefix}_{i}",
        )
    if len(values) > 50:
        st.caption(f"{len(values) - 50} more values are linked by name or go to {UNASSIGNED}.")
        chosen.update({v: current.get(v, "") for v in values[50:]})
    return chosen


def show_report(report: dict) -> None:
    kept, read = report.get("rows_kept", 0), report.get("rows_read", 0)
    st.markdown(f"**{kept:,} of {read:,} rows kept.**")
    notes = [f"{k.replace('_', ' ')}: {v}" for k, v in report.get("detected", {}).items() if v not in (None, "")]
    if notes:
        st.caption(escape_text(" · ".join(notes)), unsafe_allow_html=True)  # escape_text: values come from the file
    for problem in report.get("problems", []):
        lines = ", ".join(str(n) for n in problem.get("lines", []))
        more = problem.get("count", 0) - len(problem.get("lines", []))
        text = f"{problem.get('message', problem.get('kind'))}: {problem.get('count', 0):,} rows (lines {lines}"
        text += f" and {more:,} more)" if more > 0 else ")"
        st.warning(escape_text(text), icon=":material/rule:")


# --- Page -------------------------------------------------------------------------------------

with ui.session() as db:
    canvas = ui.page_heading(db, "Customer data", "your own transactions, survey scores and acquisition spend, "
                                                  "linked to the canvas's segments.")
    datasets = store.list_datasets(session=db, canvas_id=canvas.id)
    segments = {s.id: s.name for s in store.list_segments(session=db, canvas_id=canvas.id)}
ui.show_flash()

st.subheader("Linked to this canvas")
if not datasets:
    st.info("No data yet. Upload a transactions export below (Shopify, Stripe, an accounting tool or a "
            "spreadsheet: CSV, Excel or Parquet).")
for kind, dataset in datasets.items():
    with st.container(border=True, key=f"data_set_{kind}"):
        row = st.container(horizontal=True, vertical_alignment="center")
        row.markdown(
            f"**{KIND_LABELS[kind]}** · {escape_text(dataset.filename)} · {dataset.rows:,} rows · "
            f"uploaded {dataset.created_at:%d %b %Y %H:%M} UTC", unsafe_allow_html=True, width="stretch",
        )  # escape_text on the file name
        row.button("Delete", icon=":material/delete:", key=f"data_delete_{dataset.id}", on_click=delete,
                   args=(canvas.id, dataset.id))
        if dataset.segment_links:
            with st.expander("Segment links", icon=":material/link:"):
                values = list(dataset.segment_links)
                with st.form(f"data_relink_{dataset.id}", border=False):
                    link_widgets(f"data_relink_{dataset.id}", values, segments, dataset.segment_links)
                    st.form_submit_button("Save links", on_click=relink, args=(canvas.id, dataset.id, values))
        with st.expander("Validation report", icon=":material/fact_check:"):
            show_report(dataset.report)

st.subheader("Upload")
kind = st.radio("What is in the file?", list(KIND_LABELS), format_func=KIND_LABELS.get, horizontal=True,
                key="data_kind")
upload = st.file_uploader("File", type=["csv", "tsv", "txt", "xlsx", "parquet"],
                          key=f"data_upload_{st.session_state.get('data_upload_round', 0)}",
                          help="Delimiter, encoding, decimal commas and date formats are detected.")
if upload is None:
    st.stop()

content = upload.getvalue()
digest = hashlib.sha256(content).hexdigest()
try:
    with st.spinner(f"Reading {upload.name} ({len(content) / 1e6:,.1f} MB)…"):
        raw = read_upload(digest, upload.name, content)
except ingest.IngestError as error:
    st.error(str(error), icon=":material/error:")
    st.stop()

st.markdown("**Columns** — guessed from the headers and the data; correct them if needed.")
guessed = ingest.guess_mapping(raw, kind)
columns = [NONE] + list(raw.columns)
mapping = {}
fields = ingest.KINDS[kind]
for column, field in zip(st.columns(len(fields)), fields):
    name, label, required = field.name, field.label, field.required
    default = guessed.get(name)
    choice = column.selectbox(f"{label}{' *' if required else ''}", columns,
                              index=columns.index(default) if default in columns else 0,
                              key=f"data_map_{digest[:12]}_{kind}_{name}")
    mapping[name] = None if choice == NONE else choice
frozen = tuple(sorted(mapping.items()))
try:
    with st.spinner("Checking every row…"):
        result = check_upload(digest, upload.name, content, kind, frozen)
except ingest.IngestError as error:
    st.error(str(error), icon=":material/error:")
    st.stop()

show_report(result.report.to_dict())
if len(result.rejected):
    st.download_button("Download the rejected rows (CSV)", result.rejected.to_csv(index=False).encode(),
                       file_name=f"rejected-{upload.name}.csv", mime="text/csv", icon=":material/download:")
st.dataframe(result.frame.head(20), hide_index=True, width="stretch")

links: dict[str, str] = {}
values = segment_values(result.frame)
if values:
    st.markdown("**Segments** — which canvas segment each value in the file belongs to "
                f"(the rest go to {UNASSIGNED}).")
    links = link_widgets(f"data_link_{digest[:12]}", values, segments, suggest_links(values, segments))
if not len(result.frame):
    st.error("No row of this file can be used: see the report above, fix the file and upload it again.")
    st.stop()
replaces = f" (replaces {datasets[kind].filename})" if kind in datasets else ""
st.button(f"Confirm and save {len(result.frame):,} rows{replaces}", type="primary", icon=":material/check:",
          key="data_confirm", on_click=save, args=(canvas.id, kind, digest, upload.name, content, frozen, links))
