"""Workshops: a facilitator and a room of participants on one canvas, below the page.

``codes`` (join codes, tokens, the join link), ``qr`` (the link as an SVG QR code), ``agenda``
(the nine blocks in order, the open block's timer, the facilitator's steps), ``participants``
(display names), ``brainstorm`` (private mode, merging, promoted notes' authors), ``voting``
(dot voting), ``errors`` (what a participant or facilitator can get wrong); every rule module is
pure and takes the time as an argument. ``store`` keeps workshops in the database (tables in
``canvas.domain.workshop_models``): start, join, the facilitator's steps, notes, votes, merge,
promote, end, and the ``WorkshopView`` a page draws, gathered from ``rooms`` (start, find, join),
``facilitation`` (the facilitator's actions and the summary), ``participation`` (notes and
votes), ``views`` (what a page draws) and ``lookups`` (the checks and reads they share). Import
the module you need, e.g. ``from canvas.workshop import codes``.
"""

__all__ = [
    "agenda", "brainstorm", "codes", "errors", "facilitation", "lookups", "participants", "participation", "qr",
    "rooms", "store", "views", "voting",
]
