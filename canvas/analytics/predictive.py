"""Predictive CLV for the metrics page: the BG/NBD + Gamma-Gamma fit of ``clv`` over a selection,
as one read-only result, and its per-segment means.

Pure, no Streamlit. Money is in the data's currency; CLV is over the next ``horizon_months``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import pandas as pd

from canvas.analytics import clv

EMPTY_COLUMNS = ["segment", "value", "clv", "clv_historical"]


@dataclass(frozen=True)
class PredictiveCLV:
    """CLV per customer (``customers``: one row each, with ``segment``, ``value`` (the CLV shown),
    ``clv`` (predictive), ``clv_historical`` and, when the purchase model was fitted,
    ``frequency``, ``recency`` and ``p_alive``), whether it fell back to historical CLV, and why.

    The page shares one result between sessions without copying: callers only read the frame.
    """

    customers: pd.DataFrame
    fallback: bool
    reasons: tuple[str, ...] = ()

    @classmethod
    def unavailable(cls, reason: str) -> PredictiveCLV:
        """No customers and no model, for ``reason`` (a sentence for the founder)."""
        return cls(pd.DataFrame(columns=EMPTY_COLUMNS), fallback=True, reasons=(reason,))

    def of_segments(self, names: Iterable[str]) -> PredictiveCLV:
        """The customers of the named segments only (all of them when ``names`` is empty)."""
        names = tuple(names)
        if not names:
            return self
        return replace(self, customers=self.customers[self.customers["segment"].isin(names)])

    def per_segment(self) -> pd.DataFrame:
        """Mean historical and predictive CLV per segment (index: segment name)."""
        return self.customers.groupby("segment").agg(historical=("clv_historical", "mean"),
                                                     predictive=("clv", "mean"))


def predictive_clv(tx: pd.DataFrame | None, *, horizon_months: int = 12) -> PredictiveCLV:
    """BG/NBD + Gamma-Gamma CLV per customer over the rows' own history (calibrated to their last
    day), or historical CLV with the reasons when the data cannot support the models."""
    if tx is None or not len(tx):
        return PredictiveCLV.unavailable("There are no orders in this selection.")
    analysis = clv.analyse_clv(tx, calibration_end=tx["date"].max().date(), horizon_months=horizon_months)
    return PredictiveCLV(analysis.customers, fallback=analysis.fallback is not None, reasons=tuple(analysis.reasons))
