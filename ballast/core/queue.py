"""The task queue (issue 16): background work as named tasks on procrastinate.

Production (PostgreSQL) runs the tasks in ``manage.py procrastinate worker`` processes:
a task is deferred as a row of ``procrastinate_jobs`` written **in the caller's own
transaction** (so a job exists exactly when the data it works on was committed), retried
by its retry strategy, and re-queued by ``retry_stalled_jobs`` when the worker that held
it stopped sending heartbeats (killed, host lost). Periodic tasks (deadlines,
escalations, digests, figure refreshes) are deferred by the workers themselves, once per
tick across all of them. docs/deployment.md "The workers".

The embedded mode (SQLite, ``bin/demo``) has no worker: ``TASK_QUEUE=immediate`` runs a
deferred task in the same process right after the caller's transaction commits, and
periodic tasks are left to their management commands. Every task is written so that
running it twice has one effect (the atomic claims of imports, notices and e-mails), which
is what makes a retry after a dead worker safe.

Apps declare their tasks in ``<app>/tasks.py`` with :func:`task` and call them by name
with :func:`defer`, so a lower layer never imports the module of a task.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils.module_loading import autodiscover_modules
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

logger = logging.getLogger(__name__)

IMMEDIATE = "immediate"
PROCRASTINATE = "procrastinate"

# name → the plain function, for the immediate mode and the tests.
_FUNCTIONS: dict[str, Callable[..., Any]] = {}


def backend() -> str:
    """``procrastinate`` (workers on PostgreSQL) or ``immediate`` (in the process)."""
    return getattr(settings, "TASK_QUEUE", IMMEDIATE)


def task(
    *,
    name: str,
    retry: int | RetryStrategy = 0,
    cron: str | None = None,
    queue: str = "default",
    queueing_lock: str | None = None,
    pass_attempt: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a task named ``name`` (``app.verb``). ``retry``: attempts after a failure
    (or a :class:`procrastinate.RetryStrategy`). ``cron``: run it periodically (five
    fields, or six with seconds first); a periodic task gets the tick as ``timestamp``.
    Each run starts and ends with fresh database connections (a worker lives long).
    ``pass_attempt``: the function gets ``attempt=(this attempt, attempts allowed)``,
    counted from 1 (``(1, 1)`` in the immediate mode, which never retries)."""
    allowed = 1 + (retry.max_attempts if isinstance(retry, RetryStrategy) else retry or 0)

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def run(*args, **kwargs):
            if pass_attempt:
                context, *args = args
                kwargs["attempt"] = (context.job.attempts + 1, allowed)
            _fresh_connections()
            try:
                return func(*args, **kwargs)
            finally:
                _fresh_connections()

        _FUNCTIONS[name] = functools.partial(func, attempt=(1, 1)) if pass_attempt else func
        registered = app.task(
            name=name,
            retry=retry,
            queue=queue,
            queueing_lock=queueing_lock or (name if cron else None),
            pass_context=pass_attempt,
        )(run)
        if cron:
            registered = app.periodic(cron=cron, periodic_id=name)(registered)
        return registered

    return decorate


def _fresh_connections() -> None:
    """As Django does around a request: drop connections that are broken or past
    ``CONN_MAX_AGE`` — but never one inside a transaction (a caller's, or a test's)."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()


def defer(name: str, **kwargs) -> None:
    """Run the task ``name`` with ``kwargs`` (JSON values) in the background.

    With procrastinate the job row is written in the current transaction: it is rolled
    back with it, and a worker sees it once it commits. In the immediate mode the task
    runs in this process after the commit (its failure is logged, never raised)."""
    if backend() == PROCRASTINATE:
        app.configure_task(name=name, allow_unknown=False).defer(**kwargs)
        return
    func = function(name)
    transaction.on_commit(functools.partial(_run_now, name, func, kwargs))


def _run_now(name: str, func: Callable[..., Any], kwargs: dict) -> None:
    try:
        func(**kwargs)
    except Exception:
        logger.exception("task %s failed (immediate mode)", name)


def function(name: str) -> Callable[..., Any]:
    """The plain function of task ``name`` (for a command that runs it by hand)."""
    if name not in _FUNCTIONS:
        # Without the worker's app (SQLite) nobody else imports the apps' tasks modules.
        autodiscover_modules("tasks")
    return _FUNCTIONS[name]
