"""/healthz: the balancer's probe — database, cache, upload storage, disk, import queue."""

import asyncio
from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from ballast.imports.models import ImportJob

CHECKS = {"database", "cache", "storage", "disk", "import_queue", "queue"}


@pytest.fixture(autouse=True)
def _no_inherited_event_loop():
    """/healthz is an async view: the test client runs it through asgiref's AsyncToSync,
    which refuses to run in a thread where an event loop is marked running. A browser
    test's Playwright, earlier on the same pytest-xdist worker, can leave its loop marked
    so; the probe must not depend on what ran before it."""
    leftover = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(None)
    yield
    asyncio.events._set_running_loop(leftover)


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()


def probe(client):
    response = client.get("/healthz")
    return response.status_code, response.json()


def worker_heartbeat(seconds_ago: float) -> None:
    """A task-queue worker's heartbeat row (procrastinate's table; PostgreSQL only)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat) VALUES (%s)",
            [timezone.now() - timedelta(seconds=seconds_ago)],
        )


@pytest.fixture
def live_worker(db):
    if connection.vendor == "postgresql":
        worker_heartbeat(1)


def test_healthy_server_answers_200_with_every_check_and_no_login(client, live_worker):
    status, body = probe(client)
    assert status == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == CHECKS
    assert {entry["status"] for entry in body["checks"].values()} == {"ok"}
    response = client.get("/healthz")
    assert "no-store" in response["Cache-Control"]  # a proxy never answers for the server
    assert response["Content-Type"] == "application/json"


def test_database_down_answers_503_without_leaking_the_error(client, db, monkeypatch):
    def refuse(self, sql, params=None):
        raise OperationalError('connection to server at "10.9.8.7", port 5432 failed: secret')

    with monkeypatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", refuse)
        status, body = probe(client)
    assert status == 503
    assert body["status"] == "error"
    assert body["checks"]["database"] == {
        "status": "error",
        "ms": body["checks"]["database"]["ms"],
        "message": "数据库不可用",
    }
    assert body["checks"]["import_queue"]["status"] == "error"
    assert body["checks"]["cache"]["status"] == "ok"
    text = str(body)
    assert "10.9.8.7" not in text and "secret" not in text and "5432" not in text


def test_cache_down_answers_503(client, db, settings):
    # A Redis that refuses connections (nothing listens on port 1), as a stopped Redis does.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    status, body = probe(client)
    assert status == 503
    assert body["checks"]["cache"] == {
        "status": "error",
        "ms": body["checks"]["cache"]["ms"],
        "message": "缓存不可用",
    }
    assert body["checks"]["database"]["status"] == "ok"
    assert "127.0.0.1" not in str(body)


def test_full_disk_fails_and_a_filling_disk_warns(client, db, settings):
    settings.HEALTH_DISK_WARN_PERCENT = 1
    settings.HEALTH_DISK_FAIL_PERCENT = 100
    status, body = probe(client)
    assert status == 200
    assert body["status"] == "warning"
    assert body["checks"]["disk"]["status"] == "warning"
    assert body["checks"]["disk"]["message"].startswith("磁盘已用 ")

    settings.HEALTH_DISK_FAIL_PERCENT = 1
    status, body = probe(client)
    assert status == 503
    assert body["checks"]["disk"]["status"] == "error"


def test_unwritable_upload_storage_fails(client, db, settings, tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the upload directory should be")
    settings.MEDIA_ROOT = blocked
    status, body = probe(client)
    assert status == 503
    assert body["checks"]["storage"] == {
        "status": "error",
        "ms": body["checks"]["storage"]["ms"],
        "message": "上传文件存储不可写",
    }
    assert str(tmp_path) not in str(body)


def make_job(people, unit_a, *, waiting: timedelta) -> ImportJob:
    return ImportJob.objects.create(
        user=people["clerk_a"],
        city=unit_a.parent,
        unit=unit_a,
        kind=ImportJob.Kind.REPORTS,
        filename="月报.xlsx",
        status=ImportJob.Status.PLANNED,
        apply_requested_at=timezone.now() - waiting,
    )


def test_import_waiting_too_long_is_a_warning_not_a_failure(client, people, unit_a, settings):
    settings.HEALTH_QUEUE_WARN_SECONDS = 600
    make_job(people, unit_a, waiting=timedelta(minutes=3))
    status, body = probe(client)
    assert (status, body["checks"]["import_queue"]["status"]) == (200, "ok")

    make_job(people, unit_a, waiting=timedelta(minutes=47))
    status, body = probe(client)
    assert status == 200
    assert body["status"] == "warning"
    assert body["checks"]["import_queue"] == {
        "status": "warning",
        "ms": body["checks"]["import_queue"]["ms"],
        "message": "最早的待处理导入已等待 47 分钟，请检查导入进程",
    }
    assert "月报" not in str(body)  # no file names, users or counts


def test_the_queue_warns_without_a_live_worker_and_fails_when_unreadable(client, db, monkeypatch):
    if connection.vendor != "postgresql":
        # The embedded mode has no worker to watch: tasks run in the web process.
        assert probe(client)[1]["checks"]["queue"]["status"] == "ok"
        pytest.skip("the queue's workers run on PostgreSQL")
    worker_heartbeat(600)  # a worker that stopped ten minutes ago
    status, body = probe(client)
    assert status == 200 and body["status"] == "warning"
    assert body["checks"]["queue"]["status"] == "warning"
    assert "没有正在运行的后台任务进程" in body["checks"]["queue"]["message"]
    worker_heartbeat(1)
    assert probe(client)[1]["checks"]["queue"]["status"] == "ok"
    # a job due 20 minutes ago and still waiting: the workers cannot keep up
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args, status, scheduled_at)"
            " VALUES ('default', 'coordination.send_notifications', '{}', 'todo', %s)",
            [timezone.now() - timedelta(minutes=20)],
        )
    body = probe(client)[1]
    assert body["checks"]["queue"]["status"] == "warning"
    assert "最早的后台任务已等待 20 分钟" in body["checks"]["queue"]["message"]
