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
from django.db import connection
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable, ServiceWarning

from ballast.core import queue
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
    """The import jobs: a warning when the oldest one waiting for a worker waits too long
    (no task worker runs, or it cannot keep up)."""

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


def task_queue_state(now: datetime.datetime) -> tuple[datetime.timedelta | None, int]:
    """(how long the oldest job due on the queue has waited, or None; how many workers
    sent a heartbeat within ``HEALTH_WORKER_WARN_SECONDS``), read from procrastinate's
    tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(scheduled_at) FROM procrastinate_jobs WHERE status = 'todo' "
            "AND (scheduled_at IS NULL OR scheduled_at <= %s)",
            [now],
        )
        (oldest,) = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat >= %s",
            [now - datetime.timedelta(seconds=settings.HEALTH_WORKER_WARN_SECONDS)],
        )
        (alive,) = cursor.fetchone()
    return (now - oldest if oldest else None), alive


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    """The task queue (procrastinate on PostgreSQL): fails when its tables cannot be read,
    warns when no worker has sent a heartbeat lately or the oldest due job waits too long.
    The embedded mode runs tasks in the process (nothing to check)."""

    warn_after: datetime.timedelta = dataclasses.field(
        default_factory=lambda: datetime.timedelta(seconds=settings.HEALTH_QUEUE_WARN_SECONDS),
        repr=False,
    )

    async def run(self) -> None:
        if queue.backend() != queue.PROCRASTINATE:
            return
        try:
            age, alive = await sync_to_async(task_queue_state, thread_sensitive=True)(
                timezone.now()
            )
        except DatabaseError as exc:
            raise ServiceUnavailable("任务队列不可用") from exc
        if not alive:
            raise ServiceWarning("没有正在运行的后台任务进程（manage.py procrastinate worker）")
        if age is not None and age > self.warn_after:
            minutes = int(age.total_seconds() // 60)
            raise ServiceWarning(f"最早的后台任务已等待 {minutes} 分钟，请检查任务进程")
