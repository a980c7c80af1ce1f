"""The deployment in deploy/ (issue 14): several app servers on one PostgreSQL behind nginx, with
sticky sessions and the websocket upgraded. Docker is not run here; the compose file, the nginx
configuration and the Dockerfile are read and checked against what the app and Streamlit need,
and ``nginx -t`` checks the configuration when nginx is installed (tests/deploy/test_proxy_browser.py
runs it in front of two real app servers).
"""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import make_url
from streamlit import config as streamlit_config
from streamlit.web.server.starlette.starlette_routes import ROUTE_HEALTH
from streamlit.web.server.starlette.starlette_websocket import _ROUTE_WEBSOCKET_STREAM

from canvas.cli.parser import build_parser
from tests.deploy import nginx_conf, proxy

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
APP_PORT = 8501


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def app_services(services: dict) -> dict[str, dict]:
    """The app servers: services built from deploy/Dockerfile that run its CMD (not a one-off command)."""
    return {name: s for name, s in services.items()
            if s.get("build", {}).get("dockerfile") == "deploy/Dockerfile" and "command" not in s}


def filled(value: str) -> str:
    """A compose value with its ``${NAME:?message}`` variables replaced by a sample value."""
    return re.sub(r"\$\{(\w+)[^}]*\}", lambda m: f"sample-{m.group(1).lower()}", value)


def site() -> nginx_conf.Directive:
    return nginx_conf.parse((DEPLOY / "nginx.conf").read_text())


