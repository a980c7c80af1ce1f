"""Collaboration benchmark through the app: a workshop room of phones on one app server.

    python -m bench.bench_collab_app [--participants 30] [--notes 20] [--seconds 60]
                                     [--open] [--database-url URL] [--pin]

Issue 12, "Speed and scale": ``--participants`` people add ``--notes`` notes each within
``--seconds`` seconds through the app, each in a session of their own on the workshop's
participant view, while the facilitator's screen is open in headless Chromium. Each participant
adds a note, waits until it is on their own phone, and adds the next at its next slot (one every
``seconds / notes`` seconds, participants staggered evenly).

The phones are ``bench.ws_session.WsSession`` sessions: the app's own websocket protocol, spoken
by this script (the page's run requests, widget values, button presses and the one-second
fragment reruns the server asks for), without drawing anything. Thirty Chromium pages on a
two-core machine measured Chromium: they took minutes to open and starved the server. The
facilitator's screen is a real page, so "seen on another screen" includes the browser's drawing.

The workshop is in private mode by default (silent brainstorming: the phones see only their own
notes, the facilitator sees all); ``--open`` starts it without, so every note goes to every phone
too (each note then reruns thirty-one sessions).

Measured:
- every note stored exactly once (counted in the database);
- time to store a note: from the press of "Add note" leaving the phone to the note's text arriving
  back on that phone (the rerun finished, without a browser's drawing);
- time to see it on another screen: from that press to the note on the facilitator's screen (a
  MutationObserver in the page); with ``--open``, also to the note arriving on every other phone;
- the app server's CPU (time used / wall time, over the adding, and the busiest second) and its
  resident memory (with all sessions open; the peak from the kernel's high-water mark), read
  from /proc for the ``streamlit run`` process.

The workshop (the first block open for an hour) and its participants are made through
``canvas.workshop.store`` before the sessions open, and each session gets its participant's token
as the cookie the join form would have written: joining is not what is measured.

With ``--pin`` (on a machine of two or more cores) the app server runs on CPU 0 and this script
with Chromium on the others, so the server's figures are its own. SQLite in a temporary folder by
default; ``--database-url`` for PostgreSQL (an empty or migrated database).
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import platform
import re
import statistics
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, select

from bench.ws_session import WsSession
from canvas import storage
from canvas.domain.models import CanvasCreate
from canvas.domain.workshop_models import WorkshopNote
from canvas.ui.workshop.tokens import GUEST_COOKIE, HOST_COOKIE, cookie_value
from canvas.workshop import store as workshops
from tools.browser import CHROMIUM, CHROMIUM_ARGS, CONNECTED, NOT_RUNNING, free_port, running_app

# In the facilitator's page: when each note text ("Idea 07-13") is first drawn.
WATCH_SCRIPT = r"""
window.__seen = {};
const look = node => {
  for (const match of (node.textContent || '').matchAll(/Idea \d\d-\d\d/g)) {
    if (!(match[0] in window.__seen)) window.__seen[match[0]] = Date.now();
  }
};
new MutationObserver(records => {
  for (const record of records) {
    for (const node of record.addedNodes) look(node);
    if (record.type === 'characterData') look(record.target);
  }
}).observe(document, {childList: true, subtree: true, characterData: true});
"""


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


def make_room(database_url: str, participants: int, *, private: bool = True) -> Room:
    engine = storage.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        canvas = storage.create_canvas(session=session, data=CanvasCreate(name="Workshop benchmark"))
        started = workshops.start_workshop(session=session, canvas_id=canvas.id, private=private)
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

NOTE_PATTERN = re.compile(r"Idea \d\d-\d\d")


async def open_page(browser, base: str, cookie: tuple[str, str], room: Room, viewport: dict):
    context = await browser.new_context(viewport=viewport)
    name, value = cookie
    await context.add_cookies([{"name": name, "value": value, "url": base}])
    await context.add_init_script(WATCH_SCRIPT)
    page = await context.new_page()
    page.set_default_timeout(300_000)  # a busy machine: setup may be slow; measured steps have their own
    await page.goto(f"{base}/workshop?workshop={room.workshop_id}", wait_until="commit")
    await page.locator(CONNECTED).wait_for(state="attached")
    await page.locator(NOT_RUNNING).wait_for(state="attached")
    return page


@dataclass
class Phone:
    """A participant's session and when each note text first arrived on it."""

    number: int
    session: WsSession
    seen: dict[str, float] = field(default_factory=dict)
    pressed: list[tuple[str, float]] = field(default_factory=list)  # (text sent, when)
    waiters: dict[str, asyncio.Event] = field(default_factory=dict)

    def saw(self, body: str, at: float) -> None:
        # As sent: Markdown-escaped ("Idea 01\\-02") or HTML-escaped ("Idea 01&#45;02").
        for text in NOTE_PATTERN.findall(html.unescape(body.replace("\\", ""))):
            if text not in self.seen:
                self.seen[text] = at
                if text in self.waiters:
                    self.waiters[text].set()


