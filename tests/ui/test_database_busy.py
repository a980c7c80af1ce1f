"""A database that is busy (the pool's timeout) or stops answering is a message on the page, for
an action (``frame.act``) and for a page being drawn (``frame.run_page``), never a traceback."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from canvas.storage.db import DATABASE_BUSY, DATABASE_NOT_ANSWERING
from tests.support import shown


def busy_app() -> None:
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    from canvas.ui import frame

    frame.start_router()

    def save(db):
        raise PoolTimeout("QueuePool limit of size 1 overflow 0 reached, connection timed out, timeout 0.01")

    frame.act(save, done="Saved")
    frame.show_flash()

    class Page:
        def run(self) -> None:
            with frame.session():
                raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

    frame.run_page(Page())


def test_a_busy_or_silent_database_is_a_message(database_url):
    app = AppTest.from_function(busy_app, default_timeout=30).run()
    assert not app.exception
    assert [shown(e.value) for e in app.error] == [DATABASE_BUSY, DATABASE_NOT_ANSWERING]
    assert not app.toast  # the action did not claim success
    assert "QueuePool" not in str(app) and "SELECT" not in str(app)
