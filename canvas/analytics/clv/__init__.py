"""Predictive customer lifetime value: BG/NBD for future orders, Gamma-Gamma for spend per order.

``rfm`` turns transactions into the per-customer inputs of both models (the RFM summary);
``bgnbd`` and ``gamma_gamma`` hold one model each (likelihood, fit, predictions), on the shared
numerics of ``fitting``; ``analysis`` fits and checks both, predicts CLV per customer or falls
back to historical CLV with reasons a founder can act on, and compares a holdout; ``report``
gives the analysis as a JSON-ready dict and as plain text for a terminal.
"""

from canvas.analytics.clv.analysis import (
    MAX_FREQUENCY_SPEND_CORRELATION,
    MIN_REPEAT_CUSTOMERS,
    MIN_REPEAT_SHARE,
    MORE_ORDERS,
    ClvAnalysis,
    analyse_clv,
    customer_lifetime_value,
)
from canvas.analytics.clv.bgnbd import BGNBDFit, bgnbd_log_likelihood, expected_purchases, fit_bgnbd, probability_alive
from canvas.analytics.clv.gamma_gamma import (
    MIN_SPEND_EVIDENCE,
    GammaGammaFit,
    expected_spend,
    fit_gamma_gamma,
    gamma_gamma_log_likelihood,
)
from canvas.analytics.clv.report import clv_report, format_clv_table
from canvas.analytics.clv.rfm import DAYS_PER_MONTH, DAYS_PER_UNIT, TimeUnit, rfm_summary

__all__ = [
    "DAYS_PER_MONTH", "DAYS_PER_UNIT", "MAX_FREQUENCY_SPEND_CORRELATION", "MIN_REPEAT_CUSTOMERS",
    "MIN_REPEAT_SHARE", "MIN_SPEND_EVIDENCE", "MORE_ORDERS", "BGNBDFit", "ClvAnalysis",
    "GammaGammaFit", "TimeUnit", "analyse_clv", "bgnbd_log_likelihood", "clv_report",
    "customer_lifetime_value", "expected_purchases", "expected_spend", "fit_bgnbd",
    "fit_gamma_gamma", "format_clv_table", "gamma_gamma_log_likelihood", "probability_alive",
    "rfm_summary",
]
