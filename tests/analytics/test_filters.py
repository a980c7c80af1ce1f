"""The metrics page's filters: the URL round trip, bad values, date bounds, selecting rows."""

from __future__ import annotations

from datetime import date

import pandas as pd

from canvas.analytics.filters import Filters, apply_filters, filters_from_query, filters_to_query, within_data
from tests.analytics.linked_demo import COLOURS


def test_filters_round_trip_through_the_url_and_bad_values_warn():
    filters = Filters(date(2025, 1, 1), date(2025, 12, 31), ("Office teams",), "quarter")
    query = filters_to_query(filters)
    assert query == {"from": "2025-01-01", "to": "2025-12-31", "segments": "Office teams", "period": "quarter"}
    assert filters_from_query(query, segment_names=list(COLOURS)) == (filters, [])
    bad, warnings = filters_from_query({"from": "yesterday", "period": "decade", "segments": "Aliens"},
                                       segment_names=list(COLOURS))
    assert bad == Filters()
    assert len(warnings) == 3 and "“from” date 'yesterday'" in warnings[0]


def test_apply_filters(demo):
    tx, _, _ = demo
    chosen = apply_filters(tx, Filters(date(2025, 3, 1), date(2025, 3, 31), ("Office teams",)))
    assert set(chosen["segment"]) == {"Office teams"}
    assert chosen["date"].min() >= pd.Timestamp("2025-03-01") and chosen["date"].max() < pd.Timestamp("2025-04-01")


def test_date_bounds_that_do_not_cut_the_data_are_dropped():
    first, last = date(2024, 11, 1), date(2026, 10, 31)
    whole = Filters(start=first, end=last, segments=("Office teams",), period="quarter")
    assert within_data(whole, first, last) == Filters(segments=("Office teams",), period="quarter")
    wider = Filters(start=date(2020, 1, 1), end=date(2030, 1, 1))
    assert within_data(wider, first, last) == Filters()
    inner = Filters(start=date(2025, 1, 1), end=date(2026, 1, 31))
    assert within_data(inner, first, last) == inner
