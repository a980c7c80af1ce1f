"""The headline figures of one selection and the KPI tiles made from them, each with its window.

``compute_figures`` gives every period series and headline figure of a selection of
transactions (``Figures``); ``kpi_tiles`` turns them into the tiles the metrics page draws and
``python -m canvas metrics --canvas`` prints. Each tile says which span of time its number
covers (``Tile.window``, from ``window_label``), so the page and the CLI never show two numbers
under one name. Rates are fractions; periods are ``pandas.Period``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from canvas.analytics import metrics
from canvas.domain.measures import target_met

# The spans a headline figure can cover. A tile's window is one of these; ``window_label``
# writes it the one way the page and the CLI both show.
LAST_PERIOD = "last_period"  # the last complete period of the chosen granularity
SELECTION = "selection"  # every row of the selection (its dates and segments)


def window_label(window: str, period: str) -> str:
    """The words for a figure's window: ``last month`` (or week, quarter) for the last complete
    period, ``whole selection`` for all the selected rows."""
    if window == LAST_PERIOD:
        return f"last {period}"
    if window == SELECTION:
        return "whole selection"
    raise ValueError(f"unknown window {window!r}")


@dataclass(frozen=True)
class Figures:
    """Everything the page draws for one selection, computed once.

    Frames are shared by every session showing this selection (the page caches them without
    copying): callers only read them.
    """

    summary: pd.Series
    previous_summary: pd.Series | None
    active: pd.DataFrame
    retention: pd.DataFrame
    revenue_retention: pd.DataFrame
    cohorts: pd.DataFrame
    layer_cake: pd.DataFrame
    period: metrics.Period = "month"
    nps: float | None = None
    csat: float | None = None
    previous_nps: float | None = None
    previous_csat: float | None = None
    cac: pd.DataFrame | None = None


@dataclass(frozen=True)
class Tile:
    """One headline figure: ``value`` and the previous period's ``previous`` in ``unit`` (count,
    rate, money, score, ratio), over ``window`` (the words of ``window_label``), held to
    ``target`` when one applies."""

    key: str
    label: str
    value: float | None
    unit: str
    previous: float | None = None
    target: float | None = None
    help: str = ""
    window: str = ""

    @property
    def delta(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def met(self) -> bool | None:
        """Whether the value meets its target (direction-aware), None without either."""
        if self.value is None or self.target is None:
            return None
        return target_met(self.key, self.value, self.target)


def shown_label(tile: Tile, currency: str) -> str:
    """A tile's name as the page and the CLI show it: money tiles name the currency, "AOV (EUR)"."""
    return f"{tile.label} ({currency})" if tile.unit == "money" else tile.label


def tile_record(tile: Tile, currency: str) -> dict[str, Any]:
    """A tile as plain data for JSON: key, label (``shown_label``), window, unit, value, previous,
    target and met (NaN and missing values as None)."""
    return {"key": tile.key, "label": shown_label(tile, currency), "window": tile.window, "unit": tile.unit,
            "value": tile.value, "previous": tile.previous, "target": tile.target, "met": tile.met}


def number(value: Any) -> float | None:
    """``value`` as a float, or None when it is missing, not a number, NaN or infinite."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) or math.isinf(value) else value


def complete(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of complete periods only (a period cut short by the window says little)."""
    return frame[~frame["partial"]] if "partial" in frame.columns else frame


def _last_two(series: pd.Series) -> tuple[float | None, float | None]:
    values = series.dropna()
    last = number(values.iloc[-1]) if len(values) else None
    before = number(values.iloc[-2]) if len(values) > 1 else None
    return last, before


def compute_figures(tx: pd.DataFrame | metrics.Prepared, surveys: pd.DataFrame | None, spend: pd.DataFrame | None, *,
                    period: metrics.Period = "month", margin: float | None = None) -> Figures:
    """All period series and headline figures for one selection of transactions."""
    tx = metrics.prepare(tx)  # factorised and sorted once for every figure below (a no-op if done)
    active = metrics.active_customers(tx, period)
    last_end = None
    done = complete(active)
    if len(done) > 1:
        last_end = done.index[-2].end_time.normalize()
    previous = metrics.summary(tx, end=last_end, margin=margin) if last_end is not None else None
    scores: dict[str, float | None] = {}
    if surveys is not None and len(surveys):
        scores["nps"] = number(metrics.nps(surveys)) if "nps" in surveys else None
        scores["csat"] = number(metrics.csat(surveys)) if "csat" in surveys else None
        if last_end is not None:
            earlier = surveys[surveys["date"] <= last_end]
            if len(earlier):
                scores["previous_nps"] = number(metrics.nps(earlier))
                scores["previous_csat"] = number(metrics.csat(earlier))
    return Figures(
        summary=metrics.summary(tx, margin=margin),
        previous_summary=previous,
        active=active,
        retention=metrics.period_retention(tx, period),
        revenue_retention=metrics.revenue_retention(tx, period),
        cohorts=metrics.cohort_retention(tx, period),
        layer_cake=metrics.revenue_by_cohort(tx, period),
        period=period,
        cac=metrics.cac(tx, spend, period) if spend is not None and len(spend) else None,
        **scores,
    )


