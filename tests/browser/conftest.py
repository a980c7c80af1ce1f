"""Fixtures for the real-browser tests: the app under `streamlit run`, and a Chromium page (the
session's one Chromium, ``browser``, is in tests/conftest.py for every folder's browser tests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tools.browser import running_app

pytest.importorskip("playwright.sync_api")


@pytest.fixture
def app_url(database_url: str) -> Iterator[str]:
    with running_app(database_url) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    yield context.new_page()
    context.close()
