"""Every number a founder reads is written by one rule per kind (``canvas.domain.formatting``).

``format_value``, ``format_delta`` and ``change_caption`` are asserted with the tiles and the
what-if that use them (tests/analytics/test_tiles.py, test_whatif.py).
"""

from __future__ import annotations

import pytest

from canvas.domain.formatting import compact, finding_figure, money, target_text


@pytest.mark.parametrize("amount, text", [(2234, "2,234"), (41_700, "41.7k"), (4_172_830, "4.17M"),
                                          (-1_500_000, "-1.50M"), (0.4, "0")])
def test_compact_figures(amount, text):
    assert compact(amount) == text


@pytest.mark.parametrize("amount, text", [(49.9, "49.90 EUR"), (99.994, "99.99 EUR"), (100, "100 EUR"),
                                          (6000, "6,000 EUR"), (1234.56, "1,235 EUR"), (0, "0.00 EUR")])
def test_money_shows_cents_only_below_a_hundred(amount, text):
    assert money(amount, "EUR") == text


@pytest.mark.parametrize("key, value, text", [
    ("retention_rate", 0.93, "93 %"), ("churn_rate", 0.025, "2.5 %"), ("csat", 0.8, "80 %"),
    ("nps", 40.0, "40"), ("nps", -12.5, "-12.5"), ("clv", 6000.0, "6,000 EUR"), ("cac", 45.5, "45.50 EUR"),
])
def test_a_target_reads_as_the_founder_set_it(key, value, text):
    assert target_text(key, value, "EUR") == text


@pytest.mark.parametrize("key, value, text", [
    ("retention_rate", 0.85, "85.0 %"), ("nps", 24.4, "24"), ("clv", 1250.4, "1,250"), ("cac", 49.95, "50"),
])
def test_a_figure_in_a_finding_is_a_value_of_its_kind_with_whole_money(key, value, text):
    assert finding_figure(key, value) == text
