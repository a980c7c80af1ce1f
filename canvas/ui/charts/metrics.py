"""Plotly figures of the metrics page. Pure: frames in, figures out.

Every segment keeps its canvas colour (``colours``: segment name -> hex; Unassigned is grey).
Segment names are user text: they reach Plotly through ``plain`` and as data (``%{x}``,
``%{fullData.name}``), never inside a hover template, where ``%{`` would be read as a field.
An empty selection gives an empty figure that says so, never an error.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from canvas.analytics.metrics import period_label
from canvas.ui.charts.relationships import _layout, plain

GREY = "#9E9E9E"
# A heatmap writes its share in each cell only up to this many filled cells: Plotly draws each
# as SVG text, and the 300 of two years of monthly cohorts took 0.2-0.4 s of every redraw in
# Chromium on this project's machine (0.05-0.1 s without), the largest part of a filter change.
# Past it the colours stay, and hovering a cell gives its share.
CELL_LABELS_MAX = 120


def colour_of(colours: Mapping[str, str], name: str) -> str:
    return colours.get(name, GREY)


def empty(title: str, message: str = "No data for this selection") -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font=dict(size=14, color="#888"), x=0.5, y=0.5,
                       xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title)


def _labels(index: pd.Index) -> list[str]:
    return [period_label(p) for p in index]


def _periods_axis(labels: list[str], *, most: int = 12) -> dict:
    """Axis settings for period labels ("2026-03", "2026-Q1", "2026-W05"): categories in order,
    at most ``most`` of them labelled, level. Left to guess, Plotly reads "2026-03" as a date,
    and a single period becomes milliseconds."""
    return dict(type="category", categoryorder="array", categoryarray=labels, nticks=most, tickangle=0)


def cohort_heatmap(cohorts: pd.DataFrame, *, max_offsets: int = 24, max_cohorts: int = 60) -> go.Figure:
    """Cohort retention matrix: share of each cohort active k periods after its first order
    (the latest ``max_cohorts`` cohorts, so two years of weeks stay readable)."""
    title = "Cohort retention (% of each cohort active k periods later)"
    if cohorts is None or cohorts.empty:
        return empty(title)
    if len(cohorts) > max_cohorts:
        title = f"Cohort retention of the latest {max_cohorts} cohorts (% active k periods later)"
    matrix = cohorts.iloc[-max_cohorts:, :max_offsets] * 100
    labelled = int(matrix.notna().to_numpy().sum()) <= CELL_LABELS_MAX
    cells = {}
    if labelled:
        text = matrix.map(lambda v: "" if pd.isna(v) else f"{v:.0f}")
        cells = dict(text=text.to_numpy(), texttemplate="%{text}", textfont=dict(size=10))
    fig = go.Figure(go.Heatmap(
        z=matrix.to_numpy(), x=[str(k) for k in matrix.columns], y=_labels(matrix.index), **cells,
        colorscale="Blues", zmin=0, zmax=100, xgap=1, ygap=1, colorbar=dict(title="%", thickness=10),
        hovertemplate="cohort %{y}<br>%{x} periods later: %{z:.1f} %<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", title="cohort (first order)",
                     **_periods_axis(_labels(matrix.index), most=40))
    fig.update_xaxes(title="periods since first order")
    return _layout(fig, title, height=max(340, 16 * len(matrix) + 120),
                   note="" if labelled else "Hover a cell for its share; darker is more retained.")


def retention_curves(curves: Mapping[str, pd.Series], colours: Mapping[str, str]) -> go.Figure:
    """Average cohort retention by periods since the first order, one line per segment."""
    title = "Retention curves by segment"
    if not curves:
        return empty(title)
    fig = go.Figure()
    for name, curve in curves.items():
        fig.add_trace(go.Scatter(x=list(curve.index), y=curve.to_numpy() * 100, mode="lines+markers",
                                 name=plain(name), line=dict(color=colour_of(colours, name), width=2.5),
                                 marker=dict(size=5),
                                 hovertemplate="%{fullData.name}<br>%{x} periods: %{y:.1f} %<extra></extra>"))
    fig.update_xaxes(title="periods since first order")
    fig.update_yaxes(title="% of cohort active", range=[0, 105])
    return _layout(fig, title).update_layout(showlegend=True, legend=dict(orientation="h", y=-0.2))


def layer_cake(revenue: pd.DataFrame, currency: str) -> go.Figure:
    """Revenue by cohort over time: each layer is the revenue of customers who started together."""
    title = "Revenue by cohort (layer cake)"
    if revenue is None or revenue.empty:
        return empty(title)
    fig = go.Figure()
    x = _labels(revenue.index)
    cohorts = [period_label(c) for c in revenue.columns]
    # Oldest cohort darkest, at the bottom; the colour bar is the legend (dozens of cohorts would
    # not fit in one), white edges tell neighbouring layers apart.
    shades = sample_colorscale("Blues", list(np.linspace(0.95, 0.3, max(len(cohorts), 2))))[:len(cohorts)]
    for cohort, name, shade in zip(revenue.columns, cohorts, shades):
        fig.add_trace(go.Scatter(
            x=x, y=revenue[cohort].clip(lower=0).to_numpy(), stackgroup="cohorts",
            line=dict(width=0.6, color="white"), fillcolor=shade, name=name,
            mode="lines" if len(x) > 1 else "markers",  # one period: a stack of points, not an invisible area
            marker=dict(color=shade, size=8),
            hovertemplate=f"cohort {name}<br>%{{x}}: %{{y:,.0f}} {currency}<extra></extra>",
        ))
    every = max(1, -(-len(cohorts) // 8))  # at most 8 cohorts named on the bar
    last = max(len(cohorts) - 1, 1)
    fig.add_trace(go.Scatter(
        x=[x[0]], y=[0], mode="markers", hoverinfo="skip", showlegend=False,
        marker=dict(size=0, opacity=0, color=[0], cmin=0, cmax=last, showscale=True,
                    colorscale=[[i / last, shade] for i, shade in enumerate(shades)] if len(shades) > 1
                    else [[0, shades[0]], [1, shades[0]]],
                    colorbar=dict(title=dict(text="cohort<br>(first order)", side="top", font=dict(size=12)),
                                  thickness=12, len=0.8, y=0, yanchor="bottom",  # room for the title above
                                  tickvals=list(range(0, len(cohorts), every)),
                                  ticktext=cohorts[::every], outlinewidth=0)),
    ))
    fig.update_xaxes(**_periods_axis(x))
    if len(x) > 1:
        fig.update_xaxes(range=[0, len(x) - 1])  # the colour bar's point would pad the axis
    fig.update_yaxes(title=f"revenue ({currency})")
    return _layout(fig, title)


def _round_step(top: float, *, most: int = 5) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving at most ``most`` ticks up to ``top``."""
    if not np.isfinite(top) or top <= 0:
        return 1.0
    power = 10 ** np.floor(np.log10(top / most))
    return float(next(power * m for m in (1, 2, 5, 10) if top / (power * m) <= most))


