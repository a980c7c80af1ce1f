"""Linking customer data to the canvas's segments. Pure functions over DataFrames.

A dataset keeps the segment values as they were in the file; ``segment_links`` maps each value
to a canvas segment id ("" for Unassigned). Links are applied when the data is read, so renaming
a segment on the canvas never needs the data to be uploaded again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

UNASSIGNED = "Unassigned"


def _key(value: str) -> str:
    return " ".join(str(value).split()).casefold()


def suggest_links(values: Iterable[str], segments: Mapping[str, str]) -> dict[str, str]:
    """Match each raw segment value to a segment id by name (case and spacing ignored).

    ``segments`` maps segment id -> name. Values with no match map to "" (Unassigned).
    """
    by_name = {_key(name): segment_id for segment_id, name in segments.items()}
    return {value: by_name.get(_key(value), "") for value in values}


def segment_values(frame: pd.DataFrame) -> list[str]:
    """The distinct raw segment values of a dataset, most frequent first."""
    if "segment" not in frame.columns:
        return []
    return [str(v) for v in frame["segment"].dropna().value_counts().index]


def apply_links(frame: pd.DataFrame, links: Mapping[str, str], segments: Mapping[str, str],
                customers: pd.DataFrame | None = None, customer_links: Mapping[str, str] | None = None
                ) -> pd.DataFrame:
    """The frame with ``segment_id`` and ``segment`` (the canvas segment's name, or Unassigned).

    Segment values come from the frame's own ``segment`` column, else from a customers file
    (customer_id -> segment) with its own links. Vectorised: one map over the distinct values.
    """
    out = frame.copy()
    if "segment" in frame.columns:
        raw = frame["segment"].astype("string")
        table = dict(links)
    elif customers is not None and len(customers):
        lookup = customers.drop_duplicates("customer_id", keep="last").set_index("customer_id")["segment"]
        raw = frame["customer_id"].map(lookup).astype("string")
        table = dict(customer_links or {})
    else:
        raw = pd.Series(pd.NA, index=frame.index, dtype="string")
        table = {}
    known = dict(segments)
    # One lookup per distinct value, then a take: a million rows hold a handful of values.
    codes, values = pd.factorize(raw)
    value_ids = [table.get(v, "") if isinstance(v, str) else "" for v in values]
    value_ids = np.array([sid if sid in known else "" for sid in value_ids] + [""], dtype=object)
    ids = value_ids[codes]  # code -1 (missing) takes the trailing ""
    names = np.array([known.get(sid, UNASSIGNED) for sid in value_ids], dtype=object)[codes]
    out["segment_id"] = pd.array(ids, dtype="string")
    out["segment"] = pd.array(names, dtype="string")
    return out
