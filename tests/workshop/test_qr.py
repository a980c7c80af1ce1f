"""The projector's QR code of the join link."""

from __future__ import annotations

import pytest

from canvas.workshop.qr import qr_svg


def test_the_qr_code_is_an_svg_of_the_link():
    svg = qr_svg("https://canvas.example.org/workshop?join=K7QM4P")
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "path" in svg


def test_a_qr_code_needs_a_link():
    with pytest.raises(ValueError):
        qr_svg("")


def test_the_qr_code_scales_to_the_size_the_page_gives_it():
    svg = qr_svg("https://canvas.example.org/workshop?join=K7QM4P")
    head = svg[:svg.index(">")]
    assert "viewBox=" in head and "width=" not in head and "height=" not in head