def active_and_churn(active: pd.DataFrame, retention: pd.DataFrame) -> go.Figure:
    """Active customers (bars: returning and new) with churn (line, right axis)."""
    title = "Active customers and churn"
    if active is None or active.empty:
        return empty(title)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    x = _labels(active.index)
    fig.add_trace(go.Bar(x=x, y=active["returning"], name="returning", marker_color="#1F77B4"))
    fig.add_trace(go.Bar(x=x, y=active["new"], name="new", marker_color="#9ECAE9"))
    if retention is not None and len(retention):
        fig.add_trace(go.Scatter(x=_labels(retention.index), y=retention["churn_rate"] * 100, name="churn",
                                 mode="lines+markers", line=dict(color="#E4572E", width=2),
                                 hovertemplate="%{x}: churn %{y:.1f} %<extra></extra>"), secondary_y=True)
    fig.update_layout(barmode="stack")
    fig.update_xaxes(**_periods_axis(x, most=6))  # a half-width chart
    fig.update_yaxes(title_text="customers", secondary_y=False)
    top = float(np.nan_to_num(retention["churn_rate"].max() * 100)) if retention is not None and len(retention) else 0
    step = _round_step(top)
    fig.update_yaxes(title_text="churn", secondary_y=True, showgrid=False, tickmode="linear", tick0=0, dtick=step,
                     range=[0, step * max(np.ceil(top / step), 1)], ticksuffix=" %")  # round ticks: 0, 20, 40 %
    return _layout(fig, title).update_layout(showlegend=True, legend=dict(orientation="h", y=-0.2))


