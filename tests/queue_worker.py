"""A real task-queue worker for tests (not collected by pytest): Ballast's settings,
``manage.py procrastinate worker``, with two test-only changes made before Django loads
the tasks — a short import lease, and every applied row slowed down by
``QUEUE_TEST_ROW_SECONDS`` so that a test can kill the worker in the middle of an apply.

    DATABASE_URL=postgres://…/test_db python tests/queue_worker.py

Run by tests/test_task_queue_worker_killed.py and the load test (tests/loadtest/).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ballast.settings")

from django.conf import settings  # noqa: E402

settings.IMPORT_LEASE_SECONDS = int(os.environ.get("QUEUE_TEST_LEASE_SECONDS", "3"))
settings.IMPORT_PROGRESS_EVERY = 10

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from ballast.imports import jobs  # noqa: E402

ROW_SECONDS = float(os.environ.get("QUEUE_TEST_ROW_SECONDS", "0"))
if ROW_SECONDS:
    real_progress = jobs._Progress.__call__

    def slow_progress(self, done, total):
        time.sleep(ROW_SECONDS)
        real_progress(self, done, total)

    jobs._Progress.__call__ = slow_progress

if __name__ == "__main__":
    call_command("procrastinate", "worker", *sys.argv[1:])
