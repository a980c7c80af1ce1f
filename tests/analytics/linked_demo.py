"""The demo's customer data linked to its three segments, read once per test session."""

from __future__ import annotations

from functools import cache

import pandas as pd

from canvas.customer_data import ingest, linking
from canvas.library.demo import DEMO_DATA_DIR

NAMES = {"seg-home": "Home brewers", "seg-office": "Office teams", "seg-gift": "Gift buyers"}
COLOURS = {"Home brewers": "#1F77B4", "Office teams": "#E4572E", "Gift buyers": "#2CA58D"}


@cache
def demo_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(transactions, surveys, spend) of the demo, each row with ``segment`` and ``segment_id``.
    Shared by the tests: read them, never change them."""
    links = {name: sid for sid, name in NAMES.items()}
    tx = linking.apply_links(ingest.load(DEMO_DATA_DIR / "transactions.csv").frame, links, NAMES)
    spend = linking.apply_links(ingest.load(DEMO_DATA_DIR / "spend.csv", kind="spend").frame, links, NAMES)
    surveys = ingest.load(DEMO_DATA_DIR / "surveys.csv", kind="surveys").frame
    segments = tx.drop_duplicates("customer_id").set_index("customer_id")
    surveys = surveys.assign(segment_id=surveys["customer_id"].map(segments["segment_id"]),
                             segment=surveys["customer_id"].map(segments["segment"]))
    return tx, surveys, spend
