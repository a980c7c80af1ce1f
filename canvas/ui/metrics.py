"""The metrics page's data: ``analytics.service`` results cached per canvas data and filters.

Cached per canvas data fingerprint (``linked.data_key``) and filters. The caches hand out the
cached results themselves, not pickled copies (a million rows would be copied on every rerun):
every result is a frozen dataclass whose frames and mappings callers only read, so sharing one
between sessions is safe. The data page warms the caches when a dataset is confirmed; the CLV
fit runs on one background thread (a thread-safe executor, shared on purpose).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date

import plotly.graph_objects as go
import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx

from canvas.analytics import service
from canvas.analytics.filters import Filters, apply_filters
from canvas.analytics.predictive import PredictiveCLV, predictive_clv
from canvas.analytics.segments import Measures, PrimaryTypes
from canvas.customer_data import linked
from canvas.ui import frame
from canvas.ui.charts import metrics as mc

log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False, max_entries=4)
def linked_frames(canvas_id: str, key: str) -> service.LinkedFrames | None:
    """The canvas's linked data, prepared once (filters take subsets); None without transactions.
    ``key`` is the data's fingerprint: new data, new entry."""
    with frame.session() as db:
        data = linked.load_canvas_data(session=db, canvas_id=canvas_id)
    return service.linked_frames(data)


@st.cache_resource(show_spinner=False, max_entries=8)
def metrics_of(canvas_id: str, key: str, filters: Filters) -> service.MetricsResult | None:
    """Everything the page draws for one selection; None when it has no orders."""
    frames = linked_frames(canvas_id, key)
    return None if frames is None else service.metrics_of(frames, filters)


@st.cache_resource(show_spinner=False, max_entries=16)
def retention_charts(canvas_id: str, key: str, filters: Filters, colours: tuple[tuple[str, str], ...],
                     currency: str) -> tuple[go.Figure, ...]:
    """The Retention section's four figures for one selection (cohorts, curves, active and churn,
    layer cake), built once: building them took most of a cached rerun's server time. Shared like
    the results (``st.plotly_chart`` only reads a figure). ``colours``: (segment, hex) pairs."""
    result = metrics_of(canvas_id, key, filters)
    if result is None:
        return ()
    figures = result.figures
    return (mc.cohort_heatmap(figures.cohorts), mc.retention_curves(dict(result.curves), dict(colours)),
            mc.active_and_churn(figures.active, figures.retention), mc.layer_cake(figures.layer_cake, currency))


@st.cache_resource(show_spinner=False, max_entries=8)
def type_figures(canvas_id: str, key: str, filters: Filters, types: PrimaryTypes) -> Mapping[str, Measures]:
    """Figures per primary relationship type (keyed by the canvas's current primary types too)."""
    result = metrics_of(canvas_id, key, filters)
    return {} if result is None else service.type_figures(result, types)


@st.cache_resource(show_spinner=False)
def _model_fits() -> ThreadPoolExecutor:
    """One worker thread for model fits, so a page draws its other charts meanwhile."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="clv-fit")


@st.cache_resource(show_spinner=False, max_entries=8)
def clv_fit(canvas_id: str, key: str, start: date | None, end: date | None) -> Future[PredictiveCLV]:
    """Predictive CLV of every customer in the date range, fitted in the background: one model
    for all segments (the segment filter then picks customers; the granularity does not matter
    to it). The page asks for it early and waits for it (``predictive``) where its charts are."""
    frames = linked_frames(canvas_id, key)
    tx = None if frames is None else apply_filters(frames.transactions, Filters(start, end))
    return _model_fits().submit(predictive_clv, tx)


def predictive(canvas_id: str, key: str, start: date | None, end: date | None) -> PredictiveCLV:
    """The fit of ``clv_fit``, waited for. A failed fit is logged, its cache entry (this canvas
    data and range only) is dropped so the next visit tries again, and the result falls back
    to historical CLV with the reason."""
    try:
        return clv_fit(canvas_id, key, start, end).result()
    except Exception as error:  # noqa: BLE001 - the page goes on with historical CLV, and says why
        log.exception("predictive CLV fit failed for canvas %s", canvas_id)
        clv_fit.clear(canvas_id, key, start, end)
        return PredictiveCLV.unavailable(f"The model could not be fitted ({error}).")


def warm(canvas_id: str) -> None:
    """Compute in a background thread what the metrics page shows first for this canvas, so the
    first visit after an upload is served from the caches. A failure is logged; the visit then
    computes again and shows it."""

    def run() -> None:
        try:
            with frame.session() as db:
                datasets, _, key = linked.describe(session=db, canvas_id=canvas_id)
            if "transactions" in datasets:
                clv_fit(canvas_id, key, None, None)
                metrics_of(canvas_id, key, Filters())
        except Exception:  # noqa: BLE001 - only a head start: logged, and the page reports it itself
            log.exception("warming the metrics of canvas %s failed", canvas_id)

    # Not a daemon: at exit Python waits for it (a few seconds at most) instead of killing it in
    # the middle of NumPy or Arrow code, which aborts the process.
    thread = threading.Thread(target=run, name="warm-metrics")
    add_script_run_ctx(thread)  # the caches belong to this app's runtime
    thread.start()