def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions (continuation lines joined), as (INSTRUCTION, rest)."""
    text = re.sub(r"\\\n", " ", (DEPLOY / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def test_several_app_servers_share_one_postgresql_database():
    services = compose()["services"]
    apps = app_services(services)
    assert len(apps) >= 2, f"expected two or more app servers, found {sorted(apps)}"
    urls = {name: s["environment"]["CANVAS_DATABASE_URL"] for name, s in apps.items()}
    assert len(set(urls.values())) == 1, f"the app servers use different databases: {urls}"
    url = make_url(filled(next(iter(urls.values()))))
    assert url.get_backend_name() == "postgresql"
    database = services[url.host]  # the URL names the database's service
    assert database["image"].startswith("postgres:15")
    assert (url.username, url.database) == (database["environment"]["POSTGRES_USER"],
                                            database["environment"]["POSTGRES_DB"])
    assert url.password == filled(database["environment"]["POSTGRES_PASSWORD"])
    for name, service in apps.items():
        environment = service["environment"]
        # Datasets in the database: an upload through one server is charted through any other.
        assert environment["CANVAS_DATASETS"] == "database", name
        # Streamlit signs its cookies with this: every server must accept every other's.
        assert environment["STREAMLIT_SERVER_COOKIE_SECRET"] == apps[next(iter(apps))]["environment"][
            "STREAMLIT_SERVER_COOKIE_SECRET"]
        assert "${" in environment["STREAMLIT_SERVER_COOKIE_SECRET"], "a secret is set at deployment, not written here"


def test_the_schema_is_migrated_once_before_the_app_servers_start():
    services = compose()["services"]
    migrate = services["migrate"]
    command = migrate["command"]
    assert command[:3] == ["python", "-m", "canvas"]
    build_parser().parse_args(command[3:])  # a command the CLI has (its engine migrates the schema)
    assert migrate["environment"]["CANVAS_DATABASE_URL"] == services["app1"]["environment"]["CANVAS_DATABASE_URL"]
    for name in app_services(services):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"


def test_the_proxy_sends_to_every_app_server_and_keeps_each_browser_on_one():
    services = compose()["services"]
    proxy_service = services["proxy"]
    assert "./nginx.conf:/etc/nginx/conf.d/default.conf:ro" in proxy_service["volumes"]
    assert set(proxy_service["depends_on"]) == set(app_services(services))
    upstream = site().child("upstream")
    listed = {server.args[0] for server in upstream.children("server")}
    assert listed == {f"{name}:{APP_PORT}" for name in app_services(services)}
    proxied = {d.args[0] for d in site().walk() if d.name == "proxy_pass"}
    assert proxied == {f"http://{upstream.args[0]}"}

    # Sticky: either by address, or by a key from a cookie that the proxy itself sets.
    if not upstream.children("ip_hash"):
        (hashing,) = upstream.children("hash")
        key = hashing.args[0]
        assert "consistent" in hashing.args[1:]
        (mapping,) = [m for m in site().children("map") if m.args[1] == key]
        cookie = mapping.args[0].removeprefix("$cookie_")
        assert mapping.args[0] == f"$cookie_{cookie}"
        fallback = {entry.name: entry.args for entry in mapping.block or []}
        assert fallback[""] == ["$request_id"], "a browser without the cookie gets a fresh random key"
        set_cookies = [d.args for d in site().walk() if d.name == "add_header" and d.args[0] == "Set-Cookie"]
        assert any(args[1].startswith(f"{cookie}={key};") and "always" in args for args in set_cookies)


def test_the_stream_path_is_upgraded_to_a_websocket_and_kept_open():
    assert _ROUTE_WEBSOCKET_STREAM == "_stcore/stream"  # Streamlit's websocket, as the config names it
    (server,) = site().children("server")
    (stream,) = [loc for loc in server.children("location") if loc.args == [f"/{_ROUTE_WEBSOCKET_STREAM}"]]
    assert stream.child("proxy_http_version").args == ["1.1"]
    headers = {d.args[0]: d.args[1] for d in stream.children("proxy_set_header")}
    assert headers["Upgrade"] == "$http_upgrade"
    connection = headers["Connection"]
    if connection.startswith("$"):
        (mapping,) = [m for m in site().children("map") if m.args[1] == connection]
        assert mapping.args[0] == "$http_upgrade"
        assert {e.name: e.args for e in mapping.block or []}["default"] == ["upgrade"]
    else:
        assert connection.lower() == "upgrade"
    # A location's proxy_set_header replaces all of the server's: the others must be repeated.
    assert {d.args[0] for d in server.children("proxy_set_header")} <= set(headers)
    for timeout in ("proxy_read_timeout", "proxy_send_timeout"):
        value = stream.child(timeout).args[0]
        seconds = int(value.rstrip("s")) if value.endswith("s") or value.isdigit() else None
        assert seconds is not None and seconds >= 3600, f"{timeout} {value}: an open board loses its connection"


def test_uploads_as_large_as_streamlit_takes_pass_the_proxy():
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    limit_mb = settings["server"]["maxUploadSize"]
    (server,) = site().children("server")
    value = server.child("client_max_body_size").args[0]
    assert value.endswith("m") and int(value[:-1]) >= limit_mb


def test_the_image_runs_app_py_on_every_address_with_a_health_check_streamlit_answers():
    instructions = dockerfile()
    assert instructions[0][0] == "FROM" and re.match(r"python:3\.1[1-9]-slim", instructions[0][1])
    runs = " ".join(rest for name, rest in instructions if name == "RUN")
    assert "apt-get install" in runs and " chromium" in runs  # the PDF exports print with it
    assert re.search(r"pip install [^&]*--no-deps \.(\s|$)", runs), "the canvas package is installed"
    (cmd,) = [shlex.split(rest) if not rest.startswith("[") else yaml.safe_load(rest)
              for name, rest in instructions if name == "CMD"]
    assert cmd[:3] == ["streamlit", "run", "app.py"] and (ROOT / "app.py").is_file()
    options = dict(zip(cmd[3::2], cmd[4::2]))
    assert options["--server.address"] == "0.0.0.0"
    assert int(options["--server.port"]) == APP_PORT
    assert [rest for name, rest in instructions if name == "EXPOSE"] == [str(APP_PORT)]
    (health,) = [rest for name, rest in instructions if name == "HEALTHCHECK"]
    assert f"http://127.0.0.1:{APP_PORT}/{ROUTE_HEALTH}" in health
    assert ROUTE_HEALTH == "_stcore/health"
    environment = " ".join(rest for name, rest in instructions if name == "ENV")
    assert "CANVAS_CHROMIUM=/usr/bin/chromium" in environment  # where Debian's package puts it


def test_every_setting_the_deployment_names_is_read_by_the_app():
    settings = {key for service in compose()["services"].values() for key in service.get("environment", {})}
    image_env = " ".join(rest for name, rest in dockerfile() if name == "ENV")
    settings |= set(re.findall(r"\b([A-Z][A-Z_]+)=", image_env))
    named = {name for name in settings if name.startswith("CANVAS_")}
    assert {"CANVAS_DATABASE_URL", "CANVAS_DATA_DIR", "CANVAS_DATASETS", "CANVAS_WORKSPACE_PASSWORD",
            "CANVAS_CHROMIUM"} <= named
    source = "\n".join(path.read_text() for path in (ROOT / "canvas").rglob("*.py"))
    unread = sorted(name for name in named if f'"{name}"' not in source)
    assert unread == [], f"settings the app does not read: {unread}"
    others = settings - named - {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "PYTHONUNBUFFERED"}
    assert others == {"STREAMLIT_SERVER_COOKIE_SECRET"}
    assert "server.cookieSecret" in streamlit_config._config_options_template  # STREAMLIT_SERVER_COOKIE_SECRET


@pytest.mark.skipif(proxy.NGINX is None, reason="nginx is not installed (apt-get install nginx-light)")
def test_nginx_accepts_the_configuration(tmp_path):
    main = proxy.local_config(tmp_path / "nginx", 8080, {"app1": "127.0.0.1:8501", "app2": "127.0.0.1:8502"})
    result = proxy.check(main)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
