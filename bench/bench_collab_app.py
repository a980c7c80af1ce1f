"""Collaboration benchmark through the app: a workshop room of phones on one app server.

    python -m bench.bench_collab_app [--participants 30] [--notes 20] [--seconds 60]
                                     [--database-url URL] [--pin]

Issue 12, "Speed and scale": ``--participants`` people add ``--notes`` notes each within
``--seconds`` seconds through the app, each in a browser of their own (a Playwright context at
phone size, 390 x 844) on the workshop's participant view, while the facilitator's screen is
open in one more. All pages live in one headless Chromium driven by asyncio; each participant
adds a note, waits until it shows on their own phone, and adds the next at its next slot (one
every ``seconds / notes`` seconds, participants staggered evenly).

Measured:
- every note stored exactly once (counted in the database);
- time to store a note: from the click on "Add note" (a capturing listener in the page) to the
  note on the participant's own screen (a MutationObserver in the page): the rerun finished;
- time to see it on another screen: from that click to the note on the facilitator's screen;
- the app server's CPU (time used / wall time, over the adding, and the busiest second) and its
  resident memory (with all sessions open; the peak from the kernel's high-water mark), read
  from /proc for the ``streamlit run`` process.

The workshop (private mode, the first block open for an hour) and its participants are made
through ``canvas.workshop.store`` before the pages open, and each browser gets its participant's
token as the cookie the join form would have written: joining is not what is measured.

With ``--pin`` (on a machine of two or more cores with nothing else running) the app server runs
on CPU 0 and this script with Chromium on the others, so the server's figures are its own. SQLite in a
temporary folder by default; ``--database-url`` for PostgreSQL (an empty or migrated database).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, select

from canvas import storage
from canvas.domain.models import CanvasCreate
from canvas.domain.workshop_models import WorkshopNote
from canvas.ui.workshop.tokens import GUEST_COOKIE, HOST_COOKIE, cookie_value
from canvas.workshop import store as workshops
from tools.browser import CHROMIUM, CHROMIUM_ARGS, CONNECTED, NOT_RUNNING, free_port, running_app

PHONE = {"width": 390, "height": 844}

# In every page: when each note text ("Idea 07-13") first shows, and when "Add note" was clicked.
WATCH_SCRIPT = r"""
window.__seen = {};
window.__waiters = {};  // text -> resolve of a promise the script awaits (no polling)
window.__clicks = [];
document.addEventListener('click', event => {
  if (event.target.closest && event.target.closest('button')?.innerText.includes('Add note')) {
    const box = document.querySelector('textarea[aria-label="Your idea"]');
    window.__clicks.push([box ? box.value : '', Date.now()]);
  }
}, true);
const look = node => {
  // Shown text only: what is typed in a box (the note about to be sent) is not a note on screen.
  const element = node.nodeType === 1 ? node : node.parentElement;
  if (element?.closest('textarea, input')) return;
  let text = node.textContent || '';
  if (node.nodeType === 1) for (const box of node.querySelectorAll('textarea')) text = text.replace(box.textContent, '');
  for (const match of text.matchAll(/Idea \d\d-\d\d/g)) {
    if (!(match[0] in window.__seen)) {
      window.__seen[match[0]] = Date.now();
      window.__waiters[match[0]]?.();
    }
  }
};
new MutationObserver(records => {
  for (const record of records) {
    for (const node of record.addedNodes) look(node);
    if (record.type === 'characterData') look(record.target);
  }
}).observe(document, {childList: true, subtree: true, characterData: true});
"""


SHOWN = "t => window.__seen[t] || new Promise(done => { window.__waiters[t] = done; })"


def note_text(participant: int, number: int) -> str:
    return f"Idea {participant:02d}-{number:02d}"


# --- The app server's process -----------------------------------------------------------------

def server_pid(port: int) -> int:
    """The ``streamlit run`` process listening on ``port`` (found by its command line)."""
    wanted = f"--server.port\0{port}\0".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"streamlit" in cmdline and wanted in cmdline:
                return int(entry.name)
    raise RuntimeError(f"no streamlit process on port {port}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process (all its threads), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident now, resident peak) in MB, from the kernel's VmRSS and VmHWM."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


@dataclass
class Sampler:
    """Samples the server's CPU use every second on a thread, between ``start`` and ``stop``."""

    pid: int
    busiest: float = 0.0  # the highest CPU share of one second (1.0 = one core)
    rss_max: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        self.started_at, self.cpu_at_start = time.monotonic(), cpu_seconds(self.pid)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        last_t, last_cpu = self.started_at, self.cpu_at_start
        while not self._stop.wait(1.0):
            now, cpu = time.monotonic(), cpu_seconds(self.pid)
            self.busiest = max(self.busiest, (cpu - last_cpu) / (now - last_t))
            self.rss_max = max(self.rss_max, memory_mb(self.pid)[0])
            last_t, last_cpu = now, cpu

    def stop(self) -> float:
        """Stop; the mean CPU share since ``start``."""
        self._stop.set()
        self._thread.join()
        return (cpu_seconds(self.pid) - self.cpu_at_start) / (time.monotonic() - self.started_at)


