"""Issue 16, item 2: a task-queue worker killed in the middle of an import (SIGKILL: no
clean-up, its transaction cut) loses the job: procrastinate sees its heartbeat stop and
queues the job again, a second worker waits out the dead worker's import lease, takes
the job over and applies the file — exactly once: every row written one time, the job
started twice, nothing left half-done.

Real processes on PostgreSQL (``tests/queue_worker.py`` runs ``manage.py procrastinate
worker``); skipped on SQLite, whose embedded mode has no worker (the immediate queue).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from ballast.imports.models import ImportJob
from ballast.projects.models import Project
from tests.test_web_import import last_job, upload, workbook_bytes

ROOT = Path(__file__).resolve().parent.parent
ROWS = 300

pytestmark = [pytest.mark.postgres]


def start_worker(row_seconds: float) -> subprocess.Popen:
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k not in {"BALLAST_MODE", "SECRET_KEY"}}
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}"
        f":{db['PORT'] or 5432}/{db['NAME']}",
        TASK_QUEUE="procrastinate",
        TASK_HEARTBEAT_SECONDS="1",
        TASK_STALLED_SECONDS="3",
        TASK_STALLED_CHECK_CRON="* * * * * */2",  # every two seconds (sixth field)
        QUEUE_TEST_ROW_SECONDS=str(row_seconds),
        QUEUE_TEST_LEASE_SECONDS="3",
    )
    env.pop("REDIS_URL", None)
    return subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "queue_worker.py"), "--queues", "imports,default"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(predicate, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def job_row(pk: int) -> ImportJob:
    return ImportJob.objects.get(pk=pk)


@pytest.mark.django_db(transaction=True)
def test_a_killed_workers_import_is_taken_over_and_applied_exactly_once(
    client, people, unit_a, settings
):
    if connection.vendor != "postgresql":
        pytest.skip("the task queue's workers run on PostgreSQL (SQLite: immediate mode)")
    settings.IMPORT_BACKGROUND_ROWS = 100
    client.force_login(people["clerk_a"])
    rows = [["项目名称", "所属板块", "总投资（万元）"]] + [
        [f"队列项目{i:03d}", "仪征", 100 + i] for i in range(1, ROWS + 1)
    ]
    upload(client, workbook_bytes(rows))
    job = last_job()
    assert job.total_rows == ROWS
    assert client.post(f"/imports/{job.pk}/apply/").status_code == 302
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'imports.apply_job'"
            " AND status = 'todo'"
        )
        assert cursor.fetchone() == (1,)  # handed to the queue in the request's transaction

    first = start_worker(row_seconds=0.05)  # 300 rows ≈ 15 s: time to kill it midway
    try:
        wait_for(lambda: job_row(job.pk).progress_done >= 30, seconds=60, what="the first apply")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    killed = job_row(job.pk)
    assert killed.status == ImportJob.Status.APPLYING and killed.attempts == 1
    assert 0 < killed.progress_done < ROWS
    # the dead worker's transaction was cut: nothing of it is in the database
    assert not Project.objects.filter(name__startswith="队列项目").exists()

    second = start_worker(row_seconds=0)
    try:
        done = wait_for(
            lambda: (j := job_row(job.pk)).status != ImportJob.Status.APPLYING and j,
            seconds=90,
            what="the second worker to take the job over",
        )
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(20)
        except subprocess.TimeoutExpired:
            second.kill()
    assert done.status == ImportJob.Status.APPLIED, done.errors
    assert done.attempts == 2  # started by the killed worker, then by the second
    assert done.result == {"created": ROWS, "updated": 0, "unchanged": 0}
    assert Project.objects.filter(name__startswith="队列项目").count() == ROWS
    # each project written once: one creation each in the history
    assert Project.history.filter(name__startswith="队列项目", history_type="+").count() == ROWS
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status, attempts FROM procrastinate_jobs WHERE task_name = 'imports.apply_job'"
        )
        remaining = cursor.fetchall()
    # the queue's job finished (deleted on success) — nothing left to run it a third time
    assert remaining == []
