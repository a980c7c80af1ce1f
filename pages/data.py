"""Customer data: upload an export, confirm its columns, check it, link it to the segments."""

from collections.abc import Mapping

import streamlit as st

from canvas import storage
from canvas.customer_data import ingest, stream
from canvas.customer_data.linking import UNASSIGNED, LinkSuggestion, segment_values, suggest
from canvas.ui import frame, markup
from canvas.ui import metrics as metrics_cache
from canvas.ui.data import (
    KIND_LABELS,
    BigCheck,
    check_upload,
    detected_notes,
    is_big,
    link_key,
    preview_columns,
    read_big_head,
    read_upload,
    spooled,
    start_big_check,
    upload_digest,
)
from canvas.ui.markup import escape_text

NONE = "— not in the file —"
SHOWN_LINKS = 50  # select boxes drawn; the rest of the values keep their suggestion
DUPLICATES = {False: "Count them as separate orders", True: "Drop them"}
PREVIEW_ROW_PX = 35  # st.dataframe's default row (and header) height
SAVED = "data_saved"  # (canvas id, kind label, rows) of the dataset saved last, for the way onward
REJECTED_DOWNLOAD_BYTES = 50_000_000  # a bigger CSV of rejected rows is not offered (the report has their lines)

frame.page_frame("data")
frame.inject_css()


def save(canvas_id: str, kind: str, name: str, mapping: tuple, rows: dict, report: dict, count: int,
         prefix: str, suggested: dict[str, str], shown: list[str]) -> None:
    """Store the checked rows (``rows``: ``frame=`` a DataFrame, or ``parquet=`` the file a chunked
    check wrote) with the links the founder confirmed."""
    # What the founder saw and confirmed in the select boxes; values past SHOWN_LINKS keep their suggestion.
    confirmed = {v: st.session_state.get(link_key(prefix, v)) or "" for v in shown}
    links = {**suggested, **confirmed}

    def action(db):
        return storage.save_dataset(session=db, canvas_id=canvas_id, kind=kind, filename=name, mapping=dict(mapping),
                                    report=report, segment_links=links, confirmed_links=confirmed, **rows)

    if frame.act(action):
        # A new key gives a fresh, empty uploader (its value cannot be set directly).
        st.session_state["data_upload_round"] = st.session_state.get("data_upload_round", 0) + 1
        st.session_state[SAVED] = (canvas_id, KIND_LABELS[kind], count)
        metrics_cache.warm(canvas_id)  # the metrics page's figures, computed while the founder reads on


def delete(canvas_id: str, dataset_id: str) -> None:
    frame.act(lambda db: storage.delete_dataset(session=db, canvas_id=canvas_id, dataset_id=dataset_id),
           done="Dataset deleted")


def relink(canvas_id: str, dataset_id: str, values: list[str]) -> None:
    prefix = f"data_relink_{dataset_id}"
    links = {v: st.session_state.get(link_key(prefix, v)) or "" for v in values}
    if frame.act(lambda db: storage.link_dataset_segments(session=db, canvas_id=canvas_id, dataset_id=dataset_id,
                                                      segment_links=links), done="Segment links saved"):
        metrics_cache.warm(canvas_id)


def link_widgets(prefix: str, values: list[str], segments: Mapping[str, str],
                 suggestions: Mapping[str, LinkSuggestion], *, explain: bool = True) -> list[str]:
    """One select box per segment value in the data (which canvas segment it belongs to), set to
    its suggestion, with the reason beside it when ``explain``. Returns the values drawn."""
    options = [""] + list(segments)
    shown = values[:SHOWN_LINKS]
    for value in shown:
        suggestion = suggestions.get(value, LinkSuggestion(value))
        default = suggestion.segment_id
        box, why = st.columns([3, 2], vertical_alignment="bottom")
        box.selectbox(
            markup.literal(value), options, index=options.index(default) if default in options else 0,
            format_func=lambda sid: segments.get(sid, UNASSIGNED), key=link_key(prefix, value),
        )  # literal: the label is a value from the file
        if not explain:
            continue
        if suggestion.remembered:
            why.caption(":material/history: Suggested: you linked this before.")
        elif suggestion.reason:
            why.caption(f":material/auto_awesome: Suggested: {markup.literal(suggestion.reason + '.')}")
        else:
            why.caption(f"No convincing match: pick a segment, or leave it {UNASSIGNED}.")
    if len(values) > SHOWN_LINKS:
        st.caption(f"{len(values) - SHOWN_LINKS} more values keep their suggested link or go to {UNASSIGNED}.")
    return shown


