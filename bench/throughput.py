"""Throughput of the demo city's pages: runserver against the production stack (issue 16).

    .venv/bin/python bench/throughput.py [--users 8] [--seconds 30] [--workers 1,2,4]
                                         [--only runserver-sqlite,runserver-pg,gunicorn]

Builds the demo city (``load_demo``, seed 2023) once in SQLite (``var/bench/throughput``)
and once in PostgreSQL (``BENCH_PG_DB``, default ``postgres://postgres@127.0.0.1:5432/
ballast_throughput``), then for each server:

- ``runserver-sqlite``: the demo as shipped (``manage.py runserver --insecure``, embedded
  mode, SQLite);
- ``runserver-pg``: the same server on PostgreSQL;
- ``gunicorn-N``: the production stack — gunicorn (``ballast/gunicorn.conf.py``, N
  processes × 4 threads), PostgreSQL, Redis (``BENCH_REDIS``, default db 4) for cache
  and sessions — for each N of ``--workers``;

signs in the demo people, and runs ``--users`` concurrent people for ``--seconds``
(tests/loadtest/load.py): clerks (month page, project list), unit reviewers (review
queue, warnings), city reviewers (acceptance queue, warnings) and leaders (cockpit,
home page), each request after the previous one, no think time. Read-only, so every run
sees the same data; the dashboards' cache is on, as deployed. Prints one JSON line per
server and a Markdown table (requests/s, p50/p95/p99 per page, errors) with ``uptime``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.loadtest.load import Load, Person  # noqa: E402

PASSWORD = "Ballast2026!"
SECRET = "throughput-bench-" + "x" * 40
PERSONAS = {
    "clerk_321081": ["/reports/", "/projects/"],
    "reviewer_321081": ["/reports/review/", "/warnings/"],
    "city_reviewer": ["/reports/city/", "/warnings/"],
    "leader_city1": ["/cockpit/", "/"],
}
SESSION_SNIPPET = """
import json, django
django.setup()
from django.test import Client
from ballast.accounts.models import User
out = {}
for name in %r:
    client = Client()
    client.force_login(User.objects.get(username=name))
    out[name] = client.cookies["sessionid"].value
print("SESSIONS " + json.dumps(out))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(**extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "REDIS_", "BALLAST_", "GUNICORN_", "TASK_"))
        and k not in ("SECRET_KEY", "ALLOWED_HOSTS")
    }
    env["DJANGO_SETTINGS_MODULE"] = "ballast.settings"
    env.update(extra)
    return env


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(result.stderr[-3000:])
    return result.stdout


