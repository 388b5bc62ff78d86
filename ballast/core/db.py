"""Database housekeeping shared by commands."""

from django.db import connection


def refresh_statistics() -> None:
    """Let the query planner see the data after a bulk load (``ANALYZE`` on SQLite and
    PostgreSQL alike): without statistics SQLite may pick an index that makes the
    figures' per-project subqueries grow with the square of the project count."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
