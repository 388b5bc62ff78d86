"""Database housekeeping shared by commands, and the database functions whose SQL differs
by backend (the one place such differences live)."""

from django.db import connection
from django.db.models import DateField, Func


def refresh_statistics() -> None:
    """Let the query planner see the data after a bulk load: ``ANALYZE`` on SQLite;
    ``VACUUM ANALYZE`` on PostgreSQL, which also marks the fresh pages all-visible so the
    covering indexes answer without reading the table (autovacuum would, later). Without
    statistics SQLite may pick an index that makes the figures' per-project subqueries
    grow with the square of the project count. Outside a transaction on PostgreSQL
    (VACUUM cannot run in one), ``ANALYZE`` alone inside one."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


class MonthStart(Func):
    """The first day of the month of a date expression, as a date.

    Django's ``TruncMonth`` runs as a Python function per row on SQLite (and a time-zone
    aware cast on PostgreSQL); this is the database's own arithmetic on both: SQLite's
    ``date(x, 'start of month')`` and PostgreSQL's ``date_trunc``."""

    arity = 1
    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="date(%(expressions)s, 'start of month')")

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="CAST(date_trunc('month', %(expressions)s) AS date)"
        )
