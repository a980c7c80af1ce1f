"""A person in a real browser: uploads a European CSV and edits a segment's relationship."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from canvas import storage
from canvas.library.demo import DEMO_CANVAS_ID
from tools.browser import wait_for_app

pytestmark = pytest.mark.browser

EUROPEAN_CSV = (
    "Kundennummer;Bestelldatum;Betrag;Segment\n"
    "K-1;31.01.2024;1.234,50 €;Office teams\n"
    "K-2;01.02.2024;99,90 €;Cafés\n"
    "K-3;kein Datum;10,00 €;Office teams\n"
).encode("cp1252")


def test_upload_a_windows_european_csv_and_confirm_it(page, app_url, engine, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(EUROPEAN_CSV)
    page.goto(f"{app_url}/data?canvas={DEMO_CANVAS_ID}")
    wait_for_app(page)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    expect(page.get_by_text("2 of 3 rows kept.")).to_be_visible(timeout=30_000)
    wait_for_app(page)
    expect(page.get_by_text("Unreadable date in column “Bestelldatum”").first).to_be_visible()
    expect(page.get_by_text("Windows-1252").first).to_be_visible()
    page.get_by_role("button", name="Confirm and save 2 rows").click()
    expect(page.get_by_role("link", name="See the metrics")).to_be_visible(timeout=30_000)  # saved
    wait_for_app(page)
    with Session(engine) as session:
        dataset = storage.list_datasets(session=session, canvas_id=DEMO_CANVAS_ID)["transactions"]
        frame = storage.load_dataset(dataset)
    assert dataset.filename == "export.csv" and dataset.rows == 2
    assert sorted(frame["amount"]) == [99.9, 1234.5]
    assert dataset.segment_links == {"Office teams": "seg-office", "Cafés": ""}
    page.reload()
    wait_for_app(page)
    expect(page.get_by_text("export.csv").first).to_be_visible()  # survives a reload


def test_edit_a_segments_relationship(page, app_url, engine):
    page.goto(f"{app_url}/relationships?canvas={DEMO_CANVAS_ID}")
    wait_for_app(page)
    # What the coach says of Gift buyers before: both go once the plan below is saved.
    no_plan = page.get_by_text("No plan past onboarding for Gift buyers")
    low_retention = page.get_by_text("Retention gets 10 % of the effort")
    expect(no_plan.first).to_be_attached()
    expect(low_retention.first).to_be_attached()
    page.get_by_role("tab", name="Gift buyers").click()
    panel = page.locator("[data-testid='stTabPanel']:visible")
    retention = panel.get_by_label("Retention", exact=True)
    retention.fill("30")
    acquisition = panel.get_by_label("Acquisition", exact=True)
    acquisition.fill("60")
    panel.get_by_label("Renewal: outcomes and results").fill("Remind last year's buyers in November")
    panel.get_by_role("button", name="Save relationship with Gift buyers").click()
    expect(page.get_by_text("Relationship saved")).to_be_visible(timeout=30_000)  # the toast after the save
    wait_for_app(page)
    with Session(engine) as session:
        design = storage.load_board(session=session, canvas_id=DEMO_CANVAS_ID).relationships["seg-gift"]
    assert (design.focus_acquisition, design.focus_retention, design.focus_upselling) == (60, 30, 10)
    assert design.lifecycle["renewal"].startswith("Remind")
    # The coach follows: Gift buyers now have a plan past onboarding and enough retention focus.
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("tab", name="Gift buyers")).to_be_visible()  # drawn after the coach
    expect(no_plan).to_have_count(0)
    expect(low_retention).to_have_count(0)
