"""Customer-relationship metrics from transactions, survey responses and acquisition spend.

Every function here is pure and vectorised: DataFrames in, numbers or DataFrames out, no
Streamlit and no database. Definitions follow ``DOMAIN.md``; each module's docstring says how it
decides the edge cases DOMAIN.md leaves open. ``periods`` holds the periods (month, quarter, ISO
week) and their labels, ``prepare`` the prepared rows and windows every figure starts from,
``tables`` the per-period tables the series share; the figure families are ``headline``,
``retention`` (activity, churn, cohorts), ``revenue`` (layer cake, NRR/GRR), ``lifetime``
(simple CLV), ``surveys`` (NPS, CSAT) and ``acquisition`` (CAC, LTV:CAC, payback); ``report``
gathers them into a JSON-ready dict from the sums of ``partials`` (which add up over disjoint
sets of customers, so ``canvas.analytics.large`` reports data too big for memory part by part
with the same code) and ``table`` prints that dict for a terminal.
"""

from canvas.analytics.metrics.acquisition import cac, cac_payback_months, ltv_to_cac
from canvas.analytics.metrics.headline import summary
from canvas.analytics.metrics.lifetime import simple_clv
from canvas.analytics.metrics.periods import (
    DAYS_PER_YEAR,
    PERIODS,
    PERIODS_PER_YEAR,
    Period,
    period_index,
    period_label,
    period_ordinals,
)
from canvas.analytics.metrics.prepare import DateLike, Prepared, prepare, segment_values, subset
from canvas.analytics.metrics.report import metrics_report
from canvas.analytics.metrics.retention import active_customers, cohort_retention, contract_retention, period_retention
from canvas.analytics.metrics.revenue import revenue_by_cohort, revenue_retention, revenue_retention_window
from canvas.analytics.metrics.surveys import csat, nps
from canvas.analytics.metrics.table import format_metrics_table

__all__ = [
    "DAYS_PER_YEAR", "PERIODS", "PERIODS_PER_YEAR", "DateLike", "Period", "Prepared",
    "active_customers", "cac", "cac_payback_months", "cohort_retention", "contract_retention",
    "csat", "format_metrics_table", "ltv_to_cac", "metrics_report", "nps", "period_index",
    "period_label", "period_ordinals", "period_retention", "prepare", "revenue_by_cohort",
    "revenue_retention", "revenue_retention_window", "segment_values", "simple_clv", "subset",
    "summary",
]
