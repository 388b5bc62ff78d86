"""Issue 16, item 4: heavy reads go to the read replica, with read-your-writes.

Run for real in fresh processes (tests/replica_scenario.py) with ``REPLICA_DATABASE_URL``
set, as in production. The replica is a **second database** made as a copy of the
primary at one moment (SQLite: a copy of the file;
PostgreSQL, when the suite runs on it: ``CREATE DATABASE … TEMPLATE`` the primary), so
it stands for a replica that lags — it never sees the writes made after the copy, which
makes every read's database visible in its answer.

- A clerk submits a report (on the primary). Right after, the clerk's heavy pages (the
  warnings, an export) read from the primary: the clerk sees their own write.
- A reviewer's warnings page at the same moment reads from the replica (which still has
  the report as a draft); the reviewer's queue page is not a heavy read: the primary.
- With a real **streaming replica** (PostgreSQL only, when Debian's server binaries are
  installed: the test starts its own primary and a hot standby made by
  ``pg_basebackup -R`` on loopback ports) the same routing holds, the standby refuses
  writes and catches up with the clerk's write by itself.
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


def assert_routed(out: dict, *, streaming: bool = False) -> None:
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
    if streaming:
        assert out["replica refuses writes"] is True  # a real hot standby
        assert out["status on replica, caught up"] == "submitted"  # it streamed the write
    else:
        assert out["status on replica"] == "draft"  # the copy had not seen the write
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


def pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup"))
    return found[-1].parent if found else None


@pytest.mark.postgres
def test_heavy_reads_go_to_a_streaming_replica(tmp_path):
    """A primary and a hot standby of their own (initdb, pg_basebackup -R), on loopback."""
    import socket
    import time

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://…)")
    bin_dir = pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL's server binaries (initdb, pg_basebackup) are not installed")
    as_postgres = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: cannot start PostgreSQL")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    base = Path(f"/tmp/ballast-replica-{os.getpid()}")  # short: socket paths are limited
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir()
    if as_postgres:
        shutil.chown(base, "postgres")

    def pg(*args):
        subprocess.run(
            [*as_postgres, *map(str, args)], check=True, capture_output=True, timeout=120
        )

    ports = []
    for _ in range(2):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            ports.append(sock.getsockname()[1])
    primary, standby = base / "primary", base / "standby"
    started = []
    try:
        pg(bin_dir / "initdb", "-D", primary, "-A", "trust", "-U", "postgres")
        with (primary / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port={ports[0]}\nlisten_addresses='127.0.0.1'\n"
                f"unix_socket_directories='{base}'\nwal_level=replica\nmax_wal_senders=4\n"
                "fsync=off\n"
            )
        with (primary / "pg_hba.conf").open("a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        pg(bin_dir / "pg_ctl", "-D", primary, "-l", base / "primary.log", "-w", "start")
        started.append(primary)
        pg(bin_dir / "createdb", "-h", "127.0.0.1", "-p", ports[0], "-U", "postgres", "ballast")
        pg(
            bin_dir / "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            ports[0],
            "-U",
            "postgres",
            "-D",
            standby,
            "-R",
            "-X",
            "stream",
        )
        conf = (
            (standby / "postgresql.conf")
            .read_text()
            .replace(f"port={ports[0]}", f"port={ports[1]}")
        )
        (standby / "postgresql.conf").write_text(conf)
        pg(bin_dir / "pg_ctl", "-D", standby, "-l", base / "standby.log", "-w", "start")
        started.append(standby)
        env = base_env(
            tmp_path,
            f"postgres://postgres@127.0.0.1:{ports[0]}/ballast",
            f"postgres://postgres@127.0.0.1:{ports[1]}/ballast",
        )
        env["REPLICA_IS_STREAMING"] = "1"
        scenario("snapshot", env)
        time.sleep(1)  # let the standby replay the build
        assert_routed(scenario("run", env), streaming=True)
    finally:
        for data in reversed(started):
            subprocess.run(
                [*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(base, ignore_errors=True)
