"""Hostile text in a real browser: HTML, a script, Markdown images and links, LaTeX, Streamlit's
colour directive, bold and Plotly's link tag, typed into a canvas name, segment names, a note, the
segment values of an uploaded file and the URL (``?canvas=``, the metrics filters). Every page shows
them as typed; none becomes an image, a link, a formula or a script, and the browser asks no host
but the app's own for anything."""

from __future__ import annotations

import csv
import re
from urllib.parse import urlencode, urlparse

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from canvas import storage
from canvas.domain.blocks import Block
from canvas.domain.models import NoteCreate, SegmentUpdate
from canvas.library.demo import DEMO_CANVAS_ID, ensure_demo
from tools.browser import wait_for_app

pytestmark = pytest.mark.browser
FIRST_LOAD_MS = 120_000  # the metrics page computes every figure of the demo data on its first visit

HTML = "<img src=https://evil.example/x.png>"
SCRIPT = "<script>alert(1)</script>"
MD_IMAGE = "![x](https://evil.example/i.png)"
MD_LINK = "[click](https://evil.example)"
LATEX = "$\\frac{1}{2}$"
COLOUR = ":red[alert]"
BOLD = "**bold**"
PLOTLY = '<a href="https://evil.example">x</a>'
PAYLOADS = [HTML, SCRIPT, MD_IMAGE, MD_LINK, LATEX, COLOUR, BOLD, PLOTLY]

CANVAS_NAME = f"{MD_IMAGE} {SCRIPT} {COLOUR}"  # typed into the library's form
SEGMENT_NAMES = {"seg-home": f"{HTML} {BOLD}", "seg-office": f"{MD_LINK} {LATEX}", "seg-gift": f"{PLOTLY} {COLOUR}"}
NOTE = " ".join(PAYLOADS)

# Attributes through which a page fetches or links to something.
FETCHING = """() => [...document.querySelectorAll('*')].flatMap(element => [...element.attributes]
    .filter(a => ['href', 'src', 'srcset', 'xlink:href', 'action', 'formaction', 'poster', 'data'].includes(a.name)
                 || (a.name === 'style' && a.value.includes('url(')))
    .filter(a => a.value.includes('evil.example'))
    .map(a => `${element.tagName} ${a.name}=${a.value}`))"""
INJECTED_SCRIPT = "() => [...document.scripts].some(script => script.textContent.includes('alert(1)'))"


def seed(engine) -> None:
    """The demo canvas (with its customer data), its segments renamed, and a note holding every payload."""
    with Session(engine) as session:
        ensure_demo(session=session)
        for segment in storage.list_segments(session=session, canvas_id=DEMO_CANVAS_ID):
            storage.update_segment(session=session, canvas_id=DEMO_CANVAS_ID, segment_id=segment.id,
                                   expected_version=segment.version,
                                   data=SegmentUpdate(name=SEGMENT_NAMES[segment.id]))
        storage.add_note(session=session, canvas_id=DEMO_CANVAS_ID, data=storage.parse(
            NoteCreate, block=Block.CHANNELS, text=NOTE, segment_id="seg-gift"))


def shows_literally(page, *texts: str, in_charts: tuple[str, ...] = ()) -> None:
    """Each of ``texts`` is on the page as typed (charts: in a Plotly figure's text), and nothing of
    it became an image, a link, a formula or a script."""
    visible = page.locator("body").inner_text().replace("\u2060", "")  # markup.literal's word joiners
    visible = re.sub(r"[ \t]+", " ", visible)
    for text in texts:
        assert text in visible, f"{text!r} is not shown as typed"
    charts = " ".join(page.locator(".js-plotly-plot").all_text_contents())
    for text in in_charts:
        assert text in charts, f"{text!r} is not in a chart as typed"
    assert page.evaluate(FETCHING) == []
    assert page.locator(".katex, .katex-display").count() == 0
    assert not page.evaluate(INJECTED_SCRIPT)
    assert page.locator("[data-testid='stException']").count() == 0


