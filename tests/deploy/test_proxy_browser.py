"""deploy/nginx.conf in front of two real app servers (issue 14): a browser keeps to one server,
its websocket is upgraded through the proxy, and a note added by a browser on one server appears,
live, at a browser on the other.

The two ``streamlit run`` servers share one SQLite file here (PostgreSQL in deploy/compose.yaml;
tests/browser/test_two_servers_browser.py runs two servers on PostgreSQL without a proxy). Which
server answered each request is read from nginx's access log.
"""

from __future__ import annotations

import time
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.test_board_browser import add_note, block
from tests.deploy import proxy
from tools.browser import free_port, running_app, wait_for_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(proxy.NGINX is None, reason="nginx is not installed: apt-get install nginx-light "
                                                   "(scripts/setup.sh --test installs it)"),
]
COOKIE = "canvas_server"
FIRST_LOAD_MS = 90_000


def ask(base: str, key: str | None) -> str:
    """GET the health path through the proxy with the sticky cookie ``key`` (or none); returns the
    sticky cookie the proxy set (Streamlit sets its own too)."""
    request = urllib.request.Request(f"{base}/_stcore/health")
    if key is not None:
        request.add_header("Cookie", f"{COOKIE}={key}")
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200
        (cookie,) = [c for c in answer.headers.get_all("Set-Cookie") or [] if c.startswith(f"{COOKIE}=")]
    return cookie


def test_two_servers_behind_nginx_keep_each_browser_and_carry_live_updates(tmp_path, demo_database_url, browser):
    ports = {"app1": free_port(), "app2": free_port()}
    listen = free_port()
    main = proxy.local_config(tmp_path / "nginx", listen, {name: f"127.0.0.1:{port}" for name, port in ports.items()})
    upstream_of = {f"127.0.0.1:{port}": name for name, port in ports.items()}
    with (running_app(demo_database_url, port=ports["app1"]), running_app(demo_database_url, port=ports["app2"]),
          proxy.running_nginx(main, listen) as base):
        # A new browser is given a random key; the same key always reaches the same server.
        cookie = ask(base, None)
        assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie
        served: dict[str, set[str]] = {}
        for number in range(40):
            key = f"browser{number}"
            for _ in range(2):
                assert ask(base, key).startswith(f"{COOKIE}={key};")
            served[key] = {upstream_of[line[3]] for line in proxy.routes(main) if line[4] == key}
        assert all(len(servers) == 1 for servers in served.values()), served
        on = {name: next(key for key, servers in served.items() if servers == {name}) for name in ports}

        pages, contexts = {}, []
        for name, key in on.items():
            context = browser.new_context(viewport={"width": 1440, "height": 1000})
            contexts.append(context)
            context.add_cookies([{"name": COOKIE, "value": key, "url": base}])
            context.set_default_timeout(FIRST_LOAD_MS)
            pages[name] = context.new_page()
            pages[name].goto(base)
            wait_for_app(pages[name], timeout_ms=FIRST_LOAD_MS)  # connected: the websocket is up
        expect(block(pages["app2"], "key_partners").get_by_text("Direct-trade farms")).to_be_visible()
        assert not block(pages["app2"], "key_partners").get_by_text("Roasters in Lisbon").count()

        add_note(pages["app1"], "key_partners", "Roasters in Lisbon")
        expect(block(pages["app1"], "key_partners").get_by_text("Roasters in Lisbon")).to_be_visible()
        # The other browser, on the other server, is told through its websocket and redraws.
        expect(block(pages["app2"], "key_partners").get_by_text("Roasters in Lisbon")).to_be_visible(
            timeout=30_000)
        for context in contexts:
            context.close()
        # nginx logs a websocket when it closes: wait for both lines before the proxy stops.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and sum(
                line[:3] == ["GET", "/_stcore/stream", "101"] for line in proxy.routes(main)) < len(on):
            time.sleep(0.2)

    lines = proxy.routes(main)
    for name, key in on.items():
        mine = [line for line in lines if line[4] == key]
        assert {upstream_of[line[3]] for line in mine} == {name}, f"a browser left its server: {mine}"
        assert ["GET", "/_stcore/stream", "101"] in [line[:3] for line in mine], "no websocket through the proxy"