# --- The workshop -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Room:
    workshop_id: str
    facilitator_token: str
    participant_tokens: list[str]


def make_room(database_url: str, participants: int) -> Room:
    engine = storage.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        canvas = storage.create_canvas(session=session, data=CanvasCreate(name="Workshop benchmark"))
        started = workshops.start_workshop(session=session, canvas_id=canvas.id, private=True)
        workshops.open_block(session=session, workshop_id=started.workshop_id,
                             facilitator_token=started.facilitator_token, minutes=60)
        tokens = [workshops.join_workshop(session=session, code=started.code, name=f"P{n:02d}").token
                  for n in range(participants)]
    engine.dispose()
    return Room(started.workshop_id, started.facilitator_token, tokens)


def stored_counts(database_url: str, workshop_id: str) -> Counter[str]:
    engine = storage.make_engine(database_url, migrate_schema=False)
    with Session(engine) as session:
        texts = session.exec(select(WorkshopNote.text).where(WorkshopNote.workshop_id == workshop_id)).all()
    engine.dispose()
    return Counter(texts)


# --- The browsers -------------------------------------------------------------------------------

async def open_page(browser, base: str, cookie: tuple[str, str], room: Room, viewport: dict, *, phone: bool):
    context = await browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
    name, value = cookie
    await context.add_cookies([{"name": name, "value": value, "url": base}])
    await context.add_init_script(WATCH_SCRIPT)
    page = await context.new_page()
    page.set_default_timeout(300_000)  # a busy machine: setup may be slow; measured steps have their own
    await page.goto(f"{base}/workshop?workshop={room.workshop_id}", wait_until="commit")
    await page.locator(CONNECTED).wait_for(state="attached")
    await page.locator(NOT_RUNNING).wait_for(state="attached")
    return page


async def participant(page, number: int, notes: int, start: float, interval: float, offset: float,
                      errors: list[str]) -> None:
    box = page.get_by_label("Your idea")
    await box.wait_for()
    for i in range(notes):
        await asyncio.sleep(max(0.0, start + offset + i * interval - time.time()))
        text = note_text(number, i)
        await box.fill(text)
        await page.get_by_role("button", name="Add note").click()
        try:  # on their own phone before the next one (as a person would look before typing on)
            await asyncio.wait_for(page.evaluate(SHOWN, text), timeout=60)
        except Exception as error:  # noqa: BLE001 - counted and reported, the run goes on
            errors.append(f"{text}: {type(error).__name__} {error}")


def percentiles(ms: list[float]) -> str:
    if not ms:
        return "no data"
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"p50 {statistics.median(ms):7.0f} ms   p95 {p95:7.0f} ms   max {ms[-1]:7.0f} ms   (n={len(ms)})"