def show_report(report: dict) -> None:
    kept, read = report.get("rows_kept", 0), report.get("rows_read", 0)
    st.markdown(f"**{kept:,} of {read:,} rows kept.**")
    notes = detected_notes(report)
    if notes:
        markup.show(st, escape_text(notes), caption=True)  # escape_text: values come from the file
    if report.get("reconciliation"):
        markup.show(st, escape_text(report["reconciliation"]), caption=True)
    for problem in report.get("problems", []):
        st.warning(markup.literal(ingest.entry_sentence(problem)), icon=":material/rule:")
    for notice in report.get("notices", []):
        st.info(markup.literal(notice["text"]), icon=":material/info:")


@st.fragment(run_every=1)
def big_check_progress(check: BigCheck) -> None:
    """The chunked check's progress, redrawn every second; the page reruns when it is done."""
    if check.done:
        st.rerun()
    progress = check.progress
    if progress is None:
        st.progress(0.0, text="Checking every row, a million at a time: starting…")
    else:
        st.progress(progress.fraction, text=markup.literal(f"Checking every row, a million at a time: "
                                                           f"{progress.sentence()}"))


# --- Page -------------------------------------------------------------------------------------

with frame.session() as db:
    canvas = frame.page_heading(db, "Customer data", "your own transactions, survey scores and acquisition spend, "
                                                  "linked to the canvas's segments.")
    datasets = storage.list_datasets(session=db, canvas_id=canvas.id)
    segments = {s.id: s.name for s in storage.list_segments(session=db, canvas_id=canvas.id)}
    remembered = storage.remembered_links(session=db, canvas_id=canvas.id)
frame.show_flash()

st.subheader("Linked to this canvas")
if not datasets:
    st.info("No data yet. Upload a transactions export below (Shopify, Stripe, an accounting tool or a "
            "spreadsheet: CSV, Excel or Parquet).")
for kind, dataset in datasets.items():
    with st.container(border=True, key=f"data_set_{kind}"):
        row = st.container(horizontal=True, vertical_alignment="center")
        markup.show(row, markup.dataset_markdown(KIND_LABELS[kind], dataset.filename, dataset.rows,
                                                 dataset.created_at), width="stretch")
        row.button("Delete", icon=":material/delete:", key=f"data_delete_{dataset.id}", on_click=delete,
                   args=(canvas.id, dataset.id))
        if dataset.segment_links:
            with st.expander("Segment links", icon=":material/link:"):
                values = list(dataset.segment_links)
                current = {v: LinkSuggestion(v, sid) for v, sid in dataset.segment_links.items()}
                # A form: choosing reruns nothing, so no redraw can swallow the next click.
                with st.form(f"data_relink_{dataset.id}", border=False):
                    link_widgets(f"data_relink_{dataset.id}", values, segments, current, explain=False)
                    st.form_submit_button("Save links", on_click=relink, args=(canvas.id, dataset.id, values))
        with st.expander("Validation report", icon=":material/fact_check:"):
            show_report(dataset.report)

# Where the founder is after confirming (the page keeps its scroll position): under their datasets.
saved = st.session_state.get(SAVED)
if saved and saved[0] == canvas.id:
    with st.container(border=True, horizontal=True, vertical_alignment="center", key="data_saved_box"):
        markup.show(st, markup.dataset_saved_markdown(saved[1], saved[2], canvas.name), width="stretch")
        st.page_link("pages/metrics.py", label="**See the metrics**", icon=":material/monitoring:",
                     query_params={"canvas": canvas.id})

st.subheader("Upload")
kind = st.radio("What is in the file?", list(KIND_LABELS), format_func=KIND_LABELS.get, horizontal=True,
                key="data_kind")
