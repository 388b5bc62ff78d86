"""Issue 16, item 4: heavy reads go to the read replica, with read-your-writes.

Run for real in fresh processes (tests/replica_scenario.py) with ``REPLICA_DATABASE_URL``
set, as in production. There is no streaming replica here: the replica is a **second
database** made as a copy of the primary at one moment (SQLite: a copy of the file;
PostgreSQL, when the suite runs on it: ``CREATE DATABASE … TEMPLATE`` the primary), so
it stands for a replica that lags — it never sees the writes made after the copy, which
makes every read's database visible in its answer.

- A clerk submits a report (on the primary). Right after, the clerk's heavy pages (the
  warnings, an export) read from the primary: the clerk sees their own write.
- A reviewer's warnings page at the same moment reads from the replica (which still has
  the report as a draft); the reviewer's queue page is not a heavy read: the primary.
- Once ``REPLICA_STICKY_SECONDS`` have passed, the clerk's heavy pages read from the
  replica again. Reads inside a transaction always stay on the primary.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "tests" / "replica_scenario.py"


def scenario(step: str, env: dict) -> dict:
    result = subprocess.run(
        [sys.executable, str(SCENARIO), step],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert result.returncode == 0 and lines, result.stderr[-4000:]
    return json.loads(lines[-1][len("RESULT ") :])


def base_env(tmp_path: Path, primary: str, replica: str) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"BALLAST_MODE", "SECRET_KEY", "REDIS_URL", "TASK_QUEUE"}
        and not k.startswith("DATABASE_")
    }
    env.update(
        DATABASE_URL=primary,
        REPLICA_DATABASE_URL=replica,
        REPLICA_STICKY_SECONDS="2",
        BALLAST_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="ballast.settings",
        BALLAST_DASHBOARD_CACHE_SECONDS="0",
    )
    return env


def assert_routed(out: dict) -> None:
    assert out["clerk submits"]["status"] == 302
    assert out["clerk submits"]["replica"] == 0  # writes: the primary
    # the clerk, before saving: heavy pages from the replica
    assert out["before: clerk warnings"]["replica"] > 0
    assert out["before: clerk warnings"]["status"] == 200
    # right after saving: the clerk's heavy reads from the primary (read-your-writes)
    for page in ("after: clerk warnings", "after: clerk export"):
        assert out[page]["status"] == 200, page
        assert out[page]["replica"] == 0 and out[page]["default"] > 0, (page, out[page])
    # another person at the same moment: the replica, which lags
    assert out["after: reviewer warnings"]["replica"] > 0
    assert out["after: reviewer queue"]["replica"] == 0  # not a heavy page
    assert out["status on primary"] == "submitted"
    assert out["status on replica"] == "draft"  # the replica had not seen the write
    assert out["heavy read, outside a transaction"] == "replica"
    assert out["heavy read, inside a transaction"] == "default"
    # the sticky window over: the clerk's heavy reads go to the replica again
    assert out["later: clerk warnings"]["replica"] > 0


def test_heavy_reads_go_to_a_second_sqlite_database(tmp_path):
    primary, copy = tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3"
    env = base_env(tmp_path, f"sqlite:///{primary}", f"sqlite:///{copy}")
    scenario("snapshot", env)
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{primary}{suffix}")
        if source.exists():
            shutil.copy(source, f"{copy}{suffix}")
    assert_routed(scenario("run", env))


@pytest.mark.postgres
def test_heavy_reads_go_to_a_second_postgresql_database(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://…)")
    import psycopg

    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    server = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    names = (
        f"ballast_replica_test_{os.getpid()}_primary",
        f"ballast_replica_test_{os.getpid()}_copy",
    )

    def admin(*statements):
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    admin(*(f'DROP DATABASE IF EXISTS "{name}"' for name in names), f'CREATE DATABASE "{names[0]}"')
    env = base_env(tmp_path, f"{server}/{names[0]}", f"{server}/{names[1]}")
    try:
        scenario("snapshot", env)
        admin(f'CREATE DATABASE "{names[1]}" TEMPLATE "{names[0]}"')
        assert_routed(scenario("run", env))
    finally:
        admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names))