def clv_distribution(values: pd.DataFrame, colours: Mapping[str, str], currency: str, *,
                     bins: int = 40) -> go.Figure:
    """Histogram of CLV per customer, one colour per segment (``values``: segment, value).

    Binned here (shared bin edges), so the browser gets 40 bars a segment, not every customer.
    """
    title = "CLV per customer"
    if values is None or values.empty:
        return empty(title)
    cap = float(values["value"].quantile(0.98)) or 1.0  # a few whales would squash the rest
    low = min(float(values["value"].min()), 0.0)
    edges = np.linspace(low, cap, bins + 1)
    middle, width = (edges[:-1] + edges[1:]) / 2, edges[1] - edges[0]
    fig = go.Figure()
    for name, rows in values.groupby("segment"):
        counts, _ = np.histogram(rows["value"].clip(upper=cap).to_numpy(), bins=edges)
        fig.add_trace(go.Bar(x=middle, y=counts, width=width, name=plain(str(name)), opacity=0.7,
                             marker_color=colour_of(colours, str(name)),
                             customdata=np.column_stack([edges[:-1], edges[1:]]),
                             hovertemplate="%{fullData.name}<br>%{customdata[0]:,.0f} to %{customdata[1]:,.0f} "
                                           f"{currency}<br>%{{y:,}} customers<extra></extra>"))
    fig.update_layout(barmode="overlay", bargap=0)
    fig.update_xaxes(title=f"CLV ({currency}; the top 2 % shown at the cap)")
    fig.update_yaxes(title="customers")
    return _layout(fig, title).update_layout(showlegend=True, legend=dict(orientation="h", y=-0.25))


def clv_by_segment(table: pd.DataFrame, colours: Mapping[str, str], currency: str, *, predictive: bool) -> go.Figure:
    """Mean CLV per segment: predictive (BG/NBD + Gamma-Gamma) beside historical."""
    title = "CLV per segment: predictive vs historical" if predictive else "CLV per segment (historical)"
    if table is None or table.empty:
        return empty(title)
    colour = [colour_of(colours, n) for n in table.index]
    names = [plain(str(n)) for n in table.index]
    # Each bar takes its segment's colour, so the legend shows the two kinds in grey: historical
    # pale and hatched, predictive solid. A grey entry shares its kind's offset group: no extra slot.
    kinds = [("historical", "historical (to date)", dict(opacity=0.5, pattern=dict(shape="/", solidity=0.3)))]
    if predictive:
        kinds.append(("predictive", "predictive (next 12 months)", dict(opacity=1.0)))
    fig = go.Figure()
    for column, label, look in kinds:
        fig.add_trace(go.Bar(x=names, y=table[column], name=label, offsetgroup=column, showlegend=False,
                             marker=dict(color=colour, line=dict(color=colour, width=1.5), **look),
                             texttemplate="%{y:,.0f}", textposition="outside", cliponaxis=False,
                             hovertemplate=f"%{{x}}<br>{label}: %{{y:,.0f}} {currency}<extra></extra>"))
        fig.add_trace(go.Bar(x=[names[0]], y=[None], name=label, offsetgroup=column, hoverinfo="skip",
                             marker=dict(color="#777", line=dict(color="#777", width=1.5), **look)))
    top = float(np.nanmax(table[[k for k, _, _ in kinds]].to_numpy(dtype=float), initial=0.0))
    fig.update_yaxes(title=f"mean CLV ({currency})", range=[0, max(top, 1.0) * 1.15])  # room for the labels
    return _layout(fig, title).update_layout(showlegend=True, barmode="group", legend=dict(orientation="h", y=-0.2))


