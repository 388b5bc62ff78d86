"""Heavy reads on a read replica (issue 16, item 4), with read-your-writes.

When ``REPLICA_DATABASE_URL`` is set (a PostgreSQL streaming replica; docs/deployment.md
"Read replica"), the database alias ``replica`` exists and :class:`ReplicaRouter` sends
the reads of **heavy pages** there: the figures (cockpits, drill-downs, the map, the
leaders' portfolios), the warnings, the assessments, the bulletins, every export
(``?export=…``) and the figures/warnings/bulletins API. Everything else, every write and
every read inside a transaction stays on the primary (``default``).

Read-your-writes: a replica lags the primary by a little. A person who has just saved
something (a POST/PUT/PATCH/DELETE that wrote and succeeded) is **sticky** to the primary
for ``REPLICA_STICKY_SECONDS`` (default 15): the session keeps the moment until which all
their reads go to the primary, so the figure they open right after saving includes their
save. Others may see it a moment later, as the replica catches up.

The decision is made per request in :class:`ReplicaMiddleware` and held in context
variables (per thread / per task), so a router that Django asks per query can read it.
"""

from __future__ import annotations

import contextvars
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import connections

REPLICA = "replica"
SESSION_KEY = "ballast_primary_until"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# URL namespaces whose GET pages are heavy reads, and single heavy URL names.
HEAVY_NAMESPACES = {"dashboards", "alerts", "assessments", "bulletins"}
HEAVY_URL_NAMES = {"api:figures", "api:warnings"}
HEAVY_API_PREFIXES = ("api:bulletin", "api:assessment")

_heavy: contextvars.ContextVar[bool] = contextvars.ContextVar("ballast_heavy_read", default=False)
_wrote: contextvars.ContextVar[list | None] = contextvars.ContextVar("ballast_wrote", default=None)


def configured() -> bool:
    return REPLICA in settings.DATABASES


def sticky_seconds() -> int:
    return int(getattr(settings, "REPLICA_STICKY_SECONDS", 15))


@contextmanager
def heavy_read():
    """Reads inside the block may go to the replica (a command, a task, a selector)."""
    token = _heavy.set(True)
    try:
        yield
    finally:
        _heavy.reset(token)


@contextmanager
def primary_only():
    """Reads inside the block go to the primary, whatever the caller said."""
    token = _heavy.set(False)
    try:
        yield
    finally:
        _heavy.reset(token)


def read_alias() -> str:
    """The database a read made now goes to (``replica`` or ``default``)."""
    if not _heavy.get() or not configured():
        return "default"
    if connections["default"].in_atomic_block:
        return "default"  # a write path reads what it is about to change: the primary
    return REPLICA


class ReplicaRouter:
    """Heavy reads to ``replica`` (when configured and not sticky), all else to
    ``default``. Listed in ``DATABASE_ROUTERS`` only when the replica is configured."""

    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        wrote = _wrote.get()
        if wrote is not None:
            wrote.append(True)
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return None  # a streaming replica follows the primary; nothing is migrated there


def _is_heavy(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if "export" in request.GET:
        return True
    match = request.resolver_match
    if match is None:
        return False
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    return (
        match.namespace in HEAVY_NAMESPACES
        or name in HEAVY_URL_NAMES
        or name.startswith(HEAVY_API_PREFIXES)
    )


def _sticky(request) -> bool:
    session = getattr(request, "session", None)
    if session is None:
        return False
    until = session.get(SESSION_KEY)
    return bool(until) and until > time.time()


class ReplicaMiddleware:
    """Decides, per request, whether its reads may go to the replica, and makes the
    person sticky to the primary after a successful write (after the session
    middleware, before the views)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Both set here and reset afterwards: a thread serves one request after another.
        heavy_token = _heavy.set(False)
        wrote_token = _wrote.set([])
        try:
            response = self.get_response(request)
            wrote = bool(_wrote.get())
        finally:
            _wrote.reset(wrote_token)
            _heavy.reset(heavy_token)
        if (
            configured()
            and wrote
            and request.method in UNSAFE
            and response.status_code < 400
            and getattr(request, "session", None) is not None
            # a signed-in browser session, not a new one (an API call with a token)
            and request.session.session_key is not None
        ):
            request.session[SESSION_KEY] = time.time() + sticky_seconds()
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if configured() and _is_heavy(request) and not _sticky(request):
            _heavy.set(True)  # undone when __call__ returns
        return None