upload = st.file_uploader("File", type=["csv", "tsv", "txt", "xlsx", "parquet"],
                          key=f"data_upload_{st.session_state.get('data_upload_round', 0)}",
                          help="Delimiter, encoding, decimal commas and date formats are detected.",
                          on_change=lambda: st.session_state.pop(SAVED, None))
if upload is None:
    st.stop()

digest = upload_digest(upload)
big = is_big(upload)  # checked in chunks in the background, with its progress shown
try:
    with st.spinner(markup.literal(f"Reading {upload.name} ({upload.size / 1e6:,.1f} MB)…")):
        if big:
            spool = spooled(upload, digest)
            raw = read_big_head(digest, upload.name, spool)
        else:
            content = upload.getvalue()
            raw = read_upload(digest, upload.name, content)
except ingest.IngestError as error:
    st.error(markup.literal(str(error)), icon=":material/error:")
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
drop_duplicates = False
if kind == "transactions":
    drop_duplicates = st.radio(
        "Rows that repeat an earlier row exactly", list(DUPLICATES), format_func=DUPLICATES.get, horizontal=True,
        key=f"data_duplicates_{digest[:12]}",
        help="Without an order id each row is one order, so a repeated row counts as a second order with the "
             "same customer, day and amount. Drop them only if you know your export repeats rows by mistake.",
    )
rejected: bytes | None = None
if big:
    check = start_big_check(digest, upload.name, spool, kind, frozen, drop_duplicates)
    if not check.done:
        big_check_progress(check)
        st.stop()
    if check.error is not None or check.result is None:
        st.error(markup.literal(check.error or ""), icon=":material/error:")
        st.stop()
    streamed = check.result
    report, count, rows = streamed.report.to_dict(), streamed.rows, {"parquet": streamed.path}
    if streamed.rejected_path is not None and streamed.rejected_path.stat().st_size <= REJECTED_DOWNLOAD_BYTES:
        rejected = streamed.rejected_path.read_bytes()
    preview = stream.preview(streamed.path)
    values = stream.segment_values_of(streamed.path)
else:
    try:
        with st.spinner("Checking every row…"):
            result = check_upload(digest, upload.name, content, kind, frozen, drop_duplicates)
    except ingest.IngestError as error:
        st.error(markup.literal(str(error)), icon=":material/error:")
        st.stop()
    report, count, rows = result.report.to_dict(), len(result.frame), {"frame": result.frame}
    if len(result.rejected):
        rejected = result.rejected.to_csv(index=False).encode()
    preview = result.frame.head(20)
    values = segment_values(result.frame)

show_report(report)
if rejected is not None:
    st.download_button("Download the rejected rows (CSV)", rejected, file_name=f"rejected-{upload.name}.csv",
                       mime="text/csv", icon=":material/download:")
# A fixed height, so the placeholder shown while the table's code loads takes the table's room: a
# 40 px placeholder growing to the table under the founder's pointer moved the link select boxes
# 200 px down, and the first click landed where a box had been.
st.dataframe(preview, hide_index=True, width="stretch", column_config=preview_columns(preview),
             height=PREVIEW_ROW_PX * (len(preview) + 1) + 3)
if not count:
    st.error("No row of this file can be used: see the report above, fix the file and upload it again.")
    st.stop()

suggestions = suggest(values, segments, remembered)
prefix = f"data_link_{digest[:12]}"
replaces = f" (replaces {markup.literal(datasets[kind].filename)})" if kind in datasets else ""
# A form: choosing a link reruns nothing, so no redraw can swallow the click on the next box.
with st.form(f"data_confirm_{digest[:12]}", border=False):
    shown: list[str] = []
    if values:
        st.markdown("**Segments** — which canvas segment each value in the file belongs to. The suggestions are "
                    "set for you to check; what you confirm is remembered for the canvas's next upload.")
        shown = link_widgets(prefix, values, segments, suggestions)
    st.form_submit_button(
        f"Confirm and save {count:,} rows{replaces}", type="primary", icon=":material/check:",
        key="data_confirm", on_click=save,
        args=(canvas.id, kind, upload.name, frozen, rows, report, count, prefix,
              {v: s.segment_id for v, s in suggestions.items()}, shown),
    )
