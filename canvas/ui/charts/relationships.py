"""Plotly figures. Pure: plain data in, a ``go.Figure`` out; every segment keeps its canvas colour."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from canvas.domain.blocks import RELATIONSHIP_TYPES
from canvas.domain.models import Relationship, Segment
from canvas.domain.relationships import customers_monthly_cost

FONT = dict(family="Source Sans Pro, sans-serif", size=13)


def plain(text: str) -> str:
    """User text made inert for Plotly, which renders ``<b>``, ``<a href>`` and entities in labels."""
    return text.replace("&", "&amp;").replace("<", "&lt;")


def _layout(fig: go.Figure, title: str, *, height: int = 340, note: str = "") -> go.Figure:
    """Common look; ``note`` is a line under the title (what sizes or patterns mean)."""
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left", font=dict(size=15),
                   subtitle=dict(text=note, font=dict(size=12, color="#666"))),
        height=height, margin=dict(l=10, r=10, t=64 if note else 48, b=10), font=FONT,
        plot_bgcolor="white", paper_bgcolor="white", showlegend=False,
    )
    fig.update_xaxes(gridcolor="#eee", zeroline=False)
    fig.update_yaxes(gridcolor="#eee", zeroline=False)
    return fig


def relationship_spectrum(segments: Sequence[Segment], relationships: Mapping[str, Relationship]) -> go.Figure:
    """Each segment on the personal-to-automated spectrum: its primary type large, the others small."""
    fig = go.Figure()
    designed = [s for s in segments if s.id in relationships and relationships[s.id].types]
    for segment in designed:
        design = relationships[segment.id]
        for key in design.types:
            kind = RELATIONSHIP_TYPES[key]
            primary = key == design.primary_type
            fig.add_trace(go.Scatter(
                x=[kind.personal], y=[plain(segment.name)], mode="markers",
                marker=dict(size=22 if primary else 11, color=segment.colour,
                            line=dict(color="white", width=2), opacity=1 if primary else 0.55),
                # the name goes in as data, not template text: a "%{" in it would be read as a field
                customdata=[plain(segment.name)],
                hovertemplate=f"%{{customdata}}<br>{kind.label}{' (primary type)' if primary else ' (other type)'}"
                              "<extra></extra>",
            ))
    ticks = sorted(RELATIONSHIP_TYPES.values(), key=lambda t: t.personal)
    fig.update_xaxes(
        range=[-0.08, 1.08], tickvals=[t.personal for t in ticks],
        ticktext=[t.label.replace(" ", "<br>", 1) for t in ticks], tickfont=dict(size=11),
    )
    fig.update_yaxes(categoryorder="array", categoryarray=[plain(s.name) for s in reversed(designed)])
    return _layout(fig, "Automated ← relationship type → Personal", height=160 + 50 * max(1, len(designed)),
                   note="Large dot: the segment's primary type · small dot: its other types")


def cost_vs_retention(segments: Sequence[Segment], relationships: Mapping[str, Relationship],
                      currency: str) -> go.Figure:
    """Relationship cost per customer against the share of effort aimed at retention (bubble = size)."""
    designed = [s for s in segments if s.id in relationships]
    sizes = [s.estimated_size or 0 for s in designed]
    biggest = max(sizes, default=0) or 1
    fig = go.Figure()
    for segment, size in zip(designed, sizes):
        design = relationships[segment.id]
        fig.add_trace(go.Scatter(
            x=[design.focus_retention], y=[design.cost_per_customer_month], mode="markers+text",
            text=[plain(segment.name)], textposition="top center",
            marker=dict(size=14 + 46 * (size / biggest) ** 0.5, color=segment.colour, opacity=0.75,
                        line=dict(color="white", width=1)),
            hovertemplate=(f"%{{text}}<br>retention focus %{{x}} %<br>"
                           f"cost %{{y:,.2f}} {currency} per customer a month<br>~{size:,} customers"
                           "<extra></extra>"),
        ))
    fig.update_xaxes(title="Retention focus (%)", range=[-5, 105])
    top = max((relationships[s.id].cost_per_customer_month for s in designed), default=0) or 1
    fig.update_yaxes(title=f"{currency} per customer a month", range=[-0.2 * top, 1.3 * top])
    return _layout(fig, "Cost per customer vs retention focus",
                   note="Dot size: the segment's estimated number of customers")


def relationship_costs(segments: Sequence[Segment], relationships: Mapping[str, Relationship],
                       currency: str) -> go.Figure:
    """Total monthly relationship cost per segment (``relationships.total_monthly_cost``), stacked:
    the fixed part and the part that grows with the segment's customers."""
    designed = [s for s in segments if s.id in relationships]
    names = [plain(s.name) for s in designed]
    fixed = [relationships[s.id].cost_fixed_month for s in designed]
    variable = [customers_monthly_cost(relationships[s.id], s.estimated_size) for s in designed]
    colours = [s.colour for s in designed]
    fig = go.Figure([
        go.Bar(x=names, y=variable, name="per customer × size", marker=dict(color=colours),
               hovertemplate=f"%{{x}}<br>per-customer part %{{y:,.0f}} {currency}<extra></extra>"),
        go.Bar(x=names, y=fixed, name="fixed", marker=dict(color=colours, pattern=dict(shape="/")),
               hovertemplate=f"%{{x}}<br>fixed part %{{y:,.0f}} {currency}<extra></extra>"),
    ])
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title=f"{currency} a month")
    return _layout(fig, "Relationship cost per month",
                   note="Solid: per customer × customers · hatched: fixed cost")