async def run(args: argparse.Namespace, database_url: str) -> None:
    from playwright.async_api import async_playwright

    room = make_room(database_url, args.participants)
    port = free_port()
    pin = args.pin and (os.cpu_count() or 1) >= 2
    with running_app(database_url, port=port, cpus="0" if pin else None) as base:
        pid = server_pid(port)
        if pin:  # this script and the Chromium it starts: every CPU but the server's
            os.sched_setaffinity(0, set(range(1, os.cpu_count() or 2)))
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            idle_rss = memory_mb(pid)[0]
            opening = time.monotonic()
            host = await open_page(browser, base, (HOST_COOKIE, cookie_value(room.workshop_id,
                                   room.facilitator_token)), room, {"width": 1440, "height": 1000}, phone=False)
            arriving = asyncio.Semaphore(args.arriving)  # a room trickles in, a few at a time

            async def phone(token: str):
                async with arriving:
                    return await open_page(browser, base, (GUEST_COOKIE, cookie_value(room.workshop_id, token)),
                                           room, PHONE, phone=True)

            phones = await asyncio.gather(*(phone(token) for token in room.participant_tokens))
            print(f"{len(phones)} phones and the facilitator's screen open in {time.monotonic() - opening:.0f} s")
            await asyncio.sleep(5)  # let the sessions settle into their one-second refresh
            open_rss = memory_mb(pid)[0]
            idle_cpu = cpu_seconds(pid)
            await asyncio.sleep(5)
            idle_share = (cpu_seconds(pid) - idle_cpu) / 5

            sampler = Sampler(pid)
            sampler.start()
            errors: list[str] = []
            interval = args.seconds / args.notes
            start = time.time() + 1
            began = time.monotonic()
            await asyncio.gather(*(
                participant(page, n, args.notes, start, interval, interval * n / len(phones), errors)
                for n, page in enumerate(phones)
            ))
            wall = time.monotonic() - began
            await asyncio.sleep(3)  # the facilitator's screen: its last refresh
            mean_share = sampler.stop()
            rss_now, rss_peak = memory_mb(pid)

            clicks = [await page.evaluate("window.__clicks") for page in phones]
            own = [await page.evaluate("window.__seen") for page in phones]
            other = await host.evaluate("window.__seen")
            await browser.close()

    store_ms, see_ms, unseen = [], [], 0
    clicked: dict[str, list[float]] = {}  # note text -> when "Add note" was clicked with it in the box
    for page_clicks in clicks:
        for text, at in page_clicks:
            clicked.setdefault(text, []).append(at)
    for seen in own:
        for text, times in clicked.items():
            if text in seen:
                store_ms.append(seen[text] - times[0])
    for text, times in clicked.items():
        if text in other:
            see_ms.append(other[text] - times[0])
        else:
            unseen += 1
    counts = stored_counts(database_url, room.workshop_id)
    expected = {note_text(n, i) for n in range(args.participants) for i in range(args.notes)}
    twice = [text for text, count in counts.items() if count > 1]
    missing = expected - set(counts)

    load = os.getloadavg()
    print(f"\nMachine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {load[0]:.1f} / {load[1]:.1f} (1 / 5 min); "
          f"server {'on CPU 0, browsers on the rest' if pin else 'unpinned'}; "
          f"database {database_url.split(':', 1)[0]}")
    print(f"{args.participants} participants x {args.notes} notes, one every {interval:.1f} s each: "
          f"adding took {wall:.1f} s (asked: {args.seconds} s)")
    print(f"stored: {sum(counts.values())} of {len(expected)} notes, {len(twice)} twice, {len(missing)} missing; "
          f"{len(errors)} not seen by their author within 60 s, {unseen} never on the facilitator's screen")
    clicks_total = sum(len(times) for times in clicked.values())
    twice_clicked = [text for text, times in clicked.items() if len(times) > 1]
    print(f"clicks on 'Add note': {clicks_total} ({len(twice_clicked)} notes clicked more than once); "
          f"notes stored twice though clicked once: {len([t for t in twice if t not in twice_clicked])}")
    print(f"time to store a note (click -> on own screen): {percentiles(store_ms)}")
    print(f"time to see it on another screen (click -> facilitator's): {percentiles(see_ms)}")
    print(f"app server CPU while adding: mean {mean_share:.0%} of a core, busiest second {sampler.busiest:.0%}; "
          f"idle with every session open: {idle_share:.0%}")
    print(f"app server memory (RSS): {idle_rss:.0f} MB before the sessions, {open_rss:.0f} MB with "
          f"{len(phones) + 1} open, {max(rss_now, sampler.rss_max):.0f} MB at the most while adding; "
          f"peak {rss_peak:.0f} MB")
    for line in errors[:5]:
        print("  ", line.splitlines()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--notes", type=int, default=20, help="notes per participant")
    parser.add_argument("--seconds", type=float, default=60, help="time for each participant's notes")
    parser.add_argument("--arriving", type=int, default=5, help="pages opening at once (setup only)")
    parser.add_argument("--database-url", help="default: SQLite in a temporary folder")
    parser.add_argument("--pin", action="store_true",
                        help="keep the app server on CPU 0 and the browsers off it (a machine of your own)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault(storage.DATA_DIR_ENV, os.path.join(folder, "data"))
        url = args.database_url or f"sqlite:///{folder}/bench.db"
        asyncio.run(run(args, url))


if __name__ == "__main__":
    main()