def p_alive_heatmap(customers: pd.DataFrame) -> go.Figure:
    """Probability a customer is still active, by repeat purchases (x) and recency (t_x, in weeks as
    ``analytics.predictive.predictive_clv`` fits them)."""
    title = "Probability alive by frequency and recency"
    # The purchase model can be fitted where the spend model cannot: P(alive) needs only the first.
    if customers is None or customers.empty or "p_alive" not in customers or customers["p_alive"].isna().all():
        return empty(title, "The purchase model (BG/NBD) could not be fitted on this selection")
    freq = customers["frequency"].clip(upper=30)
    rec_bins = pd.cut(customers["recency"], bins=12)
    grid = customers.assign(freq=freq, rec=rec_bins).groupby(["rec", "freq"], observed=True)["p_alive"].mean()
    matrix = grid.unstack("freq")
    fig = go.Figure(go.Heatmap(
        z=matrix.to_numpy(), x=[int(c) for c in matrix.columns], y=[f"{i.right:.0f}" for i in matrix.index],
        colorscale="RdYlGn", zmin=0, zmax=1, colorbar=dict(title="P(alive)", thickness=10),
        hovertemplate="repeat purchases %{x}<br>recency up to %{y}<br>P(alive) %{z:.2f}<extra></extra>",
    ))
    fig.update_xaxes(title="repeat purchases (frequency, capped at 30)")
    fig.update_yaxes(title="recency (weeks, first to last order)")
    return _layout(fig, title)


def nps_csat_by_segment(table: pd.DataFrame, colours: Mapping[str, str]) -> go.Figure:
    """NPS (left) and CSAT (right) per segment (``table``: index segment; columns nps, csat)."""
    title = "NPS and CSAT by segment"
    if table is None or table.empty:
        return empty(title, "Upload survey responses to see NPS and CSAT")
    fig = make_subplots(rows=1, cols=2, subplot_titles=("NPS (−100 to 100)", "CSAT (% scoring 4-5)"))
    names = [plain(str(n)) for n in table.index]
    marker = dict(color=[colour_of(colours, n) for n in table.index])
    fig.add_trace(go.Bar(x=names, y=table["nps"], marker=marker, name="NPS"), row=1, col=1)
    fig.add_trace(go.Bar(x=names, y=table["csat"] * 100, marker=marker, name="CSAT"), row=1, col=2)
    return _layout(fig, title)


def _span(values: pd.Series) -> tuple[bool, list[float]]:
    """Axis type and range for per-segment points: log when they span orders of magnitude."""
    low, high = float(values.min()), float(values.max())
    if low > 0 and high / low >= 8:  # half a decade of room each side for the markers
        return True, [float(np.log10(low)) - 0.5, float(np.log10(high)) + 0.5]
    return False, [0.0, max(high, 1.0) * 1.25]


def _segment_points(fig: go.Figure, rows: pd.DataFrame, x: str, y: str, colours: Mapping[str, str],
                    hover, sizes: pd.Series | None = None, *, x_range: list[float], log: bool) -> None:
    """One labelled marker per segment (so the legend and colours stay per segment). A label on
    the right part of the axis goes left of its marker, so the chart's edge never cuts it; the
    ranges of ``_span`` leave room above and below."""
    for name, row in rows.iterrows():
        size = 18 if sizes is None else float(sizes[name])
        at = np.log10(row[x]) if log and row[x] > 0 else row[x]
        right_part = (at - x_range[0]) / ((x_range[1] - x_range[0]) or 1) > 0.6
        fig.add_trace(go.Scatter(
            x=[row[x]], y=[row[y]], mode="markers+text", text=[plain(str(name))],
            textposition="middle left" if right_part else "middle right",
            cliponaxis=False, name=plain(str(name)), hovertemplate=f"%{{text}}<br>{hover(row)}<extra></extra>",
            marker=dict(size=size, color=colour_of(colours, str(name)), opacity=0.8,
                        line=dict(width=1, color="white"))))


def _diagonal(fig: go.Figure, x_range: list[float], log: bool, slope: float, name: str) -> None:
    ends = [10 ** v for v in x_range] if log else x_range
    fig.add_trace(go.Scatter(x=ends, y=[slope * e for e in ends], mode="lines", name=name, hoverinfo="skip",
                             line=dict(dash="dot", color="#888")))


