"""Every figure of ``metrics_report`` against the plain reference (tests/analytics/reference.py)
on small random data: refunds and zero rows, multi-row and shared order ids, segments, windows,
months, quarters and ISO weeks, margins, survey responses and acquisition spend.

An engine is added with one line in ``ENGINES``: a function taking the transactions and
``metrics_report``'s keyword arguments and returning the same dict. Where an engine is known to
depart from the definitions, ``KNOWN_DISAGREEMENTS`` lists it under the engine's name, with the
smallest counterexample as a test of its own (xfail, strict).
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canvas.analytics.large.metrics import metrics_report_parquet
from canvas.analytics.metrics import metrics_report
from tests.analytics import reference
from tests.analytics.reference import reference_report


def _out_of_core(tx: pd.DataFrame, **kw: Any) -> dict[str, Any]:
    """The out-of-core engine on the rows written as a dataset's Parquet file, split in 3 buckets."""
    with tempfile.TemporaryDirectory() as folder, mock.patch.dict(os.environ, {"CANVAS_WORK_DIR": folder}):
        path = Path(folder) / "rows.parquet"
        tx.to_parquet(path, index=False)
        return metrics_report_parquet(path, buckets=3, **kw)


ENGINES: dict[str, Callable[..., dict[str, Any]]] = {
    "in-memory": lambda tx, **kw: metrics_report(tx, **kw),
    "out-of-core": _out_of_core,
}

# A Monday at the turn of an ISO year, a leap-year February, a late-year Monday.
FIRST_DAYS = ("2019-12-30", "2020-02-14", "2023-11-20")
AMOUNTS = (40.0, 5.0, 12.5, 100.0, 0.0, -5.0, -30.0)  # halves: sums are exact in floating point


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    """Transactions and the keyword arguments of one ``metrics_report`` call."""
    first = pd.Timestamp(draw(st.sampled_from(FIRST_DAYS)))
    span = draw(st.sampled_from((365, 550, 730, 1095)))  # one to three years
    # Most rows fall in a busy stretch of four months, so that customers come back in the next
    # period often; the others anywhere in the span.
    busy = draw(st.integers(0, span - 120))
    day = st.one_of(st.integers(0, span), st.integers(busy, busy + 120), st.integers(busy, busy + 120))
    amount = st.one_of(st.sampled_from(AMOUNTS), st.sampled_from(AMOUNTS[:4]))  # mostly orders
    n = draw(st.integers(4, 30))  # drawn first: lists drawn alone are mostly short
    rows = draw(st.lists(st.tuples(st.sampled_from("abcd"), day, amount, st.integers(0, 23),
                                   st.sampled_from(("o1", "o2", "o3", None)),
                                   st.sampled_from(("north", "north", "south", None))),
                         min_size=n, max_size=n))
    tx = pd.DataFrame(rows, columns=["customer_id", "day", "amount", "hour", "order_id", "segment"])
    tx["date"] = first + pd.to_timedelta(tx.pop("day"), "D") + pd.to_timedelta(tx.pop("hour"), "h")
    if not draw(st.booleans()):
        tx = tx.drop(columns="order_id")
    if not draw(st.booleans()):
        tx = tx.drop(columns="segment")

    # Windows mostly start early and end late, so that they hold rows; one day in ten anywhere.
    def maybe_day(lo: int, hi: int) -> st.SearchStrategy[pd.Timestamp | None]:
        days = st.integers(0, 9).flatmap(lambda k: st.integers(-40, span + 40) if k == 0 else st.integers(lo, hi))
        return st.one_of(st.none(), days.map(lambda d: first + pd.Timedelta(days=d)))

    some_day = st.integers(-40, span + 40).map(lambda d: first + pd.Timedelta(days=d))
    kw: dict[str, Any] = {
        "period": draw(st.sampled_from(("month", "quarter", "week"))),
        "start": draw(maybe_day(-40, busy + 30)), "end": draw(maybe_day(busy + 60, span + 40)),
        "as_of": draw(maybe_day(busy + 60, span + 40)),
        "margin": draw(st.sampled_from((None, 0.25, 0.6, 1.0))),
    }
    if draw(st.booleans()):
        n = draw(st.integers(0, 12))
        surveys = pd.DataFrame({
            "date": draw(st.lists(some_day, min_size=n, max_size=n)),
            "nps": draw(st.lists(st.sampled_from([*range(11), math.nan]), min_size=n, max_size=n)),
            "csat": draw(st.lists(st.sampled_from([1, 2, 3, 4, 5, math.nan]), min_size=n, max_size=n)),
            "segment": draw(st.lists(st.sampled_from(("north", "south")), min_size=n, max_size=n)),
        }).astype({"nps": float, "csat": float})
        keep = draw(st.sampled_from((["nps", "csat", "segment"], ["nps", "segment"], ["nps", "csat"], ["csat"])))
        kw["surveys"] = surveys[["date", *keep]]
    if draw(st.booleans()):
        n = draw(st.integers(0, 10))
        spend = pd.DataFrame({
            "period_start": draw(st.lists(some_day, min_size=n, max_size=n)),
            "amount": draw(st.lists(st.sampled_from((0.0, 50.0, 120.5, math.nan)), min_size=n, max_size=n)),
            "segment": draw(st.lists(st.sampled_from(("north", "south")), min_size=n, max_size=n)),
        })
        kw["spend"] = spend if draw(st.booleans()) else spend.drop(columns="segment")
    return {"tx": tx, "kw": kw}


