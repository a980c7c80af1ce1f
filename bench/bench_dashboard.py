"""Benchmark: the metrics page in headless Chromium with a 1M-row dataset linked.

    .venv/bin/python -m bench.bench_dashboard [--rows 1000000] [--repeat 3]

Builds, in a temporary folder, a SQLite database holding the demo canvas whose transactions are
replaced by about ``rows`` generated orders (about 170k customers in the demo's three segments,
over the demo's two years), stored through the same path as an upload. Then starts
``streamlit run`` on it and, in Debian's headless Chromium, measures from the user's action until
the script has finished and every Plotly chart on the page is drawn:

- first load: a fresh server (modules not imported yet, nothing cached) opening the metrics page,
  and a running server (warmed up on another canvas) opening this dataset's page the first time;
- filter changes: picking one segment, switching the granularity, narrowing the dates;
- a reload of a view already seen (served from the cache);
- opening the page right after confirming an upload on the data page (which warms the caches in
  the background), at once and after 5 s of reading the report.

Each filter change is a view not seen before on that server: the repeats cycle through
different segments and date ranges.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from playwright.sync_api import sync_playwright

from tools.browser import launch, running_app

ROOT = Path(__file__).resolve().parents[1]

SEGMENTS = ("Home brewers", "Office teams", "Gift buyers")
DONE = """(expected) => {
    const app = document.querySelector('[data-testid=stApp]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (document.querySelector('[data-testid=stSkeleton]')) return false;
    const charts = [...document.querySelectorAll('[data-testid=stPlotlyChart]')];  // each one drawn
    return charts.length >= expected && charts.every(chart => chart.querySelector('.main-svg'));
}"""


def build(folder: Path, rows: int) -> tuple[str, str]:
    """The demo canvas with ``rows`` generated transactions linked, and a copy of the demo with its
    own small demo data (to warm a server up); returns the database URL and the copy's id."""
    os.environ["CANVAS_DATA_DIR"] = str(folder / "data")
    url = f"sqlite:///{folder / 'bench.db'}"
    from sqlmodel import Session

    from canvas import storage
    from canvas.customer_data import ingest
    from canvas.customer_data.linking import segment_values, suggest_links
    from canvas.library.demo import DEMO_CANVAS_ID, create_demo, load_demo_data
    from tools.simulation import simulate_transactions

    engine = storage.make_engine(url)
    tx = simulate_transactions(int(rows * 0.17), r=0.8, alpha=7.5, a=0.6, b=3.5, p=6.25, q=3.74,
                               v=15.44, start="2024-11-01", end="2026-10-31", segments=SEGMENTS, seed=3)
    tx["date"] = tx["date"].dt.floor("s")
    csv = folder / "transactions.csv"
    tx[["customer_id", "date", "amount", "segment"]].to_csv(csv, index=False)
    started = time.perf_counter()
    result = ingest.load(csv)
    print(f"dataset: {len(result.frame):,} rows, {result.frame['customer_id'].nunique():,} customers "
          f"(ingested in {time.perf_counter() - started:.1f} s)")
    with Session(engine) as session:
        create_demo(session=session)
        load_demo_data(session=session, canvas_id=DEMO_CANVAS_ID)  # surveys and spend of the demo
        small = storage.duplicate_canvas(session=session, canvas_id=DEMO_CANVAS_ID, name="Warm-up").id
        load_demo_data(session=session, canvas_id=small)
        names = {s.id: s.name for s in storage.list_segments(session=session, canvas_id=DEMO_CANVAS_ID)}
        storage.save_dataset(session=session, canvas_id=DEMO_CANVAS_ID, kind="transactions", frame=result.frame,
                           filename=csv.name, mapping=ingest.guess_mapping(ingest.read_table(csv), "transactions"),
                           report=result.report.to_dict(),
                           segment_links=suggest_links(segment_values(result.frame), names))
    engine.dispose()
    return url, small


WATCH = """() => {
    window.__reran = false; window.__ranFor = 0; window.__t0 = performance.now();
    const app = document.querySelector('[data-testid=stApp]');
    new MutationObserver(() => {
        const state = app.getAttribute('data-test-script-state');
        if (state === 'running') { window.__reran = true; window.__runStart = performance.now(); }
        else if (window.__runStart) { window.__ranFor += performance.now() - window.__runStart; window.__runStart = 0; }
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def timed(page, action, expected_charts: int, *, navigates: bool = False) -> tuple[float, float | None]:
    """Seconds from ``action`` until the rerun it causes has finished and every chart is drawn,
    and (in-page actions) the seconds the page showed the script as running.

    In-page actions: an observer set before the action records the script starting, so a fast
    rerun is not mistaken for none. Navigations start from an empty page, so no observer is needed.
    """
    if not navigates:
        page.evaluate(WATCH)
    started = time.perf_counter()
    action()
    if not navigates:
        page.wait_for_function("window.__reran === true", timeout=30_000, polling=10)
    page.wait_for_function(DONE, arg=expected_charts, timeout=120_000, polling=10)
    total = time.perf_counter() - started
    return total, None if navigates else page.evaluate("window.__ranFor") / 1000


def pick_segment(page, name: str):
    def action():
        box = page.get_by_role("combobox", name="Segments")
        box.click()
        page.get_by_role("option", name=name).click()
        page.keyboard.press("Escape")
    return action


def clear_segments(page):
    return lambda: page.locator("[data-testid=stMultiSelect] [aria-label='Clear all']").first.click()


def set_period(page, label: str):
    return lambda: page.locator("[data-testid=stButtonGroup] button", has_text=label).click()


def server_times(url: str, data_dir: str) -> dict[str, float]:
    """The same steps in AppTest: the server's script time alone, without a browser competing
    for the two cores (a fresh process, so nothing is cached; modules are imported first)."""
    code = f"""
import os, sys, time, json
os.environ["CANVAS_DATABASE_URL"] = {url!r}
os.environ["CANVAS_DATA_DIR"] = {data_dir!r}
# imports are not the page's work
import canvas.analytics.service, canvas.analytics.clv, plotly.graph_objects, scipy.optimize
from streamlit.testing.v1 import AppTest
app = AppTest.from_file({str(ROOT / "app.py")!r}, default_timeout=300)
app.query_params["canvas"] = "demo-kettle-crema"
app.run()
app.switch_page("pages/metrics.py")
out = {{}}
def step(name, change=None):
    started = time.perf_counter()
    (change() if change else app).run()
    assert not app.exception, app.exception
    out[name] = time.perf_counter() - started
step("first load")
step("filter: pick one segment", lambda: app.multiselect(key="met_segments").set_value(["Office teams"]))
step("filter: granularity to quarter", lambda: app.segmented_control(key="met_period").set_value("quarter"))
step("filter: back to all segments", lambda: app.multiselect(key="met_segments").set_value([]))
app.session_state["section"] = "What-if"  # the charts are in sections behind tabs: open the what-if
app.run()
step("what-if: retention slider", lambda: app.slider(key="met_wi_retention").set_value(2.0))
print(json.dumps(out))
"""
    import json
    import subprocess

    answer = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(answer.stdout.strip().splitlines()[-1])


def upload(page, base: str, path: Path) -> None:
    """Replace the canvas's transactions through the data page, as a founder does; returns once
    the dataset is saved (the page then warms the metrics caches in the background)."""
    page.goto(f"{base}/data?canvas=demo-kettle-crema")
    page.wait_for_selector("[data-testid='stFileUploaderDropzoneInput']", state="attached", timeout=60_000)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    button = page.get_by_role("button", name=re.compile(r"^Confirm and save"))
    button.wait_for(timeout=120_000)
    button.click()
    page.get_by_role("link", name="See the metrics").wait_for(timeout=120_000)  # shown once saved


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--split-cpus", action="store_true",
                        help="server on CPU 0, this script and Chromium on CPU 1: as if the browser were "
                             "on the founder's own computer")
    args = parser.parse_args()
    server_cpus = None
    if args.split_cpus:
        os.sched_setaffinity(0, {1})  # Chromium, started later, inherits it
        server_cpus = "0"
    results: dict[str, list[tuple[float, float | None]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        url, small = build(Path(tmp), args.rows)
        server: dict[str, list[float]] = {}
        for _ in range(args.repeat):
            for step, seconds in server_times(url, str(Path(tmp) / "data")).items():
                server.setdefault(step, []).append(seconds)
        record = lambda step, value: results.setdefault(step, []).append(value)  # noqa: E731
        for attempt in range(args.repeat):
            with running_app(url, timeout=120, cpus=server_cpus) as base, sync_playwright() as playwright:
                browser = launch(playwright)
                page = browser.new_page(viewport={"width": 1440, "height": 1000})
                page_url = f"{base}/metrics?canvas=demo-kettle-crema"
                charts = 4  # the open section's (Retention): the others are drawn when their tab is opened
                record("first load, fresh server (imports, no cache)", timed(page, lambda: page.goto(page_url),
                                                                              charts, navigates=True))
                segment = SEGMENTS[attempt % len(SEGMENTS)]
                record("filter: pick one segment", timed(page, pick_segment(page, segment), charts))
                record("filter: granularity to quarter", timed(page, set_period(page, "Quarter"), charts))
                record("filter: back to all segments", timed(page, clear_segments(page), charts))
                start = pd.Timestamp("2025-05-01") + pd.Timedelta(days=7 * attempt)
                dates = f"{page_url}&from={start:%Y-%m-%d}&to=2026-09-30"
                record("shared link with a date range (uncached)", timed(page, lambda: page.goto(dates), charts,
                                                                         navigates=True))
                record("reload of a view already seen (cached)", timed(page, lambda: page.goto(page_url), charts,
                                                                       navigates=True))
                browser.close()
            for pause in (0, 5):
                with running_app(url, timeout=120, cpus=server_cpus) as base, sync_playwright() as playwright:
                    browser = launch(playwright)
                    page = browser.new_page(viewport={"width": 1440, "height": 1000})
                    upload(page, base, Path(tmp) / "transactions.csv")
                    page.wait_for_timeout(pause * 1000)  # the founder reads the report, or not
                    record(f"open right after confirming an upload, {pause} s later", timed(
                        page, lambda: page.goto(f"{base}/metrics?canvas=demo-kettle-crema"), charts, navigates=True))
                    browser.close()
            with running_app(url, timeout=120, cpus=server_cpus) as base, sync_playwright() as playwright:
                browser = launch(playwright)
                page = browser.new_page(viewport={"width": 1440, "height": 1000})
                timed(page, lambda: page.goto(f"{base}/metrics?canvas={small}"), charts, navigates=True)
                record("first load, running server (no cache)", timed(
                    page, lambda: page.goto(f"{base}/metrics?canvas=demo-kettle-crema"), charts, navigates=True))
                browser.close()
    print(f"\nServer script time (AppTest, no browser; median of {args.repeat})")
    for step, values in server.items():
        print(f"{step:<44} {statistics.median(values):7.2f}")
    print(f"\n{'In Chromium':<44} {'median':>7} {'max':>7} {'script':>7}   "
          f"(seconds; {args.repeat} runs, fresh server each; script = time shown as running)")
    for step, values in results.items():
        totals = [v[0] for v in values]
        scripts = [v[1] for v in values if v[1] is not None]
        script = f"{statistics.median(scripts):7.2f}" if scripts else f"{'':>7}"
        print(f"{step:<44} {statistics.median(totals):7.2f} {max(totals):7.2f} {script}")


if __name__ == "__main__":
    main()
