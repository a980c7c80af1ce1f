"""Two app servers on one PostgreSQL with CANVAS_DATASETS=database (issue 14): customer data
uploaded through one server is charted on the metrics page of the other.

Each server has a data folder of its own, so no file is shared: the Parquet bytes reach server two
only through the database.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select
from sqlmodel import Session

from canvas import storage
from canvas.domain.models import CanvasCreate, DatasetChunk
from tests.browser.test_metrics_browser import tile
from tools.browser import running_app, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

FIRST_LOAD_MS = 90_000  # a server's first page loads every module: slow on a busy machine
ORDERS = (
    "customer,date,amount,segment\n"
    "c1,2024-01-05,10.00,Offices\n"
    "c2,2024-01-06,20.00,Offices\n"
    "c1,2024-02-07,30.00,Offices\n"
    "c3,2024-02-08,40.00,Cafés\n"
)


def test_data_uploaded_through_one_server_is_charted_through_the_other(browser, postgres_url, tmp_path,
                                                                      monkeypatch):
    monkeypatch.setenv(storage.DATASETS_ENV, "database")
    engine = storage.make_engine(postgres_url, migrate_schema=False)
    with Session(engine) as session:  # a canvas without data (so neither server makes the demo)
        canvas = storage.create_canvas(session=session, data=storage.parse(CanvasCreate, name="Two servers"))
    upload = tmp_path / "orders.csv"
    upload.write_text(ORDERS)
    folders = [tmp_path / "server-one", tmp_path / "server-two"]
    monkeypatch.setenv(storage.DATA_DIR_ENV, str(folders[0]))
    with running_app(postgres_url) as one:
        monkeypatch.setenv(storage.DATA_DIR_ENV, str(folders[1]))
        with running_app(postgres_url) as two:
            context = browser.new_context(viewport={"width": 1440, "height": 1000})
            context.set_default_timeout(FIRST_LOAD_MS)
            try:
                page = context.new_page()
                page.goto(f"{one}/data?canvas={canvas.id}")
                wait_for_app(page, timeout_ms=FIRST_LOAD_MS)
                page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(upload))
                save = page.get_by_role("button", name="Confirm and save 4 rows")
                expect(save).to_be_visible(timeout=FIRST_LOAD_MS)
                wait_for_app(page)
                save.click()
                expect(page.get_by_role("link", name="See the metrics")).to_be_visible(timeout=FIRST_LOAD_MS)

                with Session(engine) as session:  # stored in the database, and nowhere on disk
                    dataset = storage.list_datasets(session=session, canvas_id=canvas.id)["transactions"]
                    assert (dataset.store, dataset.rows) == ("database", 4)
                    assert session.execute(select(func.count()).select_from(DatasetChunk)).scalar_one() == 1
                assert not [p for folder in folders if folder.exists() for p in folder.rglob("*.parquet*")]

                page.goto(f"{two}/metrics?canvas={canvas.id}")
                wait_for_app(page, timeout_ms=FIRST_LOAD_MS)
                expect(tile(page, "AOV (EUR)")).to_have_text("25.00", timeout=FIRST_LOAD_MS)  # 100 over 4 orders
                expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=FIRST_LOAD_MS)  # charted
                expect(page.get_by_text("No customer data linked yet")).to_have_count(0)
            finally:
                context.close()
    engine.dispose()
