"""Limits and lockouts shared through Redis (issue 10): two real servers (gunicorn, production settings, two
workers each) pointed at one Redis allow exactly the limit between them, and a lockout made on one holds on the
other. Skipped only when no Redis answers at REDIS_TEST_URL (redis://127.0.0.1:6379/9 unless set); CI has one.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/9")
LIMIT = 20


def _redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"no Redis at {REDIS_URL}: {error}")
    return client


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "certis", *args], env=env, cwd=ROOT, check=True, timeout=300)  # noqa: S603


def _serve(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """A production server as the README runs it: gunicorn, two workers."""
    command = [sys.executable, "-m", "gunicorn", "certis.wsgi", "-c", "gunicorn.conf.py"]
    command += ["--workers", "2", "--bind", f"127.0.0.1:{port}"]
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603


class Server:
    def __init__(self, port: int) -> None:
        self.port = port

    def ask(self, method: str, path: str, body: str = "", headers: dict[str, str] | None = None) -> Any:
        """One request as the TLS-terminating proxy passes it on (X-Forwarded-Proto: https)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"X-Forwarded-Proto": "https", "Host": f"127.0.0.1:{self.port}", **(headers or {})}
        connection.request(method, path, body=body.encode(), headers=sent)
        response = connection.getresponse()
        response.text = response.read().decode()
        connection.close()
        return response


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server, redis.Redis, str]]:
    store = _redis_or_skip()
    where = tmp_path_factory.mktemp("shared-limits")
    prefix = f"certis-test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "certis.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{where / 'certis.sqlite3'}",
        "STATIC_ROOT": str(where / "static"),
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "CERTIFICATES_ANON_RATE": f"{LIMIT}/min",
        "LOG_LEVEL": "WARNING",
    }
    _run(env, "migrate", "-v0")
    _run(env, "collectstatic", "--noinput", "-v0")
    ports = [_free_port(), _free_port()]
    processes = [_serve(port, env) for port in ports]
    try:
        pair = [Server(port) for port in ports]
        for server in pair:
            _wait_for(server)
        yield pair[0], pair[1], store, prefix
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        for key in store.scan_iter(f"{prefix}:*"):
            store.delete(key)


def _wait_for(server: Server) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if server.ask("GET", "/health").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the server on port {server.port} did not start")


def _not_near_a_window_end(period: int = 60, margin: float = 15) -> None:
    """The limit is a fixed window: start well inside one, so that all the requests fall in it."""
    left = period - time.time() % period
    if left < margin:
        time.sleep(left + 0.5)


def test_two_servers_allow_exactly_the_limit_between_them(servers: Any) -> None:
    first, second, store, prefix = servers
    paths = [
        "/api/v1/certificates?q=%E7%BE%8E%E7%9A%84",
        "/certificates/?q=%E7%BE%8E%E7%9A%84",
        "/certificates/verify/",
        "/certificates/CNCA-R-2002-001/2025NOSUCH0001/",
        "/api/v1/certificates/2025NOSUCH0001",
    ]
    _not_near_a_window_end()
    statuses = [
        (first if index % 2 == 0 else second).ask("GET", paths[index % len(paths)]).status
        for index in range(2 * LIMIT)
    ]
    assert all(status != 429 for status in statuses[:LIMIT]), statuses
    assert statuses[LIMIT:] == [429] * LIMIT, statuses
    assert 500 not in statuses
    assert any(key.startswith(f"{prefix}:".encode()) for key in store.scan_iter(f"{prefix}:*"))


def _csrf(server: Server) -> tuple[str, str]:
    page = server.ask("GET", "/accounts/login/")
    cookie = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert page.status == 200 and cookie and token
    return cookie.group(1), token.group(1)


def test_a_lockout_made_on_one_server_holds_on_the_other(servers: Any) -> None:
    first, second, _store, _prefix = servers
    cookie, token = _csrf(first)

    def log_in(server: Server) -> int:
        headers = {
            "Cookie": f"csrftoken={cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://127.0.0.1:{server.port}/accounts/login/",
        }
        body = (
            f"csrfmiddlewaretoken={token}&username=clerk&password=wrong"  # no such user: axes counts anyway
        )
        return int(server.ask("POST", "/accounts/login/", body, headers).status)

    assert [log_in(first if n % 2 == 0 else second) for n in range(4)] == [200] * 4
    assert log_in(first) == 429  # the fifth, counted across both servers
    assert log_in(second) == 429
