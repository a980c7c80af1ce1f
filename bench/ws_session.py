"""A Streamlit browser session without the browser: the app's websocket protocol, spoken directly.

For benchmarks of many sessions on one server (a workshop room of thirty phones): thirty Chromium
pages on a two-core machine measure Chromium, not the app server. A ``WsSession`` does what the
page's JavaScript does that matters to the server: it opens the websocket at ``/_stcore/stream``
with the browser's cookies, asks for a run of a page, keeps the elements it is sent (by delta
path, as the page would), reruns fragments on the intervals the server asks for (``auto_rerun``),
and sends widget values and button clicks with a rerun. It draws nothing.

Only what the benchmarks use is implemented: text areas and buttons (form submit buttons
included). As the browser does, every run request carries the values of the widgets set so far
(the server merges a request into one still waiting with the newer one's values: a timed rerun
sent without them would drop a note's text typed a moment before), and the timed reruns wait
while a run is under way.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState


class WsSession:
    """One session of ``base`` (``http://host:port``) on the page at ``path`` (``workshop``)."""

    def __init__(self, base: str, path: str, *, query: str = "", cookies: dict[str, str] | None = None,
                 on_text: Callable[[str, float], None] | None = None) -> None:
        self.base, self.path, self.query = base, path, query
        self.cookies = cookies or {}
        self.on_text = on_text  # called with each markdown/HTML body received and when (time.time())
        self.elements: dict[tuple[int, ...], Any] = {}  # delta path -> Element, as last sent
        self.page_hash = ""
        self.runs_finished = 0
        self.messages = 0
        self._socket: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._timers: dict[str, asyncio.Task[None]] = {}  # fragment id -> its auto-rerun loop
        self._finished = asyncio.Event()
        self._values: dict[str, WidgetState] = {}  # widget id -> its value, as the browser holds it
        self._running = False

    async def open(self) -> None:
        """Connect and run the page once; returns when that run has finished."""
        url = self.base.replace("http", "ws", 1) + "/_stcore/stream"
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        self._socket = await websockets.connect(
            url, subprotocols=["streamlit"],  # type: ignore[list-item]
            additional_headers={"Origin": self.base, **({"Cookie": cookie} if cookie else {})},
            max_size=None, open_timeout=300,
        )
        self._reader = asyncio.create_task(self._read())
        await self.rerun()
        await self.wait_finished()

    async def close(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        if self._reader is not None:
            self._reader.cancel()
        if self._socket is not None:
            await self._socket.close()

    async def rerun(self, widgets: list[WidgetState] | None = None, *, fragment_id: str = "",
                    auto: bool = False) -> None:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        state.page_name = "" if self.page_hash else self.path
        state.fragment_id = fragment_id
        state.is_auto_rerun = auto
        sent = dict(self._values)
        for widget in widgets or []:
            sent[widget.id] = widget
        state.widget_states.widgets.extend(sent.values())
        self._finished.clear()
        self._running = True
        await self._socket.send(message.SerializeToString())

    async def wait_finished(self, timeout: float = 300) -> None:
        await asyncio.wait_for(self._finished.wait(), timeout)

    def find(self, kind: str, label: str) -> Any:
        """The last element of ``kind`` (``text_area``, ``button``…) labelled ``label``."""
        found = [e for _, e in sorted(self.elements.items())
                 if e.WhichOneof("type") == kind and getattr(e, kind).label == label]
        if not found:
            raise LookupError(f"no {kind} labelled {label!r} on the page")
        return getattr(found[-1], kind)

    async def type_and_click(self, box_label: str, text: str, button_label: str) -> None:
        """Type ``text`` into a text area and press a button (a form's submit button: both go
        together, as the browser sends them). The form clears on submit: the box is empty after."""
        box, button = self.find("text_area", box_label), self.find("button", button_label)
        typed = WidgetState(id=box.id, string_value=text)
        pressed = WidgetState(id=button.id, trigger_value=True)
        await self.rerun([typed, pressed])
        self._values[box.id] = WidgetState(id=box.id, string_value="")

    async def _read(self) -> None:
        async for data in self._socket:
            message = ForwardMsg()
            message.ParseFromString(data)
            self.messages += 1
            self._handle(message)

    def _handle(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "navigation":  # st.navigation: the page this run is on, for the next reruns
            self.page_hash = message.navigation.page_script_hash or self.page_hash
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            self.elements[tuple(message.metadata.delta_path)] = element
            body = element.markdown.body if element.WhichOneof("type") == "markdown" else ""
            if body and self.on_text is not None:
                self.on_text(body, time.time())
        elif kind == "auto_rerun":
            fragment, interval = message.auto_rerun.fragment_id, message.auto_rerun.interval
            if fragment not in self._timers:
                self._timers[fragment] = asyncio.create_task(self._tick(fragment, interval))
        elif kind == "script_finished" and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            # A run that ended early for a rerun (st.rerun, or a newer request) is followed by that one.
            self.runs_finished += 1
            self._running = False
            self._finished.set()

    async def _tick(self, fragment_id: str, interval: float) -> None:
        """The browser's timer for a ``run_every`` fragment: a rerun of it every ``interval``."""
        with contextlib.suppress(asyncio.CancelledError, websockets.ConnectionClosed):
            while True:
                await asyncio.sleep(interval)
                if not self._running:
                    await self.rerun(fragment_id=fragment_id, auto=True)
