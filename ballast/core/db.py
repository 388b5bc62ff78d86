"""Database housekeeping shared by commands, and the database functions whose SQL differs
by backend (the one place such differences live)."""

import json

from django.db import connection
from django.db.models import BooleanField, DateField, Expression, F, Func


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


class IdIn(Expression):
    """``field`` is one of ``ids``, with the ids sent as ONE parameter: a PostgreSQL array
    (``= ANY(%s::bigint[])``, sent as text), a JSON list read by SQLite's ``json_each``. For the thousands of ids a
    rule or page may hold: as ``field__in=ids`` each id is a parameter of its own, which
    costs more to build, send and parse than the query itself.

    ``Model.objects.filter(IdIn("project_id", ids))``."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, field: str, ids):
        super().__init__()
        self.target = F(field) if isinstance(field, str) else field
        self.ids = sorted({int(pk) for pk in ids})

    def get_source_expressions(self):
        return [self.target]

    def set_source_expressions(self, exprs):
        (self.target,) = exprs

    def as_sql(self, compiler, connection, **extra_context):
        field_sql, field_params = compiler.compile(self.target)
        if connection.vendor == "postgresql":
            # An array literal as text: adapting a Python list checks every element.
            literal = "{" + ",".join(map(str, self.ids)) + "}"
            return f"{field_sql} = ANY(%s::bigint[])", (*field_params, literal)
        if connection.vendor == "sqlite":
            return (
                f"{field_sql} IN (SELECT value FROM json_each(%s))",
                (*field_params, json.dumps(self.ids)),
            )
        placeholders = ", ".join(["%s"] * len(self.ids)) or "NULL"
        return f"{field_sql} IN ({placeholders})", (*field_params, *self.ids)
