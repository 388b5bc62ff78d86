"""Which database errors are a conflict between people acting at once — to be answered
with "请稍后重试", never with a 500.

SQLite: "database is locked" (the busy timeout ran out while another wrote) and "database
table is locked". PostgreSQL (SQLSTATE): 40001 serialization failure, 40P01 deadlock,
55P03 lock not available (``lock_timeout``). Django wraps the driver's error in its own
``OperationalError``/``DatabaseError``; the driver's is its ``__cause__``.
"""

from __future__ import annotations

from django.db import DatabaseError

from ballast.core.concurrency import StaleObjectError

SQLITE_LOCKED = ("database is locked", "database table is locked")
PG_CONFLICT_STATES = {
    "40001": "serialization_failure",
    "40P01": "deadlock_detected",
    "55P03": "lock_not_available",
}


def is_lock_conflict(exc: BaseException) -> bool:
    """True when ``exc`` is a database error caused by another transaction's lock."""
    if not isinstance(exc, DatabaseError):
        return False
    for error in (exc, exc.__cause__):
        if error is None:
            continue
        state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        if state in PG_CONFLICT_STATES:
            return True
        if any(text in str(error).lower() for text in SQLITE_LOCKED):
            return True
    return False


def is_conflict(exc: BaseException) -> bool:
    """A lock conflict, or a save refused because the record changed meanwhile."""
    return isinstance(exc, StaleObjectError) or is_lock_conflict(exc)
