"""The message helpers (frame's flash, the workshop's say) take plain text and show it literally:
escaped exactly once where drawn, so a name in a message is neither Markdown nor backslashes."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from canvas.ui.markup import literal
from tests.support import shown

HOSTILE = "Acme ![x](https://evil.example/i.png) $\\frac{1}{2}$ :red[alert] **bold** <b>b</b> a -> b"


def flash_app() -> None:
    from canvas.ui import frame
    from tests.ui.test_messages import HOSTILE

    frame.start_router()
    for kind in ("error", "info", "success"):
        frame.flash(kind, f"{kind}: {HOSTILE}")
    frame.show_flash()


def workshop_app() -> None:
    from canvas.ui.workshop import common
    from tests.ui.test_messages import HOSTILE

    for kind in ("error", "info", "success"):
        common.say(kind, f"{kind}: {HOSTILE}")
    common.show_messages()


def drawn(app: AppTest) -> dict[str, str]:
    return {"error": app.error[0].value, "info": app.info[0].value, "success": app.toast[0].value}


def test_flash_messages_show_the_text_as_typed():
    for app in (AppTest.from_function(flash_app, default_timeout=10).run(),
                AppTest.from_function(workshop_app, default_timeout=10).run()):
        assert not app.exception
        for kind, markdown in drawn(app).items():
            assert markdown == literal(f"{kind}: {HOSTILE}")  # escaped once: a second pass would show "\"
            assert shown(markdown) == f"{kind}: {HOSTILE}"