def differences(got: Any, expected: Any, path: str = "report") -> list[str]:
    """Where two report values differ: floats within a relative 1e-9, None for NaN."""
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            keys = sorted(set(got) ^ set(expected)) if isinstance(got, dict) else got
            return [f"{path}: keys differ: {keys}"]
        return [d for key in expected for d in differences(got[key], expected[key], f"{path}.{key}")]
    if isinstance(expected, list):
        if not isinstance(got, list) or len(got) != len(expected):
            return [f"{path}: {got!r} != {expected!r}"]
        return [d for i, (g, e) in enumerate(zip(got, expected)) for d in differences(g, e, f"{path}[{i}]")]
    if isinstance(expected, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
        return [] if math.isclose(got, expected, rel_tol=1e-9) else [f"{path}: {got!r} != {expected!r}"]
    same = got == expected and type(got) is type(expected)
    return [] if same else [f"{path}: {got!r} != {expected!r}"]


def compare(engine: Callable[..., dict[str, Any]], tx: pd.DataFrame, kw: dict[str, Any]) -> list[str]:
    """The differences between an engine's report and the reference's (a ValueError from the
    reference, a window starting after it ends, must be one from the engine too)."""
    try:
        expected = reference_report(tx, **kw)
    except ValueError:
        with pytest.raises(ValueError):
            engine(tx, **kw)
        return []
    return differences(engine(tx, **kw), expected)


# --------------------------------------------------------------------------------------------
# Known disagreements: where an engine departs from DOMAIN.md and the metrics docstrings. Each
# has a test of its own with the smallest counterexample, xfail(strict=True) for that engine, so
# that fixing the engine makes it fail until the entry here goes. The random comparison skips
# only the report paths the disagreement can change, and only on the inputs that can show it.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Disagreement:
    reason: str
    applies: Callable[[pd.DataFrame, dict[str, Any]], bool]  # can this input show it?
    paths: str  # regular expression of the report paths it can change


def _row_groups(tx: pd.DataFrame) -> list[pd.DataFrame]:
    """All rows, then each segment's rows: every set of rows a report computes figures from."""
    rows = reference.plain_rows(tx)
    if "segment" not in rows.columns:
        return [rows]
    return [rows] + [rows[rows["segment"] == name] for name in rows["segment"].dropna().unique()]


def _window(tx: pd.DataFrame, kw: dict[str, Any]) -> reference.Window:
    return reference.resolve_window(reference.plain_rows(tx), kw.get("start"), kw.get("end"), kw.get("as_of"))


def _first_order_after_end_in_its_period(tx: pd.DataFrame, kw: dict[str, Any]) -> bool:
    w, period = _window(tx, kw), kw.get("period", "month")
    last = reference.period_start(w.end, period)
    for rows in _row_groups(tx):
        first = reference.orders_of(rows).groupby("customer_id")["day"].min()
        if any(day > w.end and reference.period_start(day, period) == last for day in first):
            return True
    return False


def _start_inside_a_period(tx: pd.DataFrame, kw: dict[str, Any]) -> bool:
    if kw.get("start") is None:
        return False
    start = pd.Timestamp(kw["start"]).normalize()
    return reference.period_start(start, kw.get("period", "month")) != start


NEW_AFTER_END = Disagreement(
    "customers whose first order is dated after the window's end (or as-of date), in the "
    "window's last period, are counted new in it (so new > active, and CAC is too low); "
    "prepare.py: a customer's first order is looked up in all history up to end; DOMAIN.md: "
    "CAC = spend / customers whose first order falls in that period",
    _first_order_after_end_in_its_period,
    r"(segments\.[^.]+\.)?(active\[\d+\]\.new|cac\[\d+\]\.(new_customers|cac)|cac_overall|ltv_cac"
    r"|cac_payback_months)$",
)
FIRST_PERIOD_PARTIAL = Disagreement(
    "a window starting inside a period flags that first period partial although the series "
    "are widened back to its first day (prepare.py: 'so that every period is whole at its "
    "start, and a period cut short by end is flagged partial'), which also drops it from "
    "annual churn and so changes simple CLV and LTV:CAC",
    _start_inside_a_period,
    r"(segments\.[^.]+\.)?(active\[0\]\.partial|retention\[0\]\.partial|annual_churn|clv_simple"
    r"|ltv_cac|ltv_basis)$",
)
# Both were the in-memory engine's until it was mended; their tests now hold every engine to them.
KNOWN_DISAGREEMENTS: dict[str, list[Disagreement]] = {}


def _unexplained(engine: str, tx: pd.DataFrame, kw: dict[str, Any], problems: list[str]) -> list[str]:
    """The problems no known disagreement of the engine explains on this input."""
    left = []
    for problem in problems:
        path = problem.split(":")[0].removeprefix("report.")
        candidates = [d for d in KNOWN_DISAGREEMENTS.get(engine, []) if re.search(d.paths, path)]
        if not any(d.applies(tx, kw) for d in candidates):
            left.append(problem)
    return left


def _expect_disagreement(engine: str, disagreement: Disagreement) -> Any:
    known = disagreement in KNOWN_DISAGREEMENTS.get(engine, [])
    marks = [pytest.mark.xfail(strict=True, reason=disagreement.reason)] if known else []
    return pytest.param(engine, marks=marks)


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------


# About 75 ms of CPU an example: 80 examples in all, shared by the engines (40 each at least).
@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=max(40, 80 // len(ENGINES)), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_every_figure_matches_the_reference(engine: str, case: dict[str, Any]) -> None:
    tx, kw = case["tx"], case["kw"]
    problems = _unexplained(engine, tx, kw, compare(ENGINES[engine], tx, kw))
    assert not problems, "\n".join(problems[:15])


@pytest.mark.parametrize("engine", [_expect_disagreement(e, NEW_AFTER_END) for e in ENGINES])
def test_a_first_order_after_the_window_is_not_new_in_it(engine: str) -> None:
    # b's first order (March 20th) is after the window's end (March 10th), in its last month.
    tx = pd.DataFrame({"customer_id": ["a", "b"], "amount": [10.0, 10.0],
                       "date": pd.to_datetime(["2024-03-05", "2024-03-20"])})
    spend = pd.DataFrame({"period_start": pd.to_datetime(["2024-03-01"]), "amount": [100.0]})
    kw: dict[str, Any] = {"end": "2024-03-10", "spend": spend}
    assert NEW_AFTER_END.applies(tx, kw) and not NEW_AFTER_END.applies(tx, {"end": "2024-03-25"})
    assert reference_report(tx, **kw)["active"][0] == {"period": "2024-03", "active": 1, "new": 1,
                                                       "revenue": 10.0, "partial": True}
    assert compare(ENGINES[engine], tx, kw) == []


@pytest.mark.parametrize("engine", [_expect_disagreement(e, FIRST_PERIOD_PARTIAL) for e in ENGINES])
def test_a_window_starting_inside_a_period_leaves_that_period_whole(engine: str) -> None:
    tx = pd.DataFrame({"customer_id": ["a", "b", "a", "b", "a"], "amount": [10.0] * 5,
                       "date": pd.to_datetime(["2024-01-03", "2024-01-20", "2024-02-03",
                                               "2024-02-20", "2024-03-03"])})
    kw: dict[str, Any] = {"start": "2024-01-15", "end": "2024-03-31"}
    assert FIRST_PERIOD_PARTIAL.applies(tx, kw)
    assert not FIRST_PERIOD_PARTIAL.applies(tx, {**kw, "start": "2024-01-01"})
    expected = reference_report(tx, **kw)
    assert [p["partial"] for p in expected["active"]] == [False, False, False]
    assert expected["annual_churn"] == pytest.approx(1 - (3 / 4) ** 12)  # Feb 2 of 2, Mar 1 of 2
    assert compare(ENGINES[engine], tx, kw) == []


def test_the_comparison_sees_a_difference() -> None:
    tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [10.0, -4.0, 7.0],
                       "date": pd.to_datetime(["2024-01-03", "2024-02-01", "2024-02-05"])})
    report = reference_report(tx)
    assert (report["revenue"], report["orders"], report["active"][1]["active"]) == (13.0, 2, 1)
    assert differences(report, reference_report(tx)) == []
    assert differences({**report, "revenue": 13.000001}, report) == ["report.revenue: 13.000001 != 13.0"]
    assert differences({**report, "aov": None}, report) == ["report.aov: None != 6.5"]
    assert differences({**report, "orders": 2.0}, report) == ["report.orders: 2.0 != 2"]
    assert differences(reference_report(tx.assign(amount=[10.0, -5.0, 7.0])), report)