async def open_phone(base: str, room: Room, number: int) -> Phone:
    token = room.participant_tokens[number]
    phone = Phone(number, None)  # type: ignore[arg-type]
    phone.session = WsSession(base, "workshop", query=f"workshop={room.workshop_id}",
                              cookies={GUEST_COOKIE: cookie_value(room.workshop_id, token)}, on_text=phone.saw)
    await phone.session.open()
    phone.session.find("text_area", "Your idea")  # the phone view, not a join form or an error
    return phone


async def participant(phone: Phone, notes: int, start: float, interval: float, offset: float,
                      errors: list[str]) -> None:
    for i in range(notes):
        await asyncio.sleep(max(0.0, start + offset + i * interval - time.time()))
        text = note_text(phone.number, i)
        phone.waiters[text] = asyncio.Event()
        phone.pressed.append((text, time.time()))
        await phone.session.type_and_click("Your idea", text, "Add note")
        try:  # on their own phone before the next one (as a person would look before typing on)
            await asyncio.wait_for(phone.waiters[text].wait(), timeout=60)
        except TimeoutError:
            errors.append(f"{text}: not back on its author's phone within 60 s")


def percentiles(ms: list[float]) -> str:
    if not ms:
        return "no data"
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"p50 {statistics.median(ms):7.0f} ms   p95 {p95:7.0f} ms   max {ms[-1]:7.0f} ms   (n={len(ms)})"


