"""The relationships page's figures: what their dot sizes mean, and segment names kept as text."""

from __future__ import annotations

from types import SimpleNamespace

from canvas.ui.charts import relationships as relationship_charts


def segment(id_: str, name: str, size: int | None) -> SimpleNamespace:
    return SimpleNamespace(id=id_, name=name, colour="#1F77B4", estimated_size=size)


def design(types: list[str], *, retention: int = 40, cost: float = 2.0) -> SimpleNamespace:
    return SimpleNamespace(types=types, primary_type=types[0], focus_retention=retention,
                           cost_per_customer_month=cost, cost_fixed_month=100.0)


SEGMENTS = [segment("a", "<b>Bold</b> & co %{x}", 900), segment("b", "Office", 100)]
DESIGNS = {"a": design(["automated_services", "self_service"]), "b": design(["personal_assistance"], retention=10)}


def texts(fig) -> str:
    """Every string Plotly would render: names, labels, hover, titles, categories."""
    parts = [fig.layout.title.text or "", fig.layout.title.subtitle.text or ""]
    for trace in fig.data:
        for field in ("x", "y", "text", "customdata", "hovertemplate"):
            value = getattr(trace, field, None)
            parts.extend(map(str, value if isinstance(value, (list, tuple)) else [value] if value else []))
    parts.extend(map(str, fig.layout.yaxis.categoryarray or ()))
    return "\n".join(parts)


def test_charts_say_what_dot_sizes_mean():
    spectrum = relationship_charts.relationship_spectrum(SEGMENTS, DESIGNS)
    assert "primary type" in spectrum.layout.title.subtitle.text.lower()
    sizes = {t.marker.size for t in spectrum.data}
    assert len(sizes) == 2  # primary and other types differ in size
    bubbles = relationship_charts.cost_vs_retention(SEGMENTS, DESIGNS, "EUR")
    assert "number of customers" in bubbles.layout.title.subtitle.text
    big, small = (t.marker.size for t in bubbles.data)
    assert big > small  # 900 customers against 100
    assert "~900 customers" in bubbles.data[0].hovertemplate


def test_segment_names_cannot_inject_plotly_markup_or_template_fields():
    for fig in (relationship_charts.relationship_spectrum(SEGMENTS, DESIGNS),
                relationship_charts.cost_vs_retention(SEGMENTS, DESIGNS, "EUR"),
                relationship_charts.relationship_costs(SEGMENTS, DESIGNS, "EUR")):
        shown = texts(fig)
        assert "<b>Bold" not in shown and "& co" not in shown
        assert "&lt;b>Bold&lt;/b> &amp; co" in shown
        assert all("Bold" not in t.hovertemplate for t in fig.data)  # names reach hover as data only
