"""The documented production web command starts: gunicorn with the repository's config
(ecomops/gunicorn_conf.py) and the production settings serves the login page."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_config_reads_its_values_from_the_environment(monkeypatch: Any) -> None:
    import importlib

    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9001")
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "45")
    import ecomops.gunicorn_conf as conf

    conf = importlib.reload(conf)

    assert conf.wsgi_app == "ecomops.wsgi:application"
    assert (conf.bind, conf.workers, conf.timeout) == (["127.0.0.1:9001"], 3, 45)
    assert conf.accesslog == "-"
    assert conf.forwarded_allow_ips == "127.0.0.1,::1"


def _get(port: int, path: str, **headers: str) -> tuple[int, str]:
    """One GET without following redirects."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is a declared dependency")
def test_documented_production_command_serves_the_login_page(tmp_path: Path) -> None:
    port = free_port()
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="ecomops.settings.production",
        SECRET_KEY="k" * 20 + "-production-secret-" + "x9Q" * 15,
        ALLOWED_HOSTS="127.0.0.1",
        FIELD_ENCRYPTION_KEYS="m0pQ3M8k1lI6GmKxqE0m2c2oU2h4xjYy8Hq5s2m6dG0=",
        BLIND_INDEX_KEY="a-long-random-blind-index-key-for-the-test",
        CACHE_URL="redis://127.0.0.1:6379/13",
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        PYTHONPATH=str(ROOT),
    )
    server = subprocess.Popen(  # noqa: S603 - our own command line
        [str(GUNICORN), "-c", "python:ecomops.gunicorn_conf"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        status, body = 0, ""
        while time.monotonic() < deadline and server.poll() is None:
            try:
                # the proxy in front terminates TLS and says so
                status, body = _get(port, "/login/", **{"X-Forwarded-Proto": "https"})
                break
            except OSError:
                time.sleep(0.2)
        plain_status, _ = _get(port, "/login/")
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)

    assert status == 200, output
    assert 'name="password"' in body
    assert plain_status == 301  # plain http is sent to https (SECURE_SSL_REDIRECT)
    assert '"GET /login/ HTTP/1.1" 200' in output  # the access log is on
