"""Helpers shared by the assessment commands: the city, the acting user, dates."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from ballast.regions.choices import RegionKind
from ballast.regions.models import Region


def city_from(code: str | None) -> Region:
    """The city named by ``code``; without one, the only city that has assessment units."""
    if code:
        city = Region.objects.filter(code=code, kind=RegionKind.CITY).first()
        if city is None:
            raise CommandError(f"找不到设区市“{code}”。")
        return city
    cities = list(
        Region.objects.filter(kind=RegionKind.CITY, children__is_assessment_unit=True).distinct()
    )
    if len(cities) != 1:
        raise CommandError("请用 --city 指定设区市代码，如 --city 321000。")
    return cities[0]


def user_from(username: str | None):
    """The acting user named by ``--user``; None (the system) when not given."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"找不到用户“{username}”。")
    return user


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期“{text}”格式不正确，应为 YYYY-MM-DD，如 2023-03-31。") from exc
