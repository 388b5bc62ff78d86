"""Query parameters the API reads beside the filtersets (``?as_of=``, ``?year=``): a bad
value is a 400 problem naming the parameter, never a silent default or a 500."""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext as _
from rest_framework import exceptions

from ballast.core import clock
from ballast.core.known import parse_known_at


def query_date(request, name: str = "as_of", default: date | None = None) -> date:
    text = (request.query_params.get(name) or "").strip()
    if not text:
        return default or clock.today()
    try:
        value = date.fromisoformat(text)
    except ValueError as exc:
        raise exceptions.ValidationError(
            {name: [_("日期格式应为 YYYY-MM-DD，如 2023-03-31。")]}
        ) from exc
    if not 2000 <= value.year <= 2100:
        raise exceptions.ValidationError({name: [_("日期应在 2000 至 2100 年之间。")]})
    return value


def query_year(request, name: str = "year", default: int | None = None) -> int:
    text = (request.query_params.get(name) or "").strip()
    if not text:
        return default
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise exceptions.ValidationError({name: [_("年度应为 2000 至 2100 之间的整数。")]})
    return int(text)


def query_known_at(request, name: str = "known_at") -> datetime | None:
    """The knowledge date K (``?known_at=2023-07-05`` — the end of that day — or a date and
    time, ``2023-07-05T10:30:00+08:00``): the figures as recorded at K. None when absent
    (as known now)."""
    text = (request.query_params.get(name) or "").strip()
    if not text:
        return None
    try:
        return parse_known_at(text)
    except ValueError as exc:
        raise exceptions.ValidationError(
            {
                name: [
                    _(
                        "知悉时点格式应为 YYYY-MM-DD（当日结束时）或 YYYY-MM-DDTHH:MM[:SS][+08:00]，"
                        "年份在 1990 至 2100 之间，如 2023-07-05。"
                    )
                ]
            }
        ) from exc
