"""The metrics page's caches: a failed CLV fit is logged and drops only its own entry."""

from __future__ import annotations

import logging

import pytest

from canvas.analytics.predictive import PredictiveCLV
from canvas.ui import metrics as cached


def test_a_failed_fit_is_logged_and_only_its_own_cache_entry_is_dropped(monkeypatch, caplog):
    failing = {"now": False}

    def fit(tx):
        if failing["now"]:
            raise RuntimeError("boom")
        return PredictiveCLV.unavailable("fitted")

    monkeypatch.setattr(cached, "predictive_clv", fit)
    monkeypatch.setattr(cached, "linked_frames", lambda canvas_id, key: None)
    cached.clv_fit.clear()
    kept = cached.clv_fit("other", "k", None, None)
    assert kept.result().reasons == ("fitted",)
    failing["now"] = True
    with caplog.at_level(logging.ERROR, logger=cached.__name__):
        failed = cached.predictive("this", "k", None, None)
    assert failed.fallback and "could not be fitted (boom)" in failed.reasons[0]
    assert "predictive CLV fit failed" in caplog.text
    failing["now"] = False
    assert cached.clv_fit("other", "k", None, None) is kept  # the other canvas's fit stays cached
    assert cached.predictive("this", "k", None, None).reasons == ("fitted",)  # the failure was not kept
    cached.clv_fit.clear()


@pytest.fixture(autouse=True)
def _quiet_streamlit(caplog):
    caplog.set_level(logging.ERROR, logger="streamlit")  # "no runtime" warnings outside `streamlit run`
