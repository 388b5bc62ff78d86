"""The queue's own upkeep and the platform's housekeeping, as periodic tasks
(``ballast.core.queue``; found by the worker's autodiscovery of ``tasks`` modules)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.management import call_command
from procrastinate.contrib.django import app

from ballast.core import queue

logger = logging.getLogger(__name__)


@app.periodic(cron=getattr(settings, "TASK_STALLED_CHECK_CRON", "* * * * *"))
@app.task(name="queue.retry_stalled_jobs", queueing_lock="queue.retry_stalled_jobs")
async def retry_stalled_jobs(timestamp: int) -> None:
    """Put back in the queue the jobs of workers whose heartbeat stopped (killed, host
    lost) for ``TASK_STALLED_SECONDS``: another worker takes them, and the task's own
    atomic claim makes sure only one run has an effect (procrastinate's stalled-jobs
    recipe)."""
    manager = app.job_manager
    for job in await manager.get_stalled_jobs(
        seconds_since_heartbeat=getattr(settings, "TASK_STALLED_SECONDS", 60)
    ):
        logger.warning("job %s (%s): its worker stopped; queued again", job.id, job.task_name)
        await manager.retry_job(job)


@queue.task(name="core.clear_sessions", cron="30 3 * * *", retry=2)
def clear_sessions(timestamp: int | None = None) -> None:
    """Expired sessions out of the database, nightly (Django's ``clearsessions``)."""
    call_command("clearsessions")
