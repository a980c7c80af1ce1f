"""Workshops: a facilitator and a room of participants on one canvas, below the page.

``codes`` (join codes, tokens, the join link), ``qr`` (the link as an SVG QR code), ``agenda``
(the nine blocks in order, the open block's timer, the facilitator's steps), ``participants``
(display names), ``brainstorm`` (private mode, merging, promoted notes' authors), ``voting``
(dot voting), ``errors`` (what a participant or facilitator can get wrong). Every rule module is
pure and takes the time as an argument. Import the module you need, e.g.
``from canvas.workshop import codes``.
"""

__all__ = ["agenda", "brainstorm", "codes", "errors", "participants", "qr", "voting"]
