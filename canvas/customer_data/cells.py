"""Parsing columns of cells, vectorised: amounts written any common way, dates in any common
order (or Excel serials), month periods, and ids.

Each parser takes a pandas Series of cells and returns the parsed values (NaN or NaT where a
cell cannot be read) with a description of what it found, for the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd


def clean_text(values: pd.Series) -> pd.Series:
    """Text cells (ids, segment values) without surrounding spaces; a missing cell stays <NA>."""
    return values.astype("string").str.strip()


# What may surround a number in an export: currency symbols and codes, spaces, apostrophes (1'234).
# RE2 syntax: pyarrow runs these in C++ over the whole column.
_NUMBER_DECORATION = r"^[A-Z]{3}\s*|\s*[A-Z]{3}$|[€$£¥₹'\s\x{00a0}\x{202f}]"
_NUMBER_SHAPE = r"^[-+(]?[-+]?[\d.,]*\d[\d.,]*\)?-?$"


def parse_numbers(values: pd.Series, decimal: str | None = None) -> tuple[pd.Series, str]:
    """Numbers written any common way: "$1,234.50", "1.234,50 €", "(12.00)", "-5,00".

    The decimal separator is decided once for the column: the last separator of values that
    have both, and a comma followed by one or two digits at the end, point to a decimal comma.
    ``decimal`` ("." or ",") holds a separator decided before (on a file's first chunk) instead.
    Returns the floats (NaN where unreadable) and the separator ("." or ",").
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype(float), "."
    text = pa.array(values.astype("string").str.strip(), type=pa.large_string())
    if decimal == ",":  # "1.234" is a thousand here: the shortcuts below would read it as a point
        return _parse_decorated(text, values.index, decimal)
    try:  # the usual case, fast: every cell a plain number (or empty) that Arrow reads as it is
        plain = pc.cast(text, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    else:
        return pd.Series(plain.to_numpy(zero_copy_only=False), index=values.index, dtype=float), "."
    if not pc.any(pc.match_substring(text, ",")).as_py():
        plain = _to_floats(text, values.index)
        failed = plain.isna() & values.notna() & (values.astype("string").str.strip() != "")
        if not failed.any():  # the usual case: plain numbers with a decimal point
            return plain, "."
    return _parse_decorated(text, values.index, decimal)


_PLAIN_NUMBER = r"^[-+]?(\d+\.?\d*|\.\d+)$"


def _to_floats(text: Any, index: pd.Index) -> pd.Series:
    """``pandas.to_numeric(text, errors="coerce")`` as floats (``text``: an Arrow string array): the
    plain numbers read by Arrow at once, only the other cells (a few "n/a", say) one by one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    plain = pc.fill_null(pc.match_substring_regex(text, _PLAIN_NUMBER), False)
    try:
        numbers = np.array(pc.cast(pc.if_else(plain, text, pa.scalar(None, text.type)), pa.float64())
                           .to_numpy(zero_copy_only=False), dtype=float)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # a form Arrow does not take: all one by one
        return pd.Series(pd.to_numeric(pd.Series(text.to_pandas()), errors="coerce").astype(float).to_numpy(),
                         index=index)
    rest = np.flatnonzero(~np.asarray(plain) & np.asarray(pc.fill_null(pc.not_equal(text, ""), False)))
    if len(rest):
        numbers[rest] = pd.to_numeric(pd.Series(text.take(pa.array(rest)).to_pandas()), errors="coerce").astype(float)
    return pd.Series(numbers, index=index)


def _parse_decorated(text: Any, index: pd.Index, decimal: str | None) -> tuple[pd.Series, str]:
    """``parse_numbers`` of cells with currency, thousands separators or signs around the number
    (``text``: an Arrow string array); the separator voted by the cells unless ``decimal``.

    When most cells are plain numbers ("12.50") and the separator comes out a point, only the
    others are cleaned: a plain cell reads the same either way and votes for a point exactly
    when it ends in a point and one or two digits."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if decimal == ",":
        return _parse_all_decorated(text, index, decimal)
    plain = pc.fill_null(pc.match_substring_regex(text, _PLAIN_NUMBER), False)
    others = np.flatnonzero(~np.asarray(plain))
    if len(others) > len(text) // 2:
        return _parse_all_decorated(text, index, decimal)
    plain_votes = pc.sum(pc.match_substring_regex(text.filter(plain), r"\.\d{1,2}$")).as_py() or 0
    rest, decimal = _parse_all_decorated(text.take(pa.array(others)), pd.RangeIndex(len(others)), decimal,
                                         point_votes=plain_votes)
    if decimal == ",":
        return _parse_all_decorated(text, index, decimal)
    numbers = _to_floats(pc.if_else(plain, text, pa.scalar(None, text.type)), index)
    numbers.iloc[others] = rest.to_numpy()
    return numbers, decimal


def _parse_all_decorated(text: Any, index: pd.Index, decimal: str | None,
                         point_votes: int = 0) -> tuple[pd.Series, str]:
    """``_parse_decorated`` cleaning every cell; ``point_votes``: votes for a point cast elsewhere."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cleaned = pc.replace_substring_regex(text, _NUMBER_DECORATION, "")
    cleaned = pc.if_else(pc.match_substring_regex(cleaned, _NUMBER_SHAPE), cleaned, pa.scalar(""))
    negative = pc.or_(pc.and_(pc.starts_with(cleaned, "("), pc.ends_with(cleaned, ")")),
                      pc.ends_with(cleaned, "-"))
    leading_minus = pc.starts_with(cleaned, "-")
    cleaned = pc.utf8_trim(cleaned, "()+-")
    comma_votes = pc.sum(pc.match_substring_regex(cleaned, r",\d{1,2}$|\.\d{3},")).as_py() or 0
    point_votes += pc.sum(pc.match_substring_regex(cleaned, r"\.\d{1,2}$|,\d{3}\.")).as_py() or 0
    if decimal is None:
        decimal = "," if comma_votes > point_votes else "."
    if decimal == ",":
        cleaned = pc.replace_substring(pc.replace_substring(cleaned, ".", ""), ",", ".")
    else:
        cleaned = pc.replace_substring(cleaned, ",", "")
    numbers = _to_floats(cleaned, index)
    sign = np.where(np.asarray(pc.or_(negative, leading_minus).fill_null(False)), -1.0, 1.0)
    return numbers * sign, decimal


_DATE_FORMATS = ("%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%m-%d-%Y", "%Y/%m/%d", "%d.%m.%y",
                 "%d/%m/%y", "%m/%d/%y")
_TIME_SUFFIXES = ("", " %H:%M", " %H:%M:%S")


# Dates are held as nanoseconds since 1970 (pandas' datetime64[ns]): only these days fit.
FIRST_DATE, LAST_DATE = pd.Timestamp("1677-09-22"), pd.Timestamp("2262-04-11")


def parse_dates(values: pd.Series, *, european: bool) -> tuple[pd.Series, str]:
    """Dates in ISO, day-first, month-first, with or without time and zone, or Excel serials.

    Ambiguous day/month order is decided from the data (a first part above 12 means day-first,
    a second part above 12 month-first), else by the file's style. Returns naive timestamps
    (zoned ones converted to UTC; NaT where unreadable or outside ``FIRST_DATE``-``LAST_DATE``)
    and a description of the format used.
    """
    parsed, how, _ = parse_dates_in_range(values, european=european)
    return parsed, how


@dataclass(frozen=True)
class DateRule:
    """How a column's text dates are read, decided from its first 500 dates: ``method`` "serials"
    (Excel day numbers), "iso", "format" (``format``, strptime style) or "mixed" (cell by cell,
    ``dayfirst``); ``how`` says so for the report. Held for a file's later chunks (``stream``)."""

    how: str
    method: str
    format: str | None = None
    dayfirst: bool = False


def parse_dates_in_range(values: pd.Series, *, european: bool,
                         rule: DateRule | None = None) -> tuple[pd.Series, str, np.ndarray]:
    """``parse_dates``, and which cells held a date outside ``FIRST_DATE``-``LAST_DATE`` (9999-12-31,
    0001-01-01: NaT in the dates, named in the report as such rather than as unreadable)."""
    parsed, found, outside = parse_dates_with_rule(values, european=european, rule=rule)
    return parsed, found.how, outside


def parse_dates_with_rule(values: pd.Series, *, european: bool,
                          rule: DateRule | None = None) -> tuple[pd.Series, DateRule, np.ndarray]:
    """``parse_dates_in_range`` with the rule used (``rule``, when given and the cells are text,
    instead of one decided from these cells)."""
    wide, found = _parse_dates_wide(values, european=european, rule=rule)
    if getattr(wide.dt, "tz", None) is not None:
        wide = wide.dt.tz_convert(None)
    if wide.dtype == "datetime64[ns]":
        return wide, found, np.zeros(len(wide), dtype=bool)
    outside = (wide.notna() & ((wide < FIRST_DATE) | (wide > LAST_DATE))).to_numpy()
    return wide.where(~outside).astype("datetime64[ns]"), found, outside


_CELLS = DateRule("date cells", "cells")
_SERIALS = DateRule("Excel serial numbers", "serials")
NO_DATES = DateRule("no dates", "none")


def _parse_dates_wide(values: pd.Series, *, european: bool,
                      rule: DateRule | None = None) -> tuple[pd.Series, DateRule]:
    """``parse_dates`` in whatever resolution pandas gives (microseconds reach the year 9999)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values, _CELLS
    if pd.api.types.is_numeric_dtype(values):
        return _excel_serials(values.astype(float)), _SERIALS
    if values.dtype == object and len(values) and values.map(lambda v: isinstance(v, (datetime, date))).any():
        return pd.to_datetime(values, errors="coerce"), _CELLS
    text = values.astype("string").str.strip()
    if rule is None or rule.method not in ("serials", "iso", "format", "mixed"):
        present = text[text.fillna("") != ""]
        if present.empty:
            return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]"), NO_DATES
        rule = _text_date_rule(present.head(500), european=european)
    return _read_text_dates(text, rule), rule


def _text_date_rule(sample: pd.Series, *, european: bool) -> DateRule:
    """The rule that reads ``sample`` (text dates, none empty) best."""
    if sample.str.fullmatch(r"\d{5}(\.\d+)?").mean() > 0.9:
        return _SERIALS
    if sample.str.match(r"\d{4}-\d{2}-\d{2}").mean() > 0.9:
        return DateRule("ISO 8601 (year-month-day)", "iso")
    first = pd.to_numeric(sample.str.extract(r"^(\d{1,2})[./-]")[0], errors="coerce")
    second = pd.to_numeric(sample.str.extract(r"^\d{1,2}[./-](\d{1,2})[./-]")[0], errors="coerce")
    if (first > 12).any():
        order, why = "day", "day-first (a day above 12 appears first)"
    elif (second > 12).any():
        order, why = "month", "month-first (a day above 12 appears second)"
    elif european:
        order, why = "day", "day-first (ambiguous in the data; the file looks European)"
    else:
        order, why = "month", "month-first (ambiguous in the data; the file looks American)"
    best, best_count = None, -1
    for fmt in _DATE_FORMATS:
        if fmt.startswith("%m") and order == "day" or fmt.startswith("%d") and order == "month":
            continue
        for suffix in _TIME_SUFFIXES:
            count = pd.to_datetime(sample, format=fmt + suffix, errors="coerce").notna().sum()
            if count > best_count:
                best, best_count = fmt + suffix, count
    if best_count <= 0:
        return DateRule(f"mixed formats, {why}", "mixed", dayfirst=order == "day")
    return DateRule(f"{best} ({why})", "format", format=best)


def _read_text_dates(text: pd.Series, rule: DateRule) -> pd.Series:
    """Text dates (stripped) read by ``rule``."""
    if rule.method == "serials":
        return _excel_serials(pd.to_numeric(text, errors="coerce"))
    if rule.method == "iso":
        fast = _arrow_timestamps(text)
        if fast is not None:
            return fast
        return _iso_dates_mostly_plain(text)
    if rule.method == "mixed":
        parsed = pd.to_datetime(text, errors="coerce", format="mixed", dayfirst=rule.dayfirst, utc=True)
        return parsed.dt.tz_convert(None)
    return pd.to_datetime(text, format=rule.format, errors="coerce")


def _arrow_timestamps(text: pd.Series) -> pd.Series | None:
    """ISO dates and times without a zone ("2026-01-31", "2026-01-31 07:36:16"), read by Arrow
    at once; None when any cell is something else (then pandas reads them, cell by cell)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = pa.array(text, type=pa.string())
    try:
        stamps = pc.cast(cells, pa.timestamp("ns"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if stamps.null_count != cells.null_count:
        return None
    return pd.Series(stamps.to_numpy(zero_copy_only=False), index=text.index).astype("datetime64[ns]")


_PLAIN_ISO = r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}:\d{2})?$"


def _iso_dates_mostly_plain(text: pd.Series) -> pd.Series:
    """ISO dates where some cells are not plain "2026-01-31" or "2026-01-31 07:36:16" (or with a T): the plain
    ones read by Arrow at once, the others by pandas (zones converted to UTC), one by one."""
    plain = text.str.fullmatch(_PLAIN_ISO).fillna(False).to_numpy(dtype=bool)
    fast = _arrow_timestamps(text[plain]) if plain.any() else None
    if fast is None:  # none plain, or a plain-looking one Arrow refuses (2026-13-45): pandas reads all
        return pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True).dt.tz_convert(None)
    rest = pd.to_datetime(text[~plain], format="ISO8601", errors="coerce", utc=True).dt.tz_convert(None)
    # In the other cells' resolution: pandas reads 9999-12-31 in microseconds, beyond nanoseconds'.
    out = pd.Series(pd.NaT, index=text.index, dtype=rest.dtype)
    out[plain] = fast.astype(rest.dtype)
    out[~plain] = rest
    return out


def _excel_serials(numbers: pd.Series) -> pd.Series:
    """Excel's day numbers (1 is 1900-01-01) as timestamps to the second (reaching 9999-12-31)."""
    plausible = numbers.between(1, 2958465)  # 1900-01-01 .. 9999-12-31
    seconds = np.round(numbers.where(plausible).to_numpy(dtype=float) * 86400)
    missing = np.isnan(seconds)
    stamps = np.datetime64("1899-12-30T00:00:00", "s") + np.where(missing, 0, seconds).astype("int64").astype(
        "timedelta64[s]")
    stamps[missing] = np.datetime64("NaT")
    return pd.Series(stamps, index=numbers.index)


def parse_periods(values: pd.Series, *, european: bool) -> tuple[pd.Series, str]:
    """Month periods as their first day: "2024-01", "01/2024", "Jan 2024" or any full date."""
    text = values.astype("string").str.strip()
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for pattern, fmt in ((r"\d{4}-\d{1,2}", "%Y-%m"), (r"\d{1,2}/\d{4}", "%m/%Y"), (r"\d{1,2}\.\d{4}", "%m.%Y"),
                         (r"[A-Za-z]{3} \d{4}", "%b %Y"), (r"[A-Za-z]+ \d{4}", "%B %Y")):
        hit = text.str.fullmatch(pattern).fillna(False) & parsed.isna()
        if hit.any():
            parsed[hit] = pd.to_datetime(text[hit], format=fmt, errors="coerce")
    rest = parsed.isna() & text.fillna("").ne("")
    if rest.any():
        parsed[rest] = parse_dates(values[rest], european=european)[0]
    return parsed.dt.to_period("M").dt.start_time.astype("datetime64[ns]"), "months"

