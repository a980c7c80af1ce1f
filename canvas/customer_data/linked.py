"""A canvas's customer data, read from its datasets and linked to its segments.

``load_canvas_data`` gives the frames the metrics take, each with ``segment`` (the canvas
segment's name, or Unassigned) and ``segment_id``. ``CanvasData.key`` changes whenever anything
that shapes the figures changes (a dataset, a link, a segment's name), so the app can cache
metrics on it and never recompute them needlessly.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import pandas as pd
from sqlmodel import Session

from canvas import storage
from canvas.customer_data.linking import UNASSIGNED, apply_links
from canvas.domain.models import Dataset


@dataclass
class CanvasData:
    transactions: pd.DataFrame | None = None
    surveys: pd.DataFrame | None = None
    spend: pd.DataFrame | None = None
    datasets: dict[str, Dataset] = field(default_factory=dict)
    segment_names: dict[str, str] = field(default_factory=dict)  # segment id -> name
    key: str = ""

    @property
    def has_transactions(self) -> bool:
        return self.transactions is not None and len(self.transactions) > 0


def data_key(datasets: dict[str, Dataset], segment_names: dict[str, str]) -> str:
    """A fingerprint of everything the figures depend on."""
    payload = {
        "datasets": {kind: [d.id, d.segment_links] for kind, d in sorted(datasets.items())},
        "segments": segment_names,
    }
    return hashlib.sha1(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def describe(*, session: Session, canvas_id: str) -> tuple[dict[str, Dataset], dict[str, str], str]:
    """The datasets, segment names and data key of a canvas, without reading any rows."""
    datasets = storage.list_datasets(session=session, canvas_id=canvas_id)
    names = {s.id: s.name for s in storage.list_segments(session=session, canvas_id=canvas_id)}
    return datasets, names, data_key(datasets, names)


def load_canvas_data(*, session: Session, canvas_id: str) -> CanvasData:
    """Read the canvas's datasets and link every row to a segment."""
    datasets, names, key = describe(session=session, canvas_id=canvas_id)
    return link_frames(
        {kind: storage.load_dataset(d, session=session) for kind, d in datasets.items()}, datasets, names, key
    )


def link_frames(frames: dict[str, pd.DataFrame], datasets: dict[str, Dataset], names: dict[str, str],
                key: str = "") -> CanvasData:
    """Apply each dataset's segment links (pure: frames in, linked frames out)."""
    customers = frames.get("customers")
    customer_links = datasets["customers"].segment_links if "customers" in datasets else {}
    data = CanvasData(datasets=datasets, segment_names=names, key=key)
    if "transactions" in frames:
        data.transactions = apply_links(frames["transactions"], datasets["transactions"].segment_links, names,
                                        customers=customers, customer_links=customer_links)
    if "surveys" in frames:
        surveys = frames["surveys"]
        if "segment" in surveys.columns:
            data.surveys = apply_links(surveys, datasets["surveys"].segment_links, names)
        else:
            # A respondent belongs to the segment their orders belong to.
            data.surveys = surveys.copy()
            lookup = _customer_segments(data.transactions)
            data.surveys["segment_id"] = surveys["customer_id"].map(lookup["segment_id"]).fillna("").astype("string")
            data.surveys["segment"] = surveys["customer_id"].map(lookup["segment"]).fillna(UNASSIGNED).astype("string")
    if "spend" in frames:
        spend = frames["spend"]
        data.spend = apply_links(spend, datasets["spend"].segment_links, names) if "segment" in spend.columns else spend
    return data


def _customer_segments(transactions: pd.DataFrame | None) -> pd.DataFrame:
    if transactions is None or not len(transactions):
        return pd.DataFrame(columns=["segment_id", "segment"])
    return transactions.drop_duplicates("customer_id").set_index("customer_id")[["segment_id", "segment"]]
