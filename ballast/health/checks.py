"""Ballast's own health checks, beside django-health-check's database, cache and storage.

Every check raises ``ServiceUnavailable`` when the server should leave the balancer's pool
and ``ServiceWarning`` when an operator should look but the server still serves.
Messages name the trouble, never a host, a path, a count of data or an error text.
"""

from __future__ import annotations

import dataclasses
import datetime
import shutil

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import Error as DatabaseError
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable, ServiceWarning

from ballast.imports.jobs import pending_jobs


@dataclasses.dataclass
class DiskSpace(HealthCheck):
    """Free space where uploads are kept (MEDIA_ROOT, shared by every app server)."""

    warn_percent: float = dataclasses.field(
        default_factory=lambda: settings.HEALTH_DISK_WARN_PERCENT, repr=False
    )
    fail_percent: float = dataclasses.field(
        default_factory=lambda: settings.HEALTH_DISK_FAIL_PERCENT, repr=False
    )

    def run(self) -> None:
        try:
            usage = shutil.disk_usage(settings.MEDIA_ROOT)
        except OSError as exc:
            raise ServiceUnavailable("上传文件目录不可用") from exc
        percent = usage.used * 100 / usage.total if usage.total else 100
        if percent >= self.fail_percent:
            raise ServiceUnavailable(f"磁盘已用 {percent:.0f}%")
        if percent >= self.warn_percent:
            raise ServiceWarning(f"磁盘已用 {percent:.0f}%")


def oldest_pending_import_age(now: datetime.datetime) -> datetime.timedelta | None:
    """How long the oldest import waiting for the worker has waited (None: none waits)."""
    requested = pending_jobs().values_list("apply_requested_at", flat=True).first()
    return now - requested if requested else None


@dataclasses.dataclass
class ImportQueue(HealthCheck):
    """The import job queue: a warning when its oldest pending job waits too long (the
    worker, ``manage.py process_import_jobs``, is not running or cannot keep up)."""

    warn_after: datetime.timedelta = dataclasses.field(
        default_factory=lambda: datetime.timedelta(seconds=settings.HEALTH_QUEUE_WARN_SECONDS),
        repr=False,
    )

    async def run(self) -> None:
        # In the request's own thread, whose database connection Django closes afterwards.
        try:
            age = await sync_to_async(oldest_pending_import_age, thread_sensitive=True)(
                timezone.now()
            )
        except DatabaseError as exc:
            raise ServiceUnavailable("数据库不可用，无法读取导入队列") from exc
        if age is not None and age > self.warn_after:
            minutes = int(age.total_seconds() // 60)
            raise ServiceWarning(f"最早的待处理导入已等待 {minutes} 分钟，请检查导入进程")
