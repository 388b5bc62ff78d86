"""What the pages of every app share: the page size, the as-of date and the unit chosen
in the query string, and the ISO date of an export cell. The shell's helpers only: no
domain app is imported here."""

from __future__ import annotations

from datetime import date

from ballast.web.clock import parse_date, request_today

PAGE_SIZE = 50


def as_of_param(request) -> tuple[date, date]:
    """(the page's ``as_of`` date, today)."""
    today = request_today()
    return parse_date(request.GET.get("as_of"), today), today


def unit_param(request, units):
    """The ``unit`` query parameter (id or code) when it is one of ``units``."""
    value = (request.GET.get("unit") or "").strip()
    if not value:
        return None
    for unit in units:
        if str(unit.pk) == value or unit.code == value:
            return unit
    return None


def iso(value) -> str:
    """A date as 2026-03-08 in an export cell; blank stays blank."""
    return value.isoformat() if value else ""


def query_without_page(request) -> str:
    """The query string without ``page`` (for the pager's links)."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
