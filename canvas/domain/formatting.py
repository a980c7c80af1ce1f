"""Every number a founder reads, written one way: money, short figures, values by kind, changes, targets.

Pure functions, no Streamlit. The kinds (``unit``) are those of ``measures.TARGETS`` and the
metrics page's tiles: ``count``, ``rate`` (a fraction 0-1, shown in percent), ``money`` (in the
canvas currency), ``score`` (NPS, -100..100) and ``ratio``.
"""

from __future__ import annotations

from canvas.domain.measures import TARGETS


def money(amount: float, currency: str) -> str:
    """An amount in the canvas currency: whole units from 100 up (1,250 EUR), cents below (49.90 EUR)."""
    return f"{amount:,.0f} {currency}" if amount >= 100 else f"{amount:,.2f} {currency}"


def compact(amount: float) -> str:
    """Short figure for a tile: 2,234 / 41.7k / 4.17M (signed when negative)."""
    size = abs(amount)
    if size >= 1e6:
        return f"{amount / 1e6:,.2f}M"
    if size >= 1e4:
        return f"{amount / 1e3:,.1f}k"
    return f"{amount:,.0f}"


def format_value(value: float | None, unit: str, currency: str = "", *, missing: str = "—") -> str:
    """A figure by its kind: count 1,766; rate (a fraction) 92.1 %; money 68.61, followed by the
    currency when given; score (NPS) 24; ratio 8.7. None or NaN: ``missing`` (a dash on screen,
    "n/a" in the terminal tables)."""
    import pandas as pd  # here, not above: every model imports this module, few format a figure

    if value is None or pd.isna(value):
        return missing
    if unit == "rate":
        return f"{value * 100:.1f} %"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "score":
        return f"{value:.0f}"
    if unit == "ratio":
        return f"{value:.1f}"
    text = f"{value:,.2f}"
    return f"{text} {currency}" if currency else text


def format_delta(delta: float, unit: str) -> str:
    """A signed change between two figures of one kind: count +77; rate in percentage points
    +0.3 pts; NPS in points, a decimal only below 10 (+0.3 pts, +12 pts); money +13.97, compact
    from 10,000 (+41.7k); ratio +2.5. A change that rounds to nothing is "0" (Streamlit greys it)."""
    if unit == "rate":
        text = f"{delta * 100:+.1f} pts"
    elif unit == "score":
        text = f"{delta:+.1f} pts" if abs(delta) < 9.95 else f"{delta:+.0f} pts"
        text = text.replace(".0 pts", " pts")
    elif unit == "money":
        text = f"{delta:+,.2f}" if abs(delta) < 1e4 else ("+" if delta > 0 else "") + compact(delta)
    elif unit == "ratio":
        text = f"{delta:+.1f}"
    else:
        text = f"{delta:+,.0f}"
    return "0" if not any(c in "123456789" for c in text.split(" ")[0]) else text


def change_caption(before: float, after: float, unit: str, currency: str = "") -> str:
    """What a what-if change leads to, as "49.95 → 54.95 EUR" (unchanged: "49.95 EUR, unchanged")."""
    if format_value(before, unit) == format_value(after, unit):
        return f"{format_value(before, unit, currency)}, unchanged"
    return f"{format_value(before, unit)} → {format_value(after, unit, currency)}"


def target_text(key: str, value: float, currency: str) -> str:
    """A target of ``measures.TARGETS`` as the founder set it, with no trailing zeros: rates in
    percent (93 %, 92.5 %), money as on the board (``money``: 6,000 EUR), scores as they are (40)."""
    unit = TARGETS[key][1]
    if unit == "rate":
        return f"{round(value * 100, 1):g} %"
    if unit == "money":
        return money(value, currency)
    return f"{value:g}"


def finding_figure(key: str, value: float) -> str:
    """A measured figure or target of ``measures.TARGETS`` inside a coach finding's sentence:
    ``format_value`` of its kind, money in whole units without the currency (85.0 %, 1,250, 24)."""
    unit = TARGETS[key][1]
    return format_value(value, "count" if unit == "money" else unit)


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: control and other invisible characters as escapes
    (``\\x1b``, ``\\u202e``), so a name saved before they were refused cannot move the cursor,
    recolour the terminal or hide text; letters of every script are kept."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