def test_hostile_text_shows_literally_and_nothing_is_fetched_from_elsewhere(page, app_url, engine, tmp_path):
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    seed(engine)

    # A canvas name typed into the library: the toast that confirms it, the board's title, the list.
    page.goto(f"{app_url}/library?canvas={DEMO_CANVAS_ID}")
    wait_for_app(page)
    page.locator("[data-testid='stExpander'] summary", has_text="New canvas").click()
    page.get_by_role("textbox", name="Name").fill(CANVAS_NAME)
    page.get_by_role("button", name="Create canvas").click()
    toast = page.locator("[data-testid='stToast']")
    expect(toast).to_be_visible(timeout=30_000)
    assert f"Created “{CANVAS_NAME}”" in toast.inner_text().replace("\u2060", "")  # read before it fades
    assert page.evaluate(FETCHING) == [] and page.locator(".katex").count() == 0
    wait_for_app(page)
    shows_literally(page, CANVAS_NAME)
    page.goto(f"{app_url}/library")
    wait_for_app(page)
    shows_literally(page, CANVAS_NAME)  # the list draws it as HTML (markup.escape_text)

    # Segment names and a note on the board (HTML drawn by markup.show, labels in Markdown).
    page.goto(f"{app_url}/?canvas={DEMO_CANVAS_ID}")
    wait_for_app(page)
    shows_literally(page, *SEGMENT_NAMES.values(), NOTE)

    # An id in the link that names no canvas: the red box quotes it as typed.
    page.goto(f"{app_url}/?{urlencode({'canvas': f'{MD_LINK} {LATEX} {MD_IMAGE}'})}")
    wait_for_app(page)
    expect(page.locator("[data-testid='stAlertContentError']")).to_be_visible()
    shows_literally(page, f"“{MD_LINK} {LATEX} {MD_IMAGE}”")

    # Tabs, the coach's expanders, the comparison table and the charts of the relationships page.
    page.goto(f"{app_url}/relationships?canvas={DEMO_CANVAS_ID}")
    wait_for_app(page, FIRST_LOAD_MS)
    shows_literally(page, *SEGMENT_NAMES.values(), in_charts=tuple(SEGMENT_NAMES.values()))

    # Filters in the metrics link that match nothing are quoted as typed; segment names in the charts.
    # (the period is quoted with repr(), which would double a backslash: this LaTeX has none)
    period = f"$x^2$ {HTML} {MD_LINK}"
    query = urlencode({"canvas": DEMO_CANVAS_ID, "segments": f"{MD_IMAGE} {BOLD} {COLOUR}", "period": period})
    page.goto(f"{app_url}/metrics?{query}")
    wait_for_app(page, FIRST_LOAD_MS)
    expect(page.locator("[data-testid='stAlertContentWarning']").first).to_be_visible()
    shows_literally(page, f"{MD_IMAGE} {BOLD} {COLOUR}", f"'{period}'", in_charts=(SEGMENT_NAMES["seg-gift"],))

    # Segment values of an uploaded file: the link boxes' labels and the suggestions beside them.
    values = [HTML, MD_LINK, LATEX, COLOUR, f"{BOLD} {PLOTLY}"]
    path = tmp_path / "orders [click] $x$ **b**.csv"
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["customer", "date", "amount", "segment"])
        writer.writerows([f"c{i}", f"2024-01-{i + 1:02d}", "10.00", value] for i, value in enumerate(values))
    page.goto(f"{app_url}/data?canvas={DEMO_CANVAS_ID}")
    wait_for_app(page)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    expect(page.get_by_role("button", name=re.compile("Confirm and save"))).to_be_visible(timeout=60_000)
    wait_for_app(page)
    shows_literally(page, *values)

    assert page.locator("link[rel='shortcut icon']").get_attribute("href").startswith("data:image/svg+xml")
    assert dialogs == []  # no script ran
    elsewhere = {urlparse(url).hostname for url in requests if urlparse(url).scheme in ("http", "https", "ws", "wss")}
    assert requests and elsewhere == {"127.0.0.1"}, elsewhere
