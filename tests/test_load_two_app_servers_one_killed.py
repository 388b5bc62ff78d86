"""Issue 16, item 3: stateless app servers under load, one killed mid-run.

Two gunicorn app servers (production mode, sessions and cache in Redis, data in
PostgreSQL) and a task-queue worker run behind a balancer on loopback
(tests/loadtest/balancer.py: Debian's haproxy/nginx are not installed here). A bounded
mixed load (tests/loadtest/load.py) runs for ``LOAD_SECONDS``: clerks enter and submit
monthly reports, unit reviewers approve, city reviewers accept, leaders read the cockpits.
A third of the way in, app server 1 is killed (SIGKILL: its in-flight requests die with
it). Then:

- no lost write: every report whose creation or step the load was told succeeded is in
  the database, with its figure and in the state it was acknowledged in;
- no 5xx beyond the killed server's in-flight requests: every 5xx the balancer answered
  was from server 1, for a request it held when it was killed; server 2 answered
  everything after, on the same sessions (no per-process state);
- the queue's worker and the surviving server are healthy.

Runs on PostgreSQL with Redis only (marker ``loadtest``); skipped otherwise, saying why.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from ballast.accounts.choices import Role
from ballast.accounts.services import token_create
from ballast.reports.models import MonthlyReport
from tests.conftest import make_user
from tests.loadtest.balancer import Balancer
from tests.loadtest.load import Load, Person

ROOT = Path(__file__).resolve().parent.parent
REDIS_DB = 4
LOAD_SECONDS = 40
KILL_AFTER = 12
PROJECTS = 16
MONTHS = [f"2024-{m:02d}-01" for m in range(1, 7)]

pytestmark = [pytest.mark.loadtest, pytest.mark.postgres]


def redis_url() -> str | None:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            if sock.recv(16).startswith(b"+PONG"):
                return f"redis://127.0.0.1:6379/{REDIS_DB}"
    except OSError:
        pass
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(tmp_path, redis: str, **extra) -> dict:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "REDIS_", "BALLAST_", "GUNICORN_", "TASK_"))
        and k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        BALLAST_MODE="production",
        DJANGO_SETTINGS_MODULE="ballast.settings",
        DATABASE_URL=f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        DATABASE_CONN_MAX_AGE="60",
        REDIS_URL=redis,
        CACHE_KEY_PREFIX=f"loadtest-{os.getpid()}",
        # The sessions made by this test process are signed with its key.
        SECRET_KEY=django_settings.SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https",
        BALLAST_2FA_REQUIRED="off",
        # the API's per-token rate limit (120/min) is not what this test measures: a few
        # clients' tokens send far more than that when the machine is quiet
        BALLAST_API_RATE="100000/min",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        MPLCONFIGDIR=str(tmp_path / "mpl"),
        **extra,
    )
    return env


def get(port: int, path: str) -> tuple[int, bytes]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_healthy(port: int, process: subprocess.Popen, log: Path, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            status, body = get(port, "/healthz")
            if status == 200:
                return json.loads(body)
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"server on {port} did not start:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def signed_in(user) -> Person:
    client = Client()
    client.force_login(user)
    _token, secret = token_create(user=user, name="负载测试")
    return Person(user.username, client.cookies["sessionid"].value, secret)


@pytest.mark.django_db(transaction=True)
def test_two_app_servers_under_load_lose_no_write_when_one_is_killed(
    people, unit_a, make_project, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("the load test runs the production stack: needs PostgreSQL (DATABASE_URL)")
    redis = redis_url()
    if redis is None:
        pytest.skip("the load test runs the production stack: needs Redis on 127.0.0.1:6379")
    started = time.monotonic()
    phases = {}

    projects = [make_project(stages={"started": date(2023, 1, 5)}) for _ in range(PROJECTS)]
    second_clerk = make_user("clerk_a2", Role.UNIT_CLERK, unit_a)
    clerks = [signed_in(people["clerk_a"]), signed_in(second_clerk)]
    unit_reviewer = signed_in(people["reviewer_a"])
    city_reviewer = signed_in(people["city_reviewer"])
    leaders = [signed_in(people["city_leader"]), signed_in(people["leader_a"])]
    entries = [
        (project.pk, month, str(Decimal(100 + i * 7 + m)))
        for i, project in enumerate(projects)
        for m, month in enumerate(MONTHS)
    ]

    phases["data"] = time.monotonic() - started
    env = production_env(tmp_path, redis)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    ports = [free_port(), free_port()]
    processes = []
    logs = []
    try:
        for number, port in enumerate(ports, 1):
            log = tmp_path / f"server{number}.log"
            logs.append(log)
            processes.append(
                subprocess.Popen(
                    [str(ROOT / ".venv/bin/gunicorn"), "-c", "ballast/gunicorn.conf.py"],
                    cwd=ROOT,
                    env={
                        **env,
                        "BALLAST_ADDRESS": f"127.0.0.1:{port}",
                        "BALLAST_WORKERS": "2",
                        "BALLAST_THREADS": "4",
                    },
                    stdout=log.open("w"),
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        worker_log = tmp_path / "worker.log"
        worker = subprocess.Popen(
            ["bash", "bin/worker"],
            cwd=ROOT,
            env=env,
            stdout=worker_log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        processes.append(worker)
        for port, process, log in zip(ports, processes, logs, strict=False):
            wait_healthy(port, process, log)

        phases["servers up"] = time.monotonic() - started
        balancer = Balancer([("127.0.0.1", port) for port in ports]).start()
        load = Load("127.0.0.1", balancer.port)
        load.stop_at = time.monotonic() + LOAD_SECONDS
        half = len(entries) // 2
        clerks_done = threading.Event()

        def accepted_all() -> bool:
            return clerks_done.is_set() and all(
                e["status"] == "accepted" for e in load.acknowledged.values()
            )

        threads = [
            threading.Thread(target=load.clerk, args=(clerks[0], entries[:half])),
            threading.Thread(target=load.clerk, args=(clerks[1], entries[half:])),
        ]
        reviewers = [
            threading.Thread(
                target=load.reviewer,
                args=(unit_reviewer,),
                kwargs=dict(
                    status="submitted",
                    step="approve",
                    done="unit_approved",
                    page="unit reviewer",
                    queue_page="/reports/review/",
                    until=accepted_all,
                ),
            ),
            threading.Thread(
                target=load.reviewer,
                args=(city_reviewer,),
                kwargs=dict(
                    status="unit_approved",
                    step="accept",
                    done="accepted",
                    page="city reviewer",
                    queue_page="/reports/city/",
                    until=accepted_all,
                ),
            ),
        ]
        readers = [
            threading.Thread(target=load.leader, args=(leaders[0], ["/cockpit/", "/"])),
            threading.Thread(target=load.leader, args=(leaders[1], ["/cockpit/", "/projects/"])),
        ]
        for thread in threads + reviewers + readers:
            thread.start()
        time.sleep(KILL_AFTER)
        killed_at = time.monotonic()
        os.killpg(processes[0].pid, signal.SIGKILL)  # app server 1, mid-run
        processes[0].wait(10)
        # Until its last process is gone the kernel may still hand it a connection: those
        # requests, too, died with it. Dead is when its port refuses.
        while time.monotonic() - killed_at < 10:
            try:
                socket.create_connection(("127.0.0.1", ports[0]), timeout=1).close()
            except OSError:
                break
            time.sleep(0.05)
        dead_at = time.monotonic()
        for thread in threads:
            thread.join(LOAD_SECONDS + 30)
        clerks_done.set()
        for thread in reviewers:
            thread.join(LOAD_SECONDS + 30)
        load.stop_at = 0
        for thread in readers:
            thread.join(60)
        balancer.stop()

        status, body = get(ports[1], "/healthz")
        health = json.loads(body)
    finally:
        for process in processes:
            stop(process)

    phases["load done"] = time.monotonic() - started
    summary = load.summary()
    print(json.dumps({"phases": phases, **summary}, ensure_ascii=False, indent=1))
    answers = balancer.answers

    # --- no 5xx beyond the killed server's in-flight requests -------------------------
    failed = [a for a in answers if a.status >= 500]
    assert all(a.backend == 0 and a.started <= dead_at for a in failed), [
        (a.backend, a.status, round(a.started - killed_at, 2), round(dead_at - killed_at, 2))
        for a in failed
    ]
    assert not [s for s in load.samples if s.status == 0]  # the balancer never cut one off
    after = [a for a in answers if a.started > dead_at]
    assert after and all(a.backend == 1 for a in after)
    assert sum(1 for a in answers if a.backend == 0) > 10  # server 1 did serve before
    statuses = {s.status for s in load.samples}
    assert statuses <= {200, 201, 302, 409, 412, 502}, statuses

    # --- no lost write ---------------------------------------------------------------
    acknowledged = load.acknowledged
    assert len(acknowledged) >= 20, summary  # the load did write
    reports = {
        f"{r.project_id}:{r.month.isoformat()}": r
        for r in MonthlyReport.objects.filter(project__in=projects)
    }
    for key, entry in acknowledged.items():
        report = reports.get(key)
        assert report is not None, f"acknowledged report {key} lost"
        assert report.pk == entry["id"]
        assert report.investment == Decimal(entry["investment"])
        assert report.status == entry["status"], (key, report.status, entry["status"])
    # nothing written twice: one report per project and month (the retried creations)
    assert len(reports) == MonthlyReport.objects.filter(project__in=projects).count()
    assert sum(1 for e in acknowledged.values() if e["status"] == "accepted") >= 10

    # --- the survivors are healthy: database, Redis, the queue's worker ---------------
    assert status == 200 and health["checks"]["queue"]["status"] == "ok", health
    assert time.monotonic() - started < 150
