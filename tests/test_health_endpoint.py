"""/healthz: the balancer's probe — database, cache, upload storage, disk, import queue."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from ballast.imports.models import ImportJob

CHECKS = {"database", "cache", "storage", "disk", "import_queue", "queue"}


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()


def probe(client):
    response = client.get("/healthz")
    return response.status_code, response.json()


def test_healthy_server_answers_200_with_every_check_and_no_login(client, db):
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
