"""Issue 10, hole 6 — races gave HTTP 500 on SQLite ("database is locked" on two
simultaneous approvals, a debug traceback page in embedded mode).

Run for real in a fresh process (tests/concurrency_worker.py) against a database file —
SQLite's in-memory test database shares one cache and fails at once instead of waiting,
so it cannot show what a server does — and against a scratch PostgreSQL database when the
suite runs on PostgreSQL. Embedded mode with DEBUG on, the installation's own settings.

- Two reviewers approve the same report at the same moment (both inside the service):
  one succeeds, the other is told "该月度填报已被他人处理", nothing is approved twice,
  no 500, no traceback — the same answer on SQLite and PostgreSQL.
- Two clerks enter the same month's report, none there yet, at the same moment: one
  report, the second clerk is shown the first's figure beside their own.
- Another writer holds the lock longer than the timeout: 503 "请稍后重试" with
  ``Retry-After`` and the person's input kept for sending again — never a 500.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKER = ROOT / "tests" / "concurrency_worker.py"


def run_worker(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"BALLAST_MODE", "SECRET_KEY"}}
    env.update(
        {
            "DATABASE_URL": database_url,
            "DEBUG": "true",  # the embedded default: a 500 would be the traceback page
            "DJANGO_SETTINGS_MODULE": "ballast.settings",
            "BALLAST_VAR_DIR": str(Path(urlsplit(database_url).path).parent)
            if database_url.startswith("sqlite")
            else env.get("BALLAST_VAR_DIR", str(ROOT / "var")),
        }
    )
    result = subprocess.run(
        [sys.executable, str(WORKER)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert result.returncode == 0 and lines, result.stderr[-4000:]
    return json.loads(lines[-1][len("RESULT ") :])


def assert_race_answered_clearly(result: dict) -> None:
    race = result["two_approvals"]
    answers = race["answers"]
    assert [a["status"] for a in answers] == [200, 200]  # both followed back to the queue
    assert not any(a["traceback"] for a in answers)
    messages = sorted(" ".join(a["messages"]) for a in answers)
    winners = [m for m in messages if "审核通过。" in m and "已被他人处理" not in m]
    losers = [m for m in messages if "该月度填报已被他人处理" in m]
    assert len(winners) == 1 and len(losers) == 1, messages
    assert race["approved_by"] in losers[0]  # the loser is told who did it
    assert "当前状态为“板块已审核”" in losers[0]
    assert race["status"] == "unit_approved"
    assert race["approvals_in_history"] == 1  # approved once, not twice


def assert_second_creator_sees_the_first(result: dict) -> None:
    race = result["two_creations"]
    answers = race["answers"]
    assert [a["status"] for a in answers] == [200, 200], [a["text"][:300] for a in answers]
    assert not any(a["traceback"] for a in answers)
    assert len(race["saved"]) == 1  # one report, the first one's figure
    refused = [a for a in answers if "保存未成功" in a["text"]]
    saved = [a for a in answers if "草稿已保存。" in " ".join(a["messages"])]
    assert len(refused) == 1 and len(saved) == 1
    assert race["saved"][0] in refused[0]["text"]  # shown the other clerk's figure


def assert_lock_wait_becomes_retry_page(result: dict) -> None:
    held = result["held_lock"]
    (answer,) = held["answers"]
    assert answer["status"] == 503
    assert answer["retry_after"]
    assert not answer["traceback"]
    assert "请稍后重试" in answer["text"]
    # The input is kept: the page sends the same fields again on a click.
    assert 'name="version"' in answer["text"] and "重新提交" in answer["text"]
    assert held["status"] == "submitted"  # nothing half-done


def test_races_on_a_sqlite_file(tmp_path):
    result = run_worker(f"sqlite:///{tmp_path / 'ballast.sqlite3'}")
    assert result["vendor"] == "sqlite"
    assert result["options"]["transaction_mode"] == "IMMEDIATE"
    assert_race_answered_clearly(result)
    assert_second_creator_sees_the_first(result)
    assert_lock_wait_becomes_retry_page(result)


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="PostgreSQL runs only when the suite does (DATABASE_URL=postgres://…)",
)
def test_races_on_postgresql():
    import psycopg

    url = urlsplit(os.environ["DATABASE_URL"])
    scratch = f"{url.path.lstrip('/') or 'ballast'}_race"
    admin_url = urlunsplit(url._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        result = run_worker(urlunsplit(url._replace(path=f"/{scratch}")))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    assert result["vendor"] == "postgresql"
    assert_race_answered_clearly(result)
    assert_second_creator_sees_the_first(result)
    assert_lock_wait_becomes_retry_page(result)
