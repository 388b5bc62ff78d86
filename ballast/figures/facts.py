"""The one seam between the figures and the facts they add up (issue 16 item 5).

On PostgreSQL the figures read **maintained facts**: two tables of sums per city, unit
and month (``figures_unit_month``: accepted report amounts; ``figures_unit_month_stage``:
stage events and their projects' total investment), kept up to date by triggers inside
the transaction of every write of a report, a stage event, an annual plan or a project
(``sql/facts.sql``; installed by migration ``figures.0001``). Triggers rather than a call
in each service: every path that writes those rows — services, imports, amendments,
the admin, ``QuerySet.update()``, a bulk load, a hand-made SQL fix — keeps them right,
in the same transaction, with nothing to forget; and they run where the rows are.

A city's figures then read a few hundred fact rows instead of its tens of thousands of
reports. What the facts cannot tell is read from scratch beside them: the stage events
of the as-of date's unfinished month (facts are per month, an as-of date is a day), and
every figure that does not add reports or new events (cohort, plans, capacity, targets:
one row per project and year, small).

SQLite (the embedded mode) has no triggers installed and always computes from scratch,
as does PostgreSQL with ``FIGURES_MAINTAINED=false`` or inside :func:`from_scratch` (the
tests and the benchmark compare both answers). :func:`rebuild` recomputes the facts from
scratch (after a bulk load with triggers off; ``manage.py figures --rebuild-facts``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, Sum

from ballast.core.periods import add_months, month_end, month_start
from ballast.projects.models import StageEvent

_from_scratch: ContextVar[bool] = ContextVar("figures_from_scratch", default=False)


def maintained() -> bool:
    """Whether the figures read the maintained facts (PostgreSQL, not switched off)."""
    return (
        connection.vendor == "postgresql"
        and getattr(settings, "FIGURES_MAINTAINED", True)
        and not _from_scratch.get()
    )


@contextmanager
def from_scratch() -> Iterator[None]:
    """Compute the figures inside the block from the raw facts (reports, events)."""
    token = _from_scratch.set(True)
    try:
        yield
    finally:
        _from_scratch.reset(token)


def rebuild() -> None:
    """Recompute the maintained facts from scratch (PostgreSQL; nothing on SQLite)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT figures_rebuild()")


def _full_months_end(last: date) -> date:
    """The first day not covered by whole months up to ``last``: the month of ``last``
    counts as a whole when ``last`` is its last day."""
    start = month_start(last)
    return add_months(start, 1) if last == month_end(last) else start


def new_events(unit_ids, stages, windows, out) -> None:
    """What ``selectors._raw_new_events`` adds to ``out``, from the facts: for each window
    ``(first, last, {tag: first day counted or None})`` the events of ``stages`` dated in
    it per unit — whole months from ``figures_unit_month_stage``, the unfinished month
    of ``last`` from the events themselves."""
    ids = list(unit_ids)
    for first, last, tags in windows:
        if last < first:
            continue
        full_end = _full_months_end(last)
        columns, params = [], []
        for since in tags.values():
            condition = "TRUE" if since is None else "month >= %s"
            columns.append(f"SUM(events) FILTER (WHERE {condition})")
            columns.append(f"SUM(investment) FILTER (WHERE {condition})")
            params += [] if since is None else [since, since]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT unit_id, stage, {', '.join(columns)} FROM figures_unit_month_stage "
                "WHERE unit_id = ANY(%s) AND stage = ANY(%s) AND month >= %s AND month < %s "
                "GROUP BY unit_id, stage",
                [*params, ids, list(stages), first, full_end],
            )
            for unit_id, stage, *values in cursor.fetchall():
                sums = out[unit_id]
                for i, tag in enumerate(tags):
                    sums[f"{tag}.{stage}.count"] += values[2 * i] or 0
                    sums[f"{tag}.{stage}.inv"] += values[2 * i + 1] or 0
        if full_end > last:
            continue
        annotations = {}
        for tag, since in tags.items():
            condition = None if since is None else Q(date__gte=since)
            annotations[f"{tag}_n"] = Count("pk", filter=condition)
            annotations[f"{tag}_inv"] = Sum("project__total_investment", filter=condition)
        rows = (
            StageEvent.objects.filter(
                project__unit_id__in=ids, stage__in=stages, date__gte=full_end, date__lte=last
            )
            .order_by()
            .values("project__unit_id", "stage")
            .annotate(**annotations)
        )
        for row in rows:
            sums = out[row["project__unit_id"]]
            for tag in tags:
                sums[f"{tag}.{row['stage']}.count"] += row[f"{tag}_n"]
                sums[f"{tag}.{row['stage']}.inv"] += row[f"{tag}_inv"] or 0


def planned_reports(unit_ids, windows, out) -> None:
    """What ``selectors._raw_reports`` adds to ``out``, from ``figures_unit_month``: for
    each window ``(first month, last month, tag, quarter's first month or None)`` the
    accepted investment of projects with an annual plan for the report's year."""
    ids = list(unit_ids)
    for first, last, tag, quarter_start in windows:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT unit_id, SUM(planned_investment), "
                "SUM(planned_investment) FILTER (WHERE month >= %s) FROM figures_unit_month "
                "WHERE unit_id = ANY(%s) AND month >= %s AND month <= %s GROUP BY unit_id",
                [quarter_start or first, ids, first, last],
            )
            for unit_id, total, quarter in cursor.fetchall():
                sums = out[unit_id]
                sums[tag] += total or 0
                if quarter_start is not None:
                    sums["reports.quarter"] += quarter or 0


def differences() -> list[tuple]:
    """The fact rows that differ from a computation from scratch (none when the triggers
    kept them right): ``(table, key, maintained, from scratch)``; zero rows are equal to
    missing ones."""
    if connection.vendor != "postgresql":
        return []
    found = []
    with connection.cursor() as cursor:
        for table, key, values in (
            (
                "figures_unit_month",
                "city_code, unit_id, month",
                "planned_investment, accepted_investment, accepted_reports",
            ),
            ("figures_unit_month_stage", "city_code, unit_id, month, stage", "events, investment"),
        ):
            cursor.execute(f"SELECT {key}, {values} FROM {table}")
            kept = {tuple(r[: key.count(",") + 1]): tuple(r[key.count(",") + 1 :]) for r in cursor}
            cursor.execute("SAVEPOINT figures_check")
            cursor.execute("SELECT figures_rebuild()")
            cursor.execute(f"SELECT {key}, {values} FROM {table}")
            fresh = {tuple(r[: key.count(",") + 1]): tuple(r[key.count(",") + 1 :]) for r in cursor}
            cursor.execute("ROLLBACK TO SAVEPOINT figures_check")
            for k in set(kept) | set(fresh):
                a, b = kept.get(k), fresh.get(k)
                if not any(a or ()) and not any(b or ()):
                    continue
                if a != b:
                    found.append((table, k, a, b))
    return found
