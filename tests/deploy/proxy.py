"""deploy/nginx.conf on this machine: the file with its app servers and port replaced, wrapped in a
main configuration whose files all live in a temporary folder, and a real nginx running it."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tools.browser import stop, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
# Which server each request went to, and its status (101: the websocket was upgraded).
LOG_FORMAT = "'$request_method $uri $status $upstream_addr $cookie_canvas_server'"


def local_config(folder: Path, port: int, servers: dict[str, str]) -> Path:
    """Write a main nginx.conf into ``folder`` including deploy/nginx.conf with ``listen 80``
    replaced by ``port`` and each ``server NAME:8501`` by ``servers[NAME]`` (host:port)."""
    text = NGINX_CONF.read_text()
    text, listens = re.subn(r"\blisten\s+80;", f"listen 127.0.0.1:{port};", text)
    assert listens == 1, "deploy/nginx.conf should listen on port 80 once"

    def local(match: re.Match[str]) -> str:
        return f"server {servers[match.group(1)]}"

    text, count = re.subn(r"\bserver\s+([\w-]+):8501", local, text)
    assert count == len(servers), f"deploy/nginx.conf lists {count} app servers, expected {len(servers)}"
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o777)  # workers may run as nobody; their temporary files go here
    (folder / "site.conf").write_text(text)
    main = folder / "nginx.conf"
    main.write_text(f"""
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log info;
events {{ worker_connections 256; }}
http {{
    log_format routes {LOG_FORMAT};
    access_log {folder}/access.log routes;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}
""")
    return main


def check(main: Path) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` on the configuration: its syntax and every directive's arguments."""
    assert NGINX is not None
    return subprocess.run([NGINX, "-t", "-c", str(main), "-p", str(main.parent)],
                          capture_output=True, text=True, timeout=30)


@contextmanager
def running_nginx(main: Path, port: int, timeout: float = 20) -> Iterator[str]:
    """Start nginx on ``main``; yields its base URL and stops it afterwards."""
    assert NGINX is not None
    log_path = main.parent / "nginx-output.log"
    with log_path.open("wb") as log:  # a pipe nobody reads could fill up and stall nginx
        process = subprocess.Popen([NGINX, "-c", str(main), "-p", str(main.parent)], stdout=log,
                                   stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(process, base, timeout, what=f"nginx on port {port}", log=log_path)
        yield base
    finally:
        stop(process)


def routes(main: Path) -> list[list[str]]:
    """The access log's lines, split: method, path, status, upstream address, cookie key."""
    log = main.parent / "access.log"
    return [line.split() for line in log.read_text().splitlines()] if log.exists() else []
