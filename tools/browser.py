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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(database_url: str, *, port: int | None = None, timeout: float = 60,
                cpus: str | None = None) -> Iterator[str]:
    """Start the app on ``database_url``; yields its base URL and stops it afterwards.

    ``cpus`` (e.g. "0") pins the server to those CPUs with ``taskset``, for benchmarks that keep
    the browser off them.
    """
    port = port or free_port()
    env = dict(os.environ, CANVAS_DATABASE_URL=database_url)
    pin = ["taskset", "-c", cpus] if cpus else []
    process = subprocess.Popen(
        [*pin, sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode(errors="replace") if process.stdout else ""
                raise RuntimeError(f"streamlit did not start on port {port}:\n{output}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def launch(playwright):
    """A headless Debian Chromium (never a downloaded browser build)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def wait_for_app(page, timeout_ms: int = 30_000) -> None:
    """Wait until the app is connected and its script has finished running."""
    page.wait_for_selector(CONNECTED, timeout=timeout_ms)
    page.wait_for_selector(NOT_RUNNING, timeout=timeout_ms)
    page.wait_for_load_state("networkidle", timeout=timeout_ms)  # lazily loaded parts (Plotly)
    # Elements whose code is still loading show a grey Suspense placeholder: wait until none is left.
    page.wait_for_function("!document.querySelector('[data-testid=stSkeleton]')", timeout=timeout_ms)
    page.wait_for_timeout(300)  # let the last deltas paint
