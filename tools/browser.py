"""Drive the real app in headless Chromium: start `streamlit run`, open pages, wait for them.

Used by the browser tests, the screenshot tool and the page benchmarks. Follows Streamlit's own
end-to-end suite: headless server, poll /_stcore/health, then wait for the app to be connected
and its script to have finished before looking at anything.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CANVAS_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling out, which this machine refuses.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
CONNECTED = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"
NOT_RUNNING = "[data-test-script-state='notRunning']"
SKELETON = "[data-testid='stSkeleton']"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(database_url: str, *, port: int | None = None, timeout: float = 60,
                cpus: str | None = None) -> Iterator[str]:
    """Start the app on ``database_url``; yields its base URL and stops it afterwards.

    ``cpus`` (e.g. "0") pins the server to those CPUs with ``taskset``, for benchmarks that keep
    the browser off them. The server's output goes to ``streamlit-<port>.log`` in the temporary
    folder (a pipe nobody reads would fill up and stall the server at its next log line).
    """
    port = port or free_port()
    log_path = Path(tempfile.gettempdir()) / f"streamlit-{port}.log"
    log = log_path.open("wb")
    env = dict(os.environ, CANVAS_DATABASE_URL=database_url)
    pin = ["taskset", "-c", cpus] if cpus else []
    process = subprocess.Popen(
        [*pin, sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         # The code under test stays as it was at start: no re-import when a source file is saved.
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(process, base, timeout, what=f"streamlit on port {port}", log=log_path)
        yield base
    finally:
        stop(process)
        log.close()


def wait_healthy(process: subprocess.Popen, base: str, timeout: float, *, what: str, log: Path) -> None:
    """Wait until ``base``/_stcore/health answers (the app, or a proxy in front of it); raise with
    the server's log when ``process`` ends or ``timeout`` seconds pass first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer:\n{log.read_text(errors='replace')}")
        time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    """Ask a server started here to stop; kill it if it has not within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def launch(playwright):
    """A headless Debian Chromium (never a downloaded browser build)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def wait_for_app(page, timeout_ms: int = 30_000) -> None:
    """Wait until the app is connected, its script has finished and what it drew is painted.

    After a click this may look before the rerun the click asks for has started: a test then
    waits for what it expects to see with ``expect()``, and calls this to let the page settle.
    """
    from playwright.sync_api import expect  # here: starting the app needs no Playwright

    expect(page.locator(CONNECTED)).to_be_attached(timeout=timeout_ms)
    expect(page.locator(NOT_RUNNING)).to_be_attached(timeout=timeout_ms)
    page.wait_for_load_state("networkidle", timeout=timeout_ms)  # lazily loaded parts (Plotly)
    # Elements whose code is still loading show a grey Suspense placeholder: wait until none is left.
    expect(page.locator(SKELETON)).to_have_count(0, timeout=timeout_ms)
    painted(page)


def painted(page) -> None:
    """Wait for the browser to paint what the page holds now (two animation frames)."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def wait_until_still(locator, timeout_ms: int = 10_000) -> None:
    """Wait until ``locator``'s element stops moving (same place on two animation frames): after
    a scroll, or while something above it is still being laid out."""
    locator.page.wait_for_function(
        """element => {
             const tops = window.__lastTops ??= new WeakMap();
             const top = element.getBoundingClientRect().top;
             const still = tops.get(element) === top;
             tops.set(element, top);
             return still;
           }""",
        arg=locator.element_handle(timeout=timeout_ms), polling="raf", timeout=timeout_ms,
    )
