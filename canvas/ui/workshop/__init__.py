"""The workshop page's Streamlit parts: starting, joining, the facilitator's controls, the
participant's phone view and the projector's presentation view (see pages/workshop.py).

Tokens never go in a URL: the facilitator's (``HOST``) gives the powers of
``canvas.workshop.store``'s facilitator actions, a participant's (``GUEST``) their notes and votes.
They live in ``st.session_state`` and, for a day, in a cookie of the app's own origin (written by
a script in the page, as ``ui.identity`` does), so a reload or another tab of the same browser (the
projector's presentation view) picks them up again (``restore``).
Each view is drawn once per run; a ticking timer reruns it when the workshop changes
(``common.live_part``).

Modules: ``common`` (session keys, CSS, small HTML helpers, messages), ``tokens`` (the tokens kept
in this browser), ``facilitator`` (starting and running a workshop), ``participant`` (joining and
the phone view) and ``presentation`` (the projector's view).
"""

from canvas.ui.workshop.common import GUEST, HOST, inject_css, show_messages
from canvas.ui.workshop.facilitator import facilitator, start_form
from canvas.ui.workshop.participant import join_form, participant
from canvas.ui.workshop.presentation import presentation
from canvas.ui.workshop.tokens import GUEST_COOKIE, HOST_COOKIE, cookie_value, from_cookie, restore, write_cookies

__all__ = [
    "GUEST",
    "GUEST_COOKIE",
    "HOST",
    "HOST_COOKIE",
    "cookie_value",
    "facilitator",
    "from_cookie",
    "inject_css",
    "join_form",
    "participant",
    "presentation",
    "restore",
    "show_messages",
    "start_form",
    "write_cookies",
]
