"""The join link as a QR code, an SVG for the projector (segno: pure Python, no dependencies)."""

from __future__ import annotations

import segno


def qr_svg(link: str, *, scale: int = 8, dark: str = "#000000", light: str = "#FFFFFF") -> str:
    """An SVG document (text) of ``link`` as a QR code, with error correction M (a smudged or
    glared projector still scans) and the standard 4-module quiet zone. ``link`` must be the
    full URL (origin included) for a phone's camera to open it. It has a viewBox and no fixed
    size, so the page's CSS sizes it (a fixed size with a smaller CSS width cut the code off)."""
    if not link:
        raise ValueError("a QR code needs the join link")
    code = segno.make_qr(link, error="m")
    return code.svg_inline(scale=scale, dark=dark, light=light, border=4, omitsize=True)
