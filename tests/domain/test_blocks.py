"""The canvas's blocks and palettes."""

from __future__ import annotations

from canvas.domain.blocks import SEGMENT_PALETTE, next_segment_colour


def test_a_new_segment_takes_the_first_free_palette_colour():
    assert next_segment_colour([]) == SEGMENT_PALETTE[0]
    assert next_segment_colour([SEGMENT_PALETTE[0], "#123456"]) == SEGMENT_PALETTE[1]
    assert next_segment_colour(iter(SEGMENT_PALETTE)) == SEGMENT_PALETTE[0]  # all taken: start again