async def run(args: argparse.Namespace, database_url: str) -> None:
    from playwright.async_api import async_playwright

    room = make_room(database_url, args.participants, private=not args.open)
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
            host_cookie = (HOST_COOKIE, cookie_value(room.workshop_id, room.facilitator_token))
            if args.facilitator_protocol:  # the server's part of "seen", without the browser's drawing
                host = Phone(-1, WsSession(base, "workshop", query=f"workshop={room.workshop_id}",
                                           cookies=dict([host_cookie])))
                host.session.on_text = host.saw
                await host.session.open()
            else:
                host = await open_page(browser, base, host_cookie, room, {"width": 1440, "height": 1000})
            arriving = asyncio.Semaphore(args.arriving)  # a room trickles in, a few at a time

            async def arrive(number: int) -> Phone:
                async with arriving:
                    return await open_phone(base, room, number)

            phones = await asyncio.gather(*(arrive(n) for n in range(args.participants)))
            print(f"{len(phones)} phones and the facilitator's screen open in {time.monotonic() - opening:.0f} s")
            await asyncio.sleep(5)  # let the sessions settle into their one-second ticks
            open_rss = memory_mb(pid)[0]
            idle_cpu = cpu_seconds(pid)
            await asyncio.sleep(10)
            idle_share = (cpu_seconds(pid) - idle_cpu) / 10

            sampler = Sampler(pid)
            sampler.start()
            errors: list[str] = []
            interval = args.seconds / args.notes
            start = time.time() + 1
            began = time.monotonic()
            await asyncio.gather(*(
                participant(phone, args.notes, start, interval, interval * n / len(phones), errors)
                for n, phone in enumerate(phones)
            ))
            wall = time.monotonic() - began
            await asyncio.sleep(5)  # the last notes reach the other screens
            mean_share = sampler.stop()
            rss_now, rss_peak = memory_mb(pid)
            if isinstance(host, Phone):
                other = {text: at * 1000 for text, at in host.seen.items()}
                await host.session.close()
            else:
                other = await host.evaluate("window.__seen")
            for phone in phones:
                await phone.session.close()
            await browser.close()

    pressed = {text: at * 1000 for phone in phones for text, at in phone.pressed}  # ms, as the page's clock
    store_ms = [phone.seen[text] * 1000 - pressed[text] for phone in phones for text, _ in phone.pressed
                if text in phone.seen]
    see_ms = [other[text] - at for text, at in pressed.items() if text in other]
    unseen = len([text for text in pressed if text not in other])
    phones_ms = [phone.seen[text] * 1000 - at for text, at in pressed.items() for phone in phones
                 if text in phone.seen and not text.startswith(f"Idea {phone.number:02d}-")]
    counts = stored_counts(database_url, room.workshop_id)
    expected = {note_text(n, i) for n in range(args.participants) for i in range(args.notes)}
    twice = [text for text, count in counts.items() if count > 1]
    missing = expected - set(counts)

    load = os.getloadavg()
    print(f"\nMachine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {load[0]:.1f} / {load[1]:.1f} (1 / 5 min); "
          f"server {'on CPU 0, browsers on the rest' if pin else 'unpinned'}; "
          f"database {database_url.split(':', 1)[0]}; {'open' if args.open else 'private'} mode")
    print(f"{args.participants} participants x {args.notes} notes, one every {interval:.1f} s each: "
          f"adding took {wall:.1f} s (asked: {args.seconds} s)")
    print(f"stored: {sum(counts.values())} of {len(expected)} notes, {len(twice)} twice, {len(missing)} missing; "
          f"presses: {len(pressed)}; {len(errors)} not back on their author's phone within 60 s, "
          f"{unseen} never on the facilitator's screen")
    print(f"time to store a note (press -> back on own phone): {percentiles(store_ms)}")
    how = "arrived, not drawn" if args.facilitator_protocol else "drawn"
    print(f"time to see it on another screen (press -> facilitator's, {how}): {percentiles(see_ms)}")
    if args.open:
        print(f"time to see it on the other phones (press -> arrived): {percentiles(phones_ms)}")
    print(f"app server CPU while adding: mean {mean_share:.0%} of a core, busiest second {sampler.busiest:.0%}; "
          f"idle with every session open: {idle_share:.0%}")
    print(f"app server memory (RSS): {idle_rss:.0f} MB before the sessions, {open_rss:.0f} MB with "
          f"{len(phones) + 1} open, {max(rss_now, sampler.rss_max):.0f} MB at the most while adding; "
          f"peak {rss_peak:.0f} MB")
    for line in errors[:5]:
        print("  ", line)
    log = Path(tempfile.gettempdir()) / f"streamlit-{port}.log"
    problems = [line for line in log.read_text(errors="replace").splitlines() if "Traceback" in line or "ERROR" in line]
    print(f"app server log: {len(problems)} errors ({log})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--notes", type=int, default=20, help="notes per participant")
    parser.add_argument("--seconds", type=float, default=60, help="time for each participant's notes")
    parser.add_argument("--arriving", type=int, default=5, help="sessions opening at once (setup only)")
    parser.add_argument("--facilitator-protocol", action="store_true",
                        help="the facilitator's screen as a protocol session too (the server's part of the delay)")
    parser.add_argument("--open", action="store_true", help="without private mode: every phone sees every note")
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
