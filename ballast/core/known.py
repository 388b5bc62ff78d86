"""Facts as known at a moment (bitemporal reads, 按知悉时点取数).

Every domain model keeps its history (``core.models.BallastModel``: one row per save or
delete, the state *after* the change, timed by ``history_date``). What was known of a
record at a moment K is its latest history row with ``history_date <= K`` — unless that
row is a deletion, in which case the record did not exist then. A record with no history
row by K was not yet recorded.

These expressions read the historical tables only; the current tables are untouched, so
a figure computed with a knowledge date sees exactly what its readers saw at K, whatever
was corrected, amended or deleted since (docs/figures.md "As known at K").
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone


def _history(model):
    return model.history.model


def known_rows(model, known_at: datetime) -> QuerySet:
    """The history rows of ``model`` holding each record's state as known at
    ``known_at`` (one row per record that existed then; deleted records left out).

    The fields of the model are the historical model's own (``project_id``, ``year``,
    ``investment`` …), and ``id`` is the record's id."""
    history = _history(model)
    newer = history.objects.filter(id=OuterRef("id"), history_date__lte=known_at).filter(
        Q(history_date__gt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__gt=OuterRef("history_id"))
    )
    return (
        history.objects.filter(history_date__lte=known_at)
        .exclude(history_type="-")
        .filter(~Exists(newer))
    )


def known_field(model, field: str, known_at: datetime, *, ref: str, output_field):
    """Subquery: the ``field`` of the ``model`` record whose id is ``OuterRef(ref)`` as
    known at ``known_at``; NULL when the record was not recorded by then or was deleted."""
    history = _history(model)
    latest = (
        history.objects.filter(id=OuterRef(ref), history_date__lte=known_at)
        .order_by("-history_date", "-history_id")
        .annotate(
            _known=Case(
                When(history_type="-", then=Value(None, output_field=output_field)),
                default=F(field),
                output_field=output_field,
            )
        )
        .values("_known")[:1]
    )
    return Subquery(latest, output_field=output_field)


def parse_known_at(text: str) -> datetime:
    """A knowledge date K from text: an ISO date (``2023-07-05``: as known at the end of
    that day, in the installation's time zone) or an ISO date and time
    (``2023-07-05T10:30``, ``2023-07-05T10:30:00+08:00``; without a zone, the
    installation's). ValueError with a Chinese message otherwise."""
    text = (text or "").strip()
    message = (
        f"知悉时点“{text}”格式不正确，应为日期 YYYY-MM-DD（当日结束时）"
        f"或时间 YYYY-MM-DDTHH:MM[:SS][+08:00]，如 2023-07-05 或 2023-07-05T10:30。"
    )
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            if not 1990 <= day.year <= 2100:
                raise ValueError(text)
            end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
            return end - timedelta(microseconds=1)
        moment = datetime.fromisoformat(text)
        if not 1990 <= moment.year <= 2100:
            raise ValueError(text)
    except ValueError as exc:
        raise ValueError(message) from exc
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
