"""Benchmark: the four dashboard targets of issue 15 in one run, in Debian's headless Chromium.

    .venv/bin/python -m bench.bench_pages [--rows 1000000] [--repeat 5]

On the demo canvas with about ``rows`` generated transactions linked (``bench_dashboard.build``),
one ``streamlit run`` server, one Chromium; each figure is the median of ``--repeat`` runs, with
min and max:

- a filter change on the metrics page (pick a segment, granularity to quarter, back to month, back
  to all segments), from the click until the rerun has finished and every chart on the page is
  drawn; the first picks of each segment compute, the later ones come from the cache;
- the metrics page opened from a fresh tab on the running server (after the server has shown this
  view once: its figures are cached, the tab's session is new), and the first open of the dataset
  on that server, nothing cached (one figure per run, listed apart);
- every other page opened from a fresh tab until its script has finished and it is drawn;
- a board interaction: opening a block's Add popover (a rerun), and adding a note until it is drawn.

Targets (issue 15): filter change < 1 s (aim 0.5 s), metrics from a fresh tab < 3 s, any other
page < 2 s, a board interaction < 300 ms. Prints the machine and ``/proc/loadavg`` before and after.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.bench_dashboard import SEGMENTS, WATCH, build
from tools.browser import launch, running_app

DEMO = "demo-kettle-crema"
PAGES = ("", "relationships", "data", "library", "history", "workshop")  # "" is the board
TARGETS = {"filter": 1.0, "metrics": 3.0, "page": 2.0, "board": 0.3}
# Drawn: connected, the script finished, no placeholder left, the page's heading there, and every
# Plotly chart on the page drawn (at least ``expected`` of them).
DRAWN = """(expected) => {
    const app = document.querySelector('[data-testid=stApp]');
    if (!app || app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
    if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (document.querySelector('[data-testid=stSkeleton]')) return false;
    if (!document.querySelector('[data-testid=stMain] h1')) return false;
    const charts = [...document.querySelectorAll('[data-testid=stPlotlyChart]')];  // each one drawn
    return charts.length >= expected && charts.every(chart => chart.querySelector('.main-svg'));
}"""


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return f"{os.cpu_count()} cores ({cpu}), {memory / 2**20:.0f} GB, Python {platform.python_version()}"


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().strip()


def wait_drawn(page, expected: int = 0) -> None:
    page.wait_for_function(DRAWN, arg=expected, timeout=600_000, polling=10)


def fresh_tab(context, url: str, expected: int = 0) -> float:
    """Seconds from opening ``url`` in a new tab until it is drawn; the tab is closed after."""
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    wait_drawn(page, expected)
    seconds = time.perf_counter() - started
    page.close()
    return seconds


def rerun(page, action, until=None) -> float:
    """Seconds from ``action`` until the rerun it causes has finished and the page is drawn (and
    ``until``, a locator, is visible)."""
    page.evaluate(WATCH)
    started = time.perf_counter()
    action()
    page.wait_for_function("window.__reran === true", timeout=300_000, polling=10)
    if until is not None:
        until.wait_for(timeout=300_000)
    wait_drawn(page)
    return time.perf_counter() - started


def filter_steps(page, attempt: int) -> dict[str, float]:
    def pick():  # the list is opened before the clock starts: the pick is the change
        page.get_by_role("option", name=SEGMENTS[attempt % len(SEGMENTS)]).click()
        page.keyboard.press("Escape")

    def period(label):
        return lambda: page.locator("[data-testid=stButtonGroup] button", has_text=label).click()

    def clear():
        page.locator("[data-testid=stMultiSelect] [aria-label='Clear all']").first.click()

    page.get_by_role("combobox", name="Segments").click()
    page.get_by_role("option").first.wait_for()
    return {"filter: pick one segment": rerun(page, pick),
            "filter: granularity to quarter": rerun(page, period("Quarter")),
            "filter: granularity back to month": rerun(page, period("Month")),
            "filter: back to all segments": rerun(page, clear)}


def board_steps(page, attempt: int) -> dict[str, float]:
    block = page.locator(".st-key-board_block_key_partners")
    body = page.locator("[data-testid='stPopoverBody']").last
    opened = rerun(page, lambda: block.get_by_role("button", name="Add").click(), until=body)
    text = f"Bench note {attempt}"
    body.get_by_label("Note").fill(text)
    added = rerun(page, lambda: body.get_by_role("button", name="Add note").click(),
                  until=block.get_by_text(text).first)
    return {"board: open a block's Add popover": opened, "board: add a note until drawn": added}


def measure(url: str, repeat: int, results: dict[str, list[float]], once: dict[str, float]) -> None:
    """Fills ``results`` (step -> seconds of each repeat) and ``once`` (step -> seconds) as it goes."""

    def record(step: str, seconds: float) -> None:
        results.setdefault(step, []).append(seconds)

    with running_app(url, timeout=300) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        fresh_tab(context, f"{base}/library")  # imports and the browser's cache of the app's code
        metrics = f"{base}/metrics?canvas={DEMO}"
        once["metrics: first open of the dataset, nothing cached"] = fresh_tab(context, metrics, 1)
        for _ in range(repeat):
            record("metrics: fresh tab, running server", fresh_tab(context, metrics, 1))
        page = context.new_page()
        page.goto(metrics)
        wait_drawn(page, 1)
        for attempt in range(repeat):
            for step, seconds in filter_steps(page, attempt).items():
                record(step, seconds)
        page.close()
        for path in PAGES:
            for _ in range(repeat):
                record(f"page: {path or 'board'}, fresh tab", fresh_tab(context, f"{base}/{path}?canvas={DEMO}"))
        page = context.new_page()
        page.goto(f"{base}/?canvas={DEMO}")
        wait_drawn(page)
        for attempt in range(repeat):
            for step, seconds in board_steps(page, attempt).items():
                record(step, seconds)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"load before: {loadavg()}")
    results: dict[str, list[float]] = {}
    once: dict[str, float] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            url, _ = build(Path(tmp), args.rows)
            measure(url, args.repeat, results, once)
    finally:  # what was measured, even when a step failed
        report(results, once)


def report(results: dict[str, list[float]], once: dict[str, float]) -> None:
    print(f"load after:  {loadavg()}")
    print(f"\n{'step (seconds)':<52} {'median':>7} {'min':>7} {'max':>7} {'target':>7}")
    for step, values in results.items():
        target = TARGETS[step.split(":")[0]]
        median = statistics.median(values)
        print(f"{step:<52} {median:7.2f} {min(values):7.2f} {max(values):7.2f} {target:7.1f}"
              f"{'' if median < target else '  missed'}")
    for step, seconds in once.items():
        print(f"{step:<52} {seconds:7.2f}   (once)")


if __name__ == "__main__":
    main()
