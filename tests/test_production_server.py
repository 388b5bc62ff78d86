"""bin/serve: production mode on PostgreSQL behind gunicorn, static files by whitenoise.

The server test starts ``bin/serve`` itself (its checks, migrations, collectstatic, then
gunicorn) on a free loopback port against this test run's PostgreSQL database, asks it
for /healthz, /login/ and a static file as nginx would, and stops it — within 60 seconds.
"""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
DEADLINE_SECONDS = 60
REDIS_DB = 5


def serve_env(**extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "BALLAST_", "GUNICORN_"))
        and key
        not in (
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            # set by the browser tests' conftest; production's checks refuse it
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        )
    }
    env["BALLAST_SERVE_SETUP"] = "0"  # .venv is already installed by the test run
    env.update(extra)
    return env


def test_serve_refuses_to_start_without_its_configuration():
    result = subprocess.run(
        ["bash", "bin/serve"],
        cwd=ROOT,
        env=serve_env(SECRET_KEY="k" * 50),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "缺少环境变量 DATABASE_URL ALLOWED_HOSTS" in result.stderr


def test_serve_refuses_sqlite():
    result = subprocess.run(
        ["bash", "bin/serve"],
        cwd=ROOT,
        env=serve_env(
            SECRET_KEY="k" * 50, ALLOWED_HOSTS="127.0.0.1", DATABASE_URL="sqlite:///x.db"
        ),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "DATABASE_URL 必须是 PostgreSQL" in result.stderr


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_url() -> str | None:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            if sock.recv(16).startswith(b"+PONG"):
                return f"redis://127.0.0.1:6379/{REDIS_DB}"
    except OSError:
        pass
    return None


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def get(port: int, path: str, **headers) -> http.client.HTTPResponse:
    """A request as nginx sends it: loopback, the public host name, HTTPS forwarded."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(
        "GET", path, headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https", **headers}
    )
    response = conn.getresponse()
    response.body = response.read()
    conn.close()
    return response


@pytest.mark.postgres
@pytest.mark.django_db
def test_serve_runs_gunicorn_in_production_mode(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://…)")
    port = free_loopback_port()
    cache = redis_url()
    env = serve_env(
        DATABASE_URL=database_url(),
        SECRET_KEY="test-secret-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https",  # as behind nginx
        BALLAST_ADDRESS=f"127.0.0.1:{port}",
        BALLAST_WORKERS="2",
        BALLAST_THREADS="2",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        **({"REDIS_URL": cache, "CACHE_KEY_PREFIX": f"test-serve-{port}"} if cache else {}),
    )
    log = (tmp_path / "serve.log").open("w+")
    server = subprocess.Popen(
        ["bash", "bin/serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    started = time.monotonic()
    try:
        health = None
        while time.monotonic() - started < DEADLINE_SECONDS - 10:
            if server.poll() is not None:
                break
            try:
                health = get(port, "/healthz")
                break
            except OSError:
                time.sleep(0.5)
        log.seek(0)
        output = log.read()
        assert health is not None, f"bin/serve did not answer:\n{output[-3000:]}"
        assert "Using worker: gthread" in output
        # A server just started on a loaded machine may fail a check's time limit on its
        # first answer: it must become healthy before the deadline, not on the first try.
        while health.status != 200 and time.monotonic() - started < DEADLINE_SECONDS - 10:
            time.sleep(0.5)
            health = get(port, "/healthz")
        assert health.status == 200, health.body.decode()
        body = json.loads(health.body)
        assert body["status"] in ("ok", "warning")
        assert {name: body["checks"][name]["status"] for name in ("database", "cache")} == {
            "database": "ok",
            "cache": "ok",
        }

        # bin/serve started a task-queue worker beside gunicorn: its heartbeat shows.
        queue_state = body["checks"]["queue"]["status"]
        while queue_state != "ok" and time.monotonic() - started < DEADLINE_SECONDS - 10:
            time.sleep(0.5)
            queue_state = json.loads(get(port, "/healthz").body)["checks"]["queue"]["status"]
        assert queue_state == "ok", output[-3000:]
        assert "后台任务进程 1 个" in output

        login = get(port, "/login/")
        assert login.status == 200
        page = login.body.decode()
        assert "登录" in page
        assert "Secure" in login.getheader("Set-Cookie")  # production cookies
        # The stylesheet's name carries its content hash (the manifest storage).
        stylesheet = re.search(r'href="(/static/web/ballast\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, page[:2000]

        static = get(port, stylesheet.group(1), **{"Accept-Encoding": "gzip"})
        assert static.status == 200
        assert static.getheader("Server") == "gunicorn"
        cache_control = static.getheader("Cache-Control")
        assert "max-age=315360000" in cache_control and "immutable" in cache_control
        assert static.getheader("Content-Encoding") == "gzip"

        missing = get(port, "/no-such-page/")
        assert missing.status in (302, 404)
        assert b"Traceback" not in missing.body and b"DEBUG" not in missing.body
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=5)
        log.close()
    assert time.monotonic() - started < DEADLINE_SECONDS
