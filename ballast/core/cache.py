"""A short-lived cache of the dashboards' selector results, keyed by a data stamp.

The stamp is the latest history row of every model that keeps history (every write of
a domain model — through services, the admin, imports or commands — adds one), read by
one query. Any change anywhere gives a new stamp, so a cached result is never served
after the data behind it changed; the time limit only bounds memory.

Nothing is recomputed here: the cached values are the selectors' own results.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections

from ballast.core import replica

DEFAULT_TIMEOUT = 300


def timeout() -> int:
    """Seconds a result is kept (setting ``BALLAST_DASHBOARD_CACHE_SECONDS``; 0: off)."""
    return int(getattr(settings, "BALLAST_DASHBOARD_CACHE_SECONDS", DEFAULT_TIMEOUT))


# The apps whose data the dashboards show.
APPS = (
    "regions",
    "accounts",
    "projects",
    "reports",
    "alerts",
    "assessments",
    "coordination",
    "dashboards",
)


def _history_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label in APPS
        and model.__name__.startswith("Historical")
        and hasattr(model, "history_id")
        # m2m history tables (leader links) have no history_date of their own; SQLite read
        # the unknown "history_date" as a string, PostgreSQL refused it.
        and any(f.name == "history_date" for f in model._meta.fields)
    )


def data_stamp() -> str:
    """The newest history id and time of every history table, as one string (one query)."""
    tables = _history_tables()
    if not tables:
        return "0"
    # Read where the figures will be read (the replica on a heavy page): a stamp from the
    # primary over figures from a lagging replica would keep those figures past the write.
    reader = connections[replica.read_alias()]
    quote = reader.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT MAX({quote('history_id')}), MAX({quote('history_date')}) FROM {quote(table)}"
        for table in tables
    )
    with reader.cursor() as cursor:
        cursor.execute(sql)
        # ids and times together: rolled-back transactions (tests) may reuse ids
        values = [f"{row[0] or 0}@{row[1] or ''}" for row in cursor.fetchall()]
    return hashlib.sha1(",".join(map(str, values)).encode()).hexdigest()[:16]


def cached(parts: tuple, compute: Callable, *, stamp: str | None = None):
    """``compute()``, or its result stored under ``parts`` and the current data stamp."""
    seconds = timeout()
    if seconds <= 0:
        return compute()
    stamp = stamp or data_stamp()
    raw = "|".join(map(str, (connection.settings_dict.get("NAME"), stamp, *parts)))
    key = "dash:" + hashlib.sha1(raw.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value
