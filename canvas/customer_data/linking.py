"""Linking customer data to the canvas's segments. Pure functions over DataFrames.

A dataset keeps the segment values as they were in the file; ``segment_links`` maps each value
to a canvas segment id ("" for Unassigned). Links are applied when the data is read, so renaming
a segment on the canvas never needs the data to be uploaded again. ``suggest`` proposes a link
for each value of a new upload, with its reason, for the founder to confirm.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np
import pandas as pd

from canvas.domain.value_keys import value_key

UNASSIGNED = "Unassigned"


# Words that say nothing about which segment a value means; sharing one is no reason to link.
_FILLER_WORDS = frozenset({
    "a", "an", "and", "the", "of", "for", "to", "in", "on", "with", "by", "at", "or",
    "customer", "client", "user", "segment", "group", "other", "all", "misc", "unknown", "none", "new",
})
# difflib ratios. Whole names: "homebrewer"/"home brewers" is 0.95, "gifts"/"guests" 0.73. One word
# must be closer: "ofice"/"office" is 0.91, but "brewery"/"brewers" (0.86) may be another business.
CLOSE_SPELLING = 0.85
CLOSE_WORD = 0.9


@dataclass(frozen=True)
class LinkSuggestion:
    """Which canvas segment a segment value of an upload probably means, and why.

    ``segment_id`` is "" (Unassigned) with an empty ``reason`` when nothing is convincing.
    """

    value: str
    segment_id: str = ""
    reason: str = ""
    remembered: bool = False

    @property
    def suggested(self) -> bool:
        return bool(self.segment_id)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", value_key(text))


def _by_name(value: str, segments: Mapping[str, str]) -> LinkSuggestion:
    """The one segment whose name convincingly matches ``value``, by the first rule that picks one
    segment alone: same name, same words but for singular/plural, close spelling, a shared
    telling word, one word spelt closely."""
    key, words = value_key(value), _words(value)
    singular = [_singular(w) for w in words]
    telling = {w for w in singular if w not in _FILLER_WORDS and len(w) > 2}
    rules: list[dict[str, str]] = [{}, {}, {}, {}, {}]  # per rule: segment id -> reason
    for segment_id, name in segments.items():
        name_key, name_words = value_key(name), _words(name)
        if name_key == key:
            rules[0][segment_id] = "same name" if name == value else "same name ignoring case"
        elif name_words == words and words:
            rules[1][segment_id] = f"same words as “{name}”"
        elif [_singular(w) for w in name_words] == singular and words:
            rules[1][segment_id] = f"singular/plural of “{name}”"
        if SequenceMatcher(None, key, name_key).ratio() >= CLOSE_SPELLING:
            rules[2][segment_id] = f"close spelling of “{name}”"
        shared = [w for w in name_words if _singular(w) in telling]
        if shared:
            listed = ", ".join(f"“{w}”" for w in shared)
            rules[3][segment_id] = f"shares the word{'s' if len(shared) > 1 else ''} {listed}"
        # A misspelt word of the name ("ofice" for "office"), long enough not to match by chance.
        if any(len(w) > 4 and len(n) > 4 and SequenceMatcher(None, w, n).ratio() >= CLOSE_WORD
               for w in telling for n in name_words):
            rules[4][segment_id] = f"close spelling of “{name}”"
    for found in rules:
        if len(found) == 1:
            (segment_id, reason), = found.items()
            return LinkSuggestion(value, segment_id, reason)
        if len(found) > 1:
            break  # the best rule that matches points at several segments: let the founder choose
    return LinkSuggestion(value)


def suggest(values: Iterable[str], segments: Mapping[str, str],
            remembered: Mapping[str, str] | None = None) -> dict[str, LinkSuggestion]:
    """A suggested link for each raw segment value of an upload, for the founder to confirm.

    ``segments`` maps segment id -> name; ``remembered`` maps ``value_key`` -> segment id of the
    links the founder confirmed on earlier uploads of this canvas: they come first, unless their
    segment is no longer on the canvas. Then names decide (see ``_by_name``); nothing
    convincing means no suggestion (Unassigned).
    """
    remembered = remembered or {}
    out = {}
    for value in values:
        segment_id = remembered.get(value_key(value), "")
        if segment_id in segments:
            out[value] = LinkSuggestion(value, segment_id, "you linked this before", remembered=True)
        else:
            out[value] = _by_name(value, segments)
    return out


def suggest_links(values: Iterable[str], segments: Mapping[str, str]) -> dict[str, str]:
    """The name-based suggestions as a dataset's ``segment_links`` (value -> segment id, "" for
    Unassigned), for data linked with no founder to confirm (the demo, benchmarks)."""
    return {value: s.segment_id for value, s in suggest(values, segments).items()}


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
    linked_ids = [table.get(v, "") if isinstance(v, str) else "" for v in values]
    value_ids = np.array([sid if sid in known else "" for sid in linked_ids] + [""], dtype=object)
    ids = value_ids[codes]  # code -1 (missing) takes the trailing ""
    names = np.array([known.get(sid, UNASSIGNED) for sid in value_ids], dtype=object)[codes]
    out["segment_id"] = pd.array(ids, dtype="string")
    out["segment"] = pd.array(names, dtype="string")
    return out
