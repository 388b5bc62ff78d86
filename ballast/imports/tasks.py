"""The import's background task on the queue (``ballast.core.queue``).

``imports.apply_job`` applies a large web import (``jobs.run_job``): the job row is
claimed atomically with a lease its worker renews while it applies, so a second delivery
of the task (a retry, a worker that was thought dead) never applies a file twice. When
the worker dies, procrastinate queues the task again (``queue.retry_stalled_jobs``); the
new run waits (retrying) until the dead worker's lease has run out, then takes the job
over and applies it from the start (the dead worker's transaction rolled back).
"""

from __future__ import annotations

import logging

from django.db import OperationalError
from procrastinate import RetryStrategy

from ballast.core import queue
from ballast.imports import jobs
from ballast.imports.models import ImportJob

logger = logging.getLogger(__name__)


class LeaseHeld(Exception):
    """Another worker's lease on the job has not run out yet: try again later."""


@queue.task(
    name=jobs.APPLY_TASK,
    retry=RetryStrategy(
        max_attempts=60,
        wait=max(1, jobs.lease_seconds() // 3),
        retry_exceptions={LeaseHeld, OperationalError},
    ),
    queue="imports",
)
def apply_job(job_id: int) -> None:
    """Apply import job ``job_id`` (from the import page, for files over
    ``IMPORT_BACKGROUND_ROWS`` rows)."""
    if jobs.run_job(job_id) is not None:
        return
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.status != ImportJob.Status.APPLYING:
        return  # done by another run, or no longer waiting
    if jobs.interrupt_expired(job_id=job_id, only_exhausted=True):
        logger.warning("import job %s: started too often; marked interrupted", job_id)
        return
    raise LeaseHeld(f"import job {job_id} is held by a worker")