def ltv_vs_cac(table: pd.DataFrame, colours: Mapping[str, str], currency: str) -> go.Figure:
    """LTV against CAC per segment, with the 3:1 line a healthy business is usually quoted at."""
    title = "LTV vs CAC by segment (dotted: LTV = 3 × CAC)"
    if table is None or table.empty or table["cac"].isna().all():
        return empty(title, "Upload acquisition spend to see CAC")
    rows = table.dropna(subset=["cac", "clv"])
    log, x_range = _span(pd.concat([rows["cac"], rows["clv"] / 3]))
    fig = go.Figure()
    _diagonal(fig, x_range, log, 3, "LTV = 3 × CAC")
    y_range = [v + np.log10(3) for v in x_range] if log else [0, x_range[1] * 3]
    _segment_points(fig, rows, "cac", "clv", colours,
                    lambda row: f"CAC %{{x:,.0f}} {currency}<br>LTV %{{y:,.0f}} {currency}"
                                f"<br>LTV:CAC {row['clv'] / row['cac']:.1f}", x_range=x_range, log=log)
    kind = "log" if log else "linear"
    fig.update_xaxes(title=f"CAC ({currency})" + (", log scale" if log else ""), type=kind, range=x_range,
                     dtick=1 if log else None)
    fig.update_yaxes(title=f"LTV = historical CLV ({currency})", type=kind, range=y_range, dtick=1 if log else None)
    return _layout(fig, title)


def cost_vs_value(table: pd.DataFrame, colours: Mapping[str, str], currency: str) -> go.Figure:
    """Relationship cost per customer over its expected lifetime against the value it brings."""
    title = "Relationship cost vs value per customer (dotted: cost = value)"
    if table is None or table.empty:
        return empty(title, "Design relationships and link data to compare cost and value")
    log, span = _span(pd.concat([table["lifetime_cost"], table["clv"]]))
    biggest = float(table["customers"].max() or 1)
    fig = go.Figure()
    _diagonal(fig, span, log, 1, "cost = value")
    _segment_points(fig, table, "lifetime_cost", "clv", colours,
                    lambda row: f"relationship cost over lifetime %{{x:,.0f}} {currency}<br>CLV %{{y:,.0f}} {currency}",
                    sizes=12 + 30 * (table["customers"] / biggest) ** 0.5, x_range=span, log=log)
    kind = "log" if log else "linear"
    scale = ", log scale" if log else ""
    fig.update_xaxes(title=f"relationship cost over a lifetime ({currency}{scale})", type=kind, range=span,
                     dtick=1 if log else None)
    fig.update_yaxes(title=f"CLV ({currency}{scale})", type=kind, range=span, dtick=1 if log else None)
    return _layout(fig, title)


def by_relationship_type(table: pd.DataFrame, currency: str) -> go.Figure:
    """Retention and CLV by primary relationship type (``table``: index type label)."""
    title = "Retention and CLV by primary relationship type"
    if table is None or table.empty:
        return empty(title)
    fig = make_subplots(rows=1, cols=2, subplot_titles=("monthly retention (%)", f"mean CLV ({currency})"))
    names = list(table.index)
    fig.add_trace(go.Bar(x=names, y=table["retention_rate"] * 100, marker_color="#2CA58D",
                         texttemplate="%{y:.1f} %", textposition="outside", cliponaxis=False), row=1, col=1)
    fig.add_trace(go.Bar(x=names, y=table["clv"], marker_color="#1F77B4", texttemplate="%{y:,.0f}",
                         textposition="outside", cliponaxis=False), row=1, col=2)
    return _layout(fig, title)


def whatif_chart(projection: pd.DataFrame, currency: str) -> go.Figure:
    """Baseline (dotted) vs scenario (solid): profit per month above, active customers below."""
    title = "What-if: profit and customers per month"
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.6, 0.4], vertical_spacing=0.08)
    dash = {"baseline": "dot", "scenario": "solid"}
    for name, rows in projection.groupby("scenario"):
        fig.add_trace(go.Scatter(x=rows["month"], y=rows["profit"], name=f"profit, {name}",
                                 line=dict(width=3, color="#1F77B4", dash=dash[name])), row=1, col=1)
        fig.add_trace(go.Scatter(x=rows["month"], y=rows["customers"], name=f"customers, {name}",
                                 line=dict(width=2, color="#F28E2B", dash=dash[name])), row=2, col=1)
    fig.update_xaxes(title="month from now", row=2, col=1)
    fig.update_yaxes(title_text=f"profit ({currency})", row=1, col=1)
    fig.update_yaxes(title_text="active customers", row=2, col=1)
    return _layout(fig, title, height=420).update_layout(showlegend=True, legend=dict(orientation="h", y=-0.2))
