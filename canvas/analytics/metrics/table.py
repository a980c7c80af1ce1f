"""The metrics report as plain text for a terminal."""

from __future__ import annotations

from typing import Any

from canvas.domain.formatting import format_value


def _fmt_money(v: Any) -> str:
    return format_value(v, "money", missing="n/a")


def _fmt_pct(v: Any) -> str:
    return format_value(v, "rate", missing="n/a")


def _fmt_num(v: Any, digits: int = 2) -> str:
    if v is None:
        return "n/a"
    return f"{v:,}" if isinstance(v, int) else f"{v:,.{digits}f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(header)]
    line = lambda cells: "  ".join(  # noqa: E731
        c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return [line(header), line(["-" * w for w in widths])] + [line(r) for r in rows]


def format_metrics_table(report: dict[str, Any], *, max_cohorts: int = 24,
                         max_offsets: int = 12) -> str:
    """The report of :func:`metrics_report` as plain text for a terminal. Rates are shown as
    percentages; long cohort tables are cut to the latest ``max_cohorts`` cohorts and the
    first ``max_offsets`` periods (``--json`` has everything)."""
    win = report["window"]
    out = [f"Customer metrics by {report['period']}, {win['start']} to {win['end']} "
           f"(as of {win['as_of']})"
           + (f", margin {_fmt_pct(report['margin'])}" if report.get("margin") else ""), ""]
    headline = [
        ("Customers", _fmt_num(report["customers"])),
        ("Orders", _fmt_num(report["orders"])),
        ("Revenue", _fmt_money(report["revenue"])),
        ("Average order value", _fmt_money(report["aov"])),
        ("Purchase frequency (orders per customer)", _fmt_num(report["purchase_frequency"])),
        ("Repeat purchase rate", _fmt_pct(report["repeat_purchase_rate"])),
        ("Orders per customer per year", _fmt_num(report["orders_per_customer_per_year"])),
        ("Annual churn", _fmt_pct(report["annual_churn"])),
        ("Historical CLV", _fmt_money(report["clv_historical"])),
        ("Simple CLV", _fmt_money(report["clv_simple"])),
        ("NRR, last 12 months", _fmt_pct(report["nrr_12m"])),
        ("GRR, last 12 months", _fmt_pct(report["grr_12m"])),
    ]
    for key, label, fmt in (("nps", "NPS", lambda v: _fmt_num(v, 1)), ("csat", "CSAT", _fmt_pct),
                            ("cac_overall", "CAC", _fmt_money),
                            ("ltv_cac", "LTV:CAC", lambda v: _fmt_num(v, 1)),
                            ("cac_payback_months", "CAC payback (months)",
                             lambda v: _fmt_num(v, 1))):
        if key in report:
            headline.append((label, fmt(report[key])))
    width = max(len(label) for label, _ in headline)
    out += [f"  {label.ljust(width)}  {value}" for label, value in headline]

    if report["retention"]:
        out += ["", "Period retention ('*' = period cut short by the window)"]
        rows = [[r["period"] + ("*" if r["partial"] else ""), _fmt_num(r["active_previous"]),
                 _fmt_num(r["retained"]), _fmt_pct(r["retention_rate"]),
                 _fmt_pct(r["churn_rate"])] for r in report["retention"]]
        out += ["  " + s for s in _table(["period", "active before", "retained", "retention",
                                          "churn"], rows)]
    if report["revenue_retention"]:
        out += ["", "Revenue retention (customers active in the period before)"]
        rows = [[r["period"], _fmt_num(r["base_customers"]), _fmt_pct(r["nrr"]),
                 _fmt_pct(r["grr"])] for r in report["revenue_retention"]]
        out += ["  " + s for s in _table(["period", "base customers", "NRR", "GRR"], rows)]
    cohorts = report["cohorts"]
    if cohorts:
        shown = cohorts[-max_cohorts:]
        offsets = min(max_offsets, max(len(c["retention"]) for c in shown))
        note = f" (latest {len(shown)} of {len(cohorts)})" if len(shown) < len(cohorts) else ""
        out += ["", f"Cohort retention, share of cohort active k periods after its first{note}"]
        rows = [[c["cohort"], _fmt_num(c["size"])]
                + [f"{100 * v:.0f}%" if v is not None else "" for v in c["retention"][:offsets]]
                + [""] * (offsets - len(c["retention"][:offsets])) for c in shown]
        out += ["  " + s for s in _table(["cohort", "size"] + [str(k) for k in range(offsets)],
                                         rows)]
    if report.get("segments"):
        out += ["", "Segments"]
        rows = [[name, _fmt_num(s["customers"]), _fmt_num(s["orders"]),
                 _fmt_money(s["revenue"]), _fmt_money(s["aov"]),
                 _fmt_num(s["purchase_frequency"]), _fmt_pct(s["repeat_purchase_rate"]),
                 _fmt_money(s["clv_historical"])] for name, s in report["segments"].items()]
        out += ["  " + s for s in _table(["segment", "customers", "orders", "revenue", "AOV",
                                          "frequency", "repeat rate", "hist. CLV"], rows)]
    return "\n".join(out) + "\n"