def build(env: dict, label: str) -> None:
    manage(env, "migrate", "--noinput", "-v0")
    check = subprocess.run(
        [sys.executable, "manage.py", "load_demo", "--check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
    )
    if check.returncode:
        started = time.monotonic()
        manage(env, "load_demo", "--seed", "2023", "--password", PASSWORD, "--reset")
        print(f"# demo city built on {label} in {time.monotonic() - started:.0f} s", flush=True)


def sessions(env: dict) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, "-c", SESSION_SNIPPET % (list(PERSONAS),)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    line = [x for x in result.stdout.splitlines() if x.startswith("SESSIONS ")]
    if not line:
        raise SystemExit(result.stderr[-3000:])
    return json.loads(line[0][len("SESSIONS ") :])


def wait_up(port: int, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server on {port} exited")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server on {port} did not start")


def measure(name: str, command: list[str], env: dict, *, users: int, seconds: float) -> dict:
    port = free_port()
    command = [part.replace("{port}", str(port)) for part in command]
    env = {**env, "BALLAST_ADDRESS": f"127.0.0.1:{port}"}
    cookies = sessions(env)
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_up(port, process)
        load = Load("127.0.0.1", port)
        people = list(PERSONAS)
        # warm-up: every page once per person (imports, caches, connections)
        load.stop_at = time.monotonic() + 3600
        for person in people:
            for path in PERSONAS[person]:
                load.request(Person(person, cookies[person], ""), "GET", path, "warm-up")
        load.samples.clear()
        load.stop_at = time.monotonic() + seconds
        threads = []
        for i in range(users):
            person = people[i % len(people)]
            threads.append(
                threading.Thread(
                    target=load.leader,
                    args=(Person(person, cookies[person], ""), PERSONAS[person]),
                )
            )
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        summary = load.summary()
        statuses = sorted({s.status for s in load.samples})
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    summary["server"] = name
    summary["statuses"] = statuses
    return summary


def table(results: list[dict]) -> str:
    pages = sorted({page for r in results for page in r["pages"]})
    lines = [
        "| server | req/s | errors | "
        + " | ".join(p.replace("leader: ", "") for p in pages)
        + " |",
        "| --- | ---: | ---: | " + " | ".join("---:" for _ in pages) + " |",
    ]
    for r in results:
        cells = []
        for page in pages:
            p = r["pages"].get(page)
            cells.append(f"{p['p50_ms']:.0f} / {p['p95_ms']:.0f} / {p['p99_ms']:.0f}" if p else "–")
        lines.append(f"| {r['server']} | {r['rps']} | {r['errors']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--only", default="runserver-sqlite,runserver-pg,gunicorn")
    args = parser.parse_args()
    only = set(args.only.split(","))
    pg = os.environ.get("BENCH_PG_DB", "postgres://postgres@127.0.0.1:5432/ballast_throughput")
    redis = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/4")
    var = ROOT / "var" / "bench" / "throughput"
    var.mkdir(parents=True, exist_ok=True)
    sqlite_env = base_env(BALLAST_VAR_DIR=str(var))
    pg_embedded = base_env(DATABASE_URL=pg, BALLAST_VAR_DIR=str(var))
    production = base_env(
        BALLAST_MODE="production",
        DATABASE_URL=pg,
        REDIS_URL=redis,
        CACHE_KEY_PREFIX=f"throughput-{os.getpid()}",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https",
        BALLAST_2FA_REQUIRED="off",  # the bench signs in by session; 2FA is not what is timed
        STATIC_ROOT=str(var / "static"),
        MEDIA_ROOT=str(var / "media"),
        BALLAST_THREADS="4",
        DATABASE_CONN_MAX_AGE="60",
    )
    if "runserver-sqlite" in only:
        build(sqlite_env, "SQLite")
        manage(sqlite_env, "collectstatic", "--noinput", "-v0")
    if only & {"runserver-pg", "gunicorn"}:
        build(pg_embedded, "PostgreSQL")
    if "gunicorn" in only:
        manage(production, "collectstatic", "--noinput", "-v0")
    runserver = [
        sys.executable,
        "manage.py",
        "runserver",
        "127.0.0.1:{port}",
        "--insecure",
        "--noreload",
    ]
    plans = []
    if "runserver-sqlite" in only:
        plans.append(("runserver, SQLite (bin/demo)", runserver, sqlite_env))
    if "runserver-pg" in only:
        plans.append(("runserver, PostgreSQL", runserver, pg_embedded))
    if "gunicorn" in only:
        for n in args.workers.split(","):
            plans.append(
                (
                    f"gunicorn {n}×4, PostgreSQL + Redis",
                    [str(ROOT / ".venv/bin/gunicorn"), "-c", "ballast/gunicorn.conf.py"],
                    {**production, "BALLAST_WORKERS": n},
                )
            )
    results = []
    for name, command, env in plans:
        load_before = os.getloadavg()
        result = measure(name, command, env, users=args.users, seconds=args.seconds)
        result["loadavg_before"] = [round(x, 2) for x in load_before]
        results.append(result)
        print(json.dumps(result, ensure_ascii=False), flush=True)
    print()
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    print(f"{args.users} users, {args.seconds:.0f} s each; cells: p50 / p95 / p99 ms")
    print(table(results))


if __name__ == "__main__":
    main()
