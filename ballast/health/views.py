"""``/healthz``: database, cache, upload storage, disk and the import queue, as JSON.

200 when every check passes or only warns, 503 when one fails, so a balancer takes the
server out of its pool. No login: it shows states and timings only, never data, hosts or
error texts (those go to the log).
"""

from __future__ import annotations

import asyncio

from django.http import JsonResponse
from health_check.checks import Cache, Database, Storage
from health_check.exceptions import ServiceWarning
from health_check.views import HealthCheckView

from ballast.health.checks import DiskSpace, ImportQueue, TaskQueue

# What a failing library check says, whatever the library's own text holds.
FAILED = {
    "database": "数据库不可用",
    "cache": "缓存不可用",
    "storage": "上传文件存储不可写",
}


class HealthView(HealthCheckView):
    """django-health-check's runner (checks in parallel, each with its time limit); the
    answer is Ballast's: one JSON shape, warnings that do not fail, 503 on failure."""

    named_checks = (
        ("database", Database),
        ("cache", Cache),
        ("storage", Storage),
        ("disk", DiskSpace),
        ("import_queue", ImportQueue),
        ("queue", TaskQueue),
    )

    async def get(self, request, *args, **kwargs):
        names = [name for name, _ in self.named_checks]
        with self.get_executor() as executor:
            results = await asyncio.gather(
                *(check().get_result(executor) for _, check in self.named_checks)
            )
        checks = {}
        for name, result in zip(names, results, strict=True):
            entry = {"status": "ok", "ms": round(result.time_taken * 1000, 1)}
            if isinstance(result.error, ServiceWarning):
                entry.update(status="warning", message=result.error.message)
            elif result.error is not None:
                message = FAILED.get(name) or result.error.message
                entry.update(status="error", message=message)
            checks[name] = entry
        states = {entry["status"] for entry in checks.values()}
        status = "error" if "error" in states else "warning" if "warning" in states else "ok"
        return JsonResponse(
            {"status": status, "checks": checks},
            status=503 if status == "error" else 200,
            json_dumps_params={"ensure_ascii": False},
        )