def kpi_tiles(figures: Figures, *, targets: Mapping[str, float] | None = None) -> list[Tile]:
    """The headline tiles, each with the previous period's value, its window and, when given,
    its target."""
    s, p = figures.summary, figures.previous_summary
    ret_now, ret_before = _last_two(complete(figures.retention)["retention_rate"])
    act_now, act_before = _last_two(complete(figures.active)["active"].astype(float))
    nrr_now, nrr_before = _last_two(complete(figures.revenue_retention)["nrr"]) \
        if len(figures.revenue_retention) else (None, None)
    cac_now = cac_before = None
    if figures.cac is not None and len(figures.cac):
        cac_now, cac_before = _last_two(figures.cac["cac"])
    clv = number(s.get("clv_historical"))
    ltv_cac = number(metrics.ltv_to_cac(clv, cac_now)) if clv is not None and cac_now else None
    ltv_cac_before = None
    if p is not None and cac_before:
        ltv_cac_before = number(metrics.ltv_to_cac(number(p.get("clv_historical")) or 0, cac_before))

    def prev(key: str) -> float | None:
        return number(p.get(key)) if p is not None else None

    last, whole = window_label(LAST_PERIOD, figures.period), window_label(SELECTION, figures.period)
    tiles = [
        Tile("customers", "Active customers", act_now, "count", act_before, window=last,
             help="Customers with at least one order in the last complete period."),
        Tile("retention_rate", "Retention", ret_now, "rate", ret_before, window=last,
             help="Share of the previous period's active customers active again (last complete period)."),
        Tile("churn_rate", "Churn", None if ret_now is None else 1 - ret_now, "rate",
             None if ret_before is None else 1 - ret_before, window=last, help="1 − retention."),
        Tile("repeat_purchase_rate", "Repeat purchase rate", number(s.get("repeat_purchase_rate")), "rate",
             prev("repeat_purchase_rate"), window=whole, help="Share of customers with 2 or more orders."),
        Tile("aov", "AOV", number(s.get("aov")), "money", prev("aov"), window=whole,
             help="Average order value: revenue / orders."),
        Tile("clv", "CLV", clv, "money", prev("clv_historical"), window=whole,
             help="Historical CLV: revenue per customer to date (× margin when given)."),
        Tile("nrr", "NRR", nrr_now, "rate", nrr_before, window=last,
             help="Revenue in the period from last period's customers / their revenue last period."),
        Tile("nps", "NPS", figures.nps, "score", figures.previous_nps, window=whole,
             help="% promoters (9-10) − % detractors (0-6), −100 to 100."),
        Tile("csat", "CSAT", figures.csat, "rate", figures.previous_csat, window=whole,
             help="% of responses scoring 4 or 5."),
        Tile("cac", "CAC", cac_now, "money", cac_before, window=last,
             help="Acquisition spend in the period / customers whose first order falls in it."),
        Tile("ltv_cac", "LTV : CAC", ltv_cac, "ratio", ltv_cac_before, window=last,
             help="Historical CLV / CAC; 3 or more is usually called healthy."),
    ]
    return with_targets(tiles, targets or {})


def with_targets(tiles: list[Tile], targets: Mapping[str, float]) -> list[Tile]:
    """The tiles, each held to its target in ``targets`` (measure key -> target) when it has one."""
    return [replace(tile, target=targets[tile.key]) if tile.key in targets else tile for tile in tiles]


def tile_targets(targets: Mapping[str, float], period: str) -> dict[str, float]:
    """The targets a tile can be held to at this granularity: retention and churn targets are
    monthly rates, so they apply to monthly tiles only."""
    per_period = {"retention_rate", "churn_rate"}
    return {key: value for key, value in targets.items() if period == "month" or key not in per_period}
