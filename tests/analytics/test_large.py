"""Tests of canvas.analytics.large: the report of data split by customer equals the report of the
whole (partials added, and Parquet files split by DuckDB), the buckets are cached per file
version, unreadable files get a message, hash collisions are caught, CLV out of core equals CLV
in memory, and the CLI takes the out-of-core path past the row limit."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canvas.analytics import clv, metrics
from canvas.analytics.large import buckets as bucket_files
from canvas.analytics.large import clv as large_clv
from canvas.analytics.large.buckets import BucketRows, HashCollision, customer_codes
from canvas.analytics.large.clv import clv_report_parquet
from canvas.analytics.large.metrics import metrics_report_parquet
from canvas.analytics.large.source import LargeDataError
from canvas.analytics.metrics.partials import add_partials, report_partials
from canvas.analytics.metrics.prepare import _prepare, _resolve_window
from canvas.analytics.metrics.report import finish_report
from canvas.cli import main
from canvas.customer_data import limits
from tests.support import assert_same_report
from tools import simulation

SEGMENTS = ("Online", "Retail", "Wholesale")


@pytest.fixture(autouse=True)
def work_dir(tmp_path_factory, monkeypatch) -> Path:
    """Bucket files of each test in a folder of its own."""
    folder = tmp_path_factory.mktemp("work")
    monkeypatch.setenv("CANVAS_WORK_DIR", str(folder))
    return folder


@st.composite
def transactions(draw) -> pd.DataFrame:
    """Up to 60 rows of up to 8 customers over two years: refunds and zero rows, order ids
    shared by lines and by customers or missing, segments or missing ones."""
    n = draw(st.integers(1, 60))
    rows = st.tuples(st.integers(0, 7), st.integers(0, 730),
                     st.sampled_from([-20.0, 0.0, 5.5, 10.0, 12.25, 99.0]),
                     st.one_of(st.none(), st.integers(0, 12)),
                     st.one_of(st.none(), st.sampled_from(SEGMENTS)))
    drawn = draw(st.lists(rows, min_size=n, max_size=n))
    frame = pd.DataFrame({
        "customer_id": [f"C{c}" for c, *_ in drawn],
        "date": pd.Timestamp("2023-01-01") + pd.to_timedelta([d for _, d, *_ in drawn], unit="D"),
        "amount": [a for _, _, a, _, _ in drawn],
        "order_id": pd.array([None if o is None else f"O{o}" for *_, o, _ in drawn], dtype=object),
        "segment": pd.array([s for *_, s in drawn], dtype=object),
    })
    keep = draw(st.sampled_from([("order_id", "segment"), ("order_id",), ("segment",), ()]))
    return frame[["customer_id", "date", "amount", *keep]]


windows = st.sampled_from([
    {}, {"period": "week"}, {"period": "quarter", "margin": 0.4},
    {"start": "2023-03-15", "end": "2024-08-31"}, {"as_of": "2024-06-30", "margin": 0.25},
    {"period": "week", "start": "2023-12-01"},
])


@settings(max_examples=25, deadline=None)
@given(tx=transactions(), options=windows, groups=st.integers(1, 3))
def test_partials_of_customers_split_add_up_to_the_report(tx, options, groups):
    try:
        expected = metrics.metrics_report(tx, **options)
    except ValueError:  # a window starting after the data's end: refused either way
        with pytest.raises(ValueError, match="start is after its end"):
            _resolve_window(_prepare(tx), options.get("start"), options.get("end"),
                            options.get("as_of"))
        return
    t = _prepare(tx)
    w = _resolve_window(t, options.get("start"), options.get("end"), options.get("as_of"))
    group = t.cust % groups  # disjoint sets of customers, each over the whole data's window
    parts = [report_partials(t.take(group == g), w, options.get("period", "month"))
             for g in range(groups)]
    total = parts[0]
    for part in parts[1:]:
        total = add_partials(total, part)
    actual = finish_report(total, w, period=options.get("period", "month"),
                           margin=options.get("margin"))
    assert_same_report(expected, actual)


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tx=transactions(), options=windows)
def test_parquet_report_out_of_core_equals_the_report_in_memory(tx, options, tmp_path):
    path = tmp_path / f"tx-{time.monotonic_ns()}.parquet"
    tx.to_parquet(path, index=False)
    try:
        expected = metrics.metrics_report(pd.read_parquet(path), **options)
    except ValueError as error:  # a window starting after the data's end: refused either way
        with pytest.raises(ValueError, match=re.escape(str(error))):
            metrics_report_parquet(path, buckets=3, **options)
        return
    assert_same_report(expected, metrics_report_parquet(path, buckets=3, **options))


@pytest.fixture(scope="module")
def shop() -> pd.DataFrame:
    """Simulated orders of 3,000 customers with order lines, refunds and segments."""
    tx = simulation.simulate_transactions(3000, r=0.8, alpha=8.0, a=0.6, b=3.5, p=6.25, q=3.74,
                                          v=15.44, start="2022-01-01", end="2023-12-31",
                                          segments=SEGMENTS, seed=3)
    rng = np.random.default_rng(4)
    tx["order_id"] = [f"O{i}" for i in range(len(tx))]
    lines = tx.sample(frac=0.2, random_state=5).assign(amount=lambda f: f["amount"] * 0.5)
    refunds = tx.sample(frac=0.03, random_state=6).assign(
        amount=lambda f: -np.round(f["amount"] * rng.uniform(0.1, 1, len(f)), 2))
    return pd.concat([tx, lines, refunds], ignore_index=True).sample(frac=1, random_state=7)


def test_spend_and_surveys_are_finished_like_in_memory(shop, tmp_path):
    path = tmp_path / "shop.parquet"
    shop.to_parquet(path, index=False)
    spend = pd.DataFrame({"period_start": pd.date_range("2022-01-01", periods=24, freq="MS"),
                          "amount": 1000.0, "segment": list(SEGMENTS) * 8})
    surveys = pd.DataFrame({"date": pd.date_range("2022-01-01", periods=50, freq="W"),
                            "nps": np.arange(50) % 11, "segment": list(SEGMENTS * 17)[:50]})
    options = dict(margin=0.3, spend=spend, surveys=surveys)
    expected = metrics.metrics_report(pd.read_parquet(path), **options)
    assert_same_report(expected, metrics_report_parquet(path, buckets=4, **options))


def test_buckets_are_reused_until_the_file_changes(shop, tmp_path, work_dir, monkeypatch):
    path = tmp_path / "shop.parquet"
    shop.to_parquet(path, index=False)
    first = metrics_report_parquet(path, buckets=2)
    writes = []
    original = bucket_files._write_buckets
    monkeypatch.setattr(bucket_files, "_write_buckets",
                        lambda *args: writes.append(args) or original(*args))
    assert metrics_report_parquet(path, buckets=2) == first
    assert writes == []  # the second report read the cached buckets
    shop.iloc[: len(shop) // 2].to_parquet(path, index=False)
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
    half = metrics_report_parquet(path, buckets=2)
    assert len(writes) == 1 and half["orders"] < first["orders"]
    assert len(list(work_dir.glob("canvas-buckets/*"))) == 1  # the old version's are gone


def test_unreadable_files_are_refused_with_what_to_do(tmp_path):
    with pytest.raises(LargeDataError, match="does not exist"):
        metrics_report_parquet(tmp_path / "missing.parquet")
    text = tmp_path / "tx.parquet"
    text.write_text("customer_id,date,amount\nC1,2024-01-01,5\n")
    with pytest.raises(LargeDataError, match="cannot be read as a Parquet file"):
        metrics_report_parquet(text)
    other = tmp_path / "other.parquet"
    pd.DataFrame({"client": ["C1"], "day": ["2024-01-01"], "value": [5.0]}).to_parquet(other)
    with pytest.raises(LargeDataError, match="only a normalized Parquet file"):
        metrics_report_parquet(other)
    gaps = tmp_path / "gaps.parquet"
    pd.DataFrame({"customer_id": ["C1", None], "date": pd.to_datetime(["2024-01-01"] * 2),
                  "amount": [5.0, 6.0]}).to_parquet(gaps)
    with pytest.raises(LargeDataError, match="1 of 2 rows lack a customer"):
        metrics_report_parquet(gaps)


def test_two_customers_sharing_a_hash_are_caught():
    rows = BucketRows(customer=np.array([7, 7, 9], dtype=np.uint64),
                      check=np.array([1, 2, 3], dtype=np.uint64), day=np.zeros(3, np.int64),
                      amount=np.ones(3), row=np.arange(3), order_key=None, has_order=None,
                      segment=None)
    with pytest.raises(HashCollision):
        customer_codes(rows)


def test_a_collision_splits_again_with_another_salt(shop, tmp_path, monkeypatch):
    path = tmp_path / "shop.parquet"
    shop.to_parquet(path, index=False)
    expected = metrics_report_parquet(path, buckets=2)
    original = bucket_files.read_bucket

    def collide_once(b, k, **kw):
        rows = original(b, k, **kw)
        if b.salt == 0:  # pretend two customers share a hash under the first salt
            check = rows.check.copy()
            check[:1] += np.uint64(1)
            return dataclasses.replace(rows, check=check)
        return rows

    monkeypatch.setattr("canvas.analytics.large.metrics.read_bucket", collide_once)
    assert_same_report(expected, metrics_report_parquet(path, buckets=2))


@pytest.mark.parametrize("options", [
    {"calibration_end": "2023-06-30"},
    {"calibration_end": "2023-03-31", "holdout_end": "2023-12-31", "time_unit": "day",
     "margin": 0.3},
])
def test_clv_out_of_core_equals_clv_in_memory(shop, tmp_path, monkeypatch, options):
    monkeypatch.setattr(large_clv, "PREDICT_CUSTOMERS", 700)  # predicted in several parts
    path = tmp_path / "shop.parquet"
    shop.to_parquet(path, index=False)
    expected = clv.clv_report(pd.read_parquet(path), **options)
    actual = clv_report_parquet(path, buckets=3, **options)
    assert expected["bgnbd"] is not None and expected["clv"]["basis"] == "predictive"
    assert actual == expected  # the same summary in the same order: the same numbers


def test_cli_reads_big_parquet_files_out_of_core(shop, tmp_path, monkeypatch, capsys):
    path = tmp_path / "shop.parquet"
    shop.to_parquet(path, index=False)
    assert main(["metrics", str(path), "--json"]) == 0
    in_memory = json.loads(capsys.readouterr().out)
    monkeypatch.setattr(limits, "OUT_OF_CORE_ROWS", 100)
    assert main(["metrics", str(path), "--json"]) == 0
    captured = capsys.readouterr()
    assert "read out of core" in captured.err
    out_of_core = json.loads(captured.out)
    assert_same_report({k: v for k, v in in_memory.items() if k != "ingest"}, out_of_core)
    assert main(["clv", str(path), "--calibration-end", "2023-06-30", "--json"]) == 0
    expected = clv.clv_report(pd.read_parquet(path), calibration_end="2023-06-30")
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(expected))
    assert main(["metrics", str(path), "--strict"]) == 2
    assert "--strict cannot apply" in capsys.readouterr().err
