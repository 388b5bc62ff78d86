"""Writes of bulletins: publishing freezes a bulletin's content."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ballast.accounts import policy
from ballast.bulletins.choices import KIND_OF_PERIOD, Kind
from ballast.bulletins.docx_writer import render_docx
from ballast.bulletins.models import Bulletin
from ballast.bulletins.rounds import round_bulletin_content
from ballast.bulletins.selectors import bulletin_content, content_hash, parse_period
from ballast.bulletins.xlsx_writer import render_xlsx
from ballast.core.history import acting
from ballast.regions.models import Region

__all__ = [
    "bulletin_publish",
    "round_bulletin_publish",
    "bulletin_docx",
    "bulletin_xlsx",
    "render_docx",
    "render_xlsx",
]


def bulletin_publish(
    *,
    user,
    city: Region,
    period: str,
    unit: Region | None = None,
    as_of: date | None = None,
) -> Bulletin:
    """Publish the bulletin of ``city`` (or ``unit``) for ``period`` as of ``as_of``
    (default: the period's end): compose it now and store the content, its fingerprint
    and the rendered Word document. From then on it is re-rendered from the stored
    content only, so its figures never change.
    """
    parsed = parse_period(period)
    as_of = as_of or parsed.end
    if not policy.may(user, policy.ADD, Bulletin):
        raise PermissionDenied("您没有发布通报的权限。")
    content = bulletin_content(city=city, period=parsed, unit=unit, as_of=as_of)
    with transaction.atomic(), acting(user, reason=f"发布{content['title']}"):
        number = (
            Bulletin.objects.select_for_update()
            .filter(city=city, period__startswith=str(parsed.year))
            .exclude(kind=Kind.ROUND)  # the rounds' bulletins are numbered apart
            .count()
            + 1
        )
        content["number"] = number
        bulletin = Bulletin(
            city=city,
            unit=unit,
            period=str(parsed),
            kind=KIND_OF_PERIOD[parsed.kind].value,
            number=number,
            as_of=as_of,
            title=content["title"],
            content=content,
            figures_hash=content_hash(content),
            published_at=timezone.now(),
            published_by=user,
        )
        bulletin.docx = render_docx(content)
        bulletin.full_clean()
        bulletin.save()
        # Inside the transaction: the saved bulletin must lie within the user's scope.
        policy.check(user, policy.ADD, bulletin)
    return bulletin


def round_bulletin_publish(*, user, rnd, as_of: date) -> Bulletin:
    """Publish the bulletin of campaign round ``rnd`` (攻坚轮次通报) as of ``as_of``: its
    ranking and targets composed now and frozen, numbered among the city's round
    bulletins of the year. A round is published once (its figures are what was
    announced); publishing it again is refused."""
    if not policy.may(user, policy.ADD, Bulletin):
        raise PermissionDenied("您没有发布通报的权限。")
    if as_of < rnd.end:
        raise ValidationError(f"本轮截至{rnd.end}，结束后才能发布本轮通报。")
    content = round_bulletin_content(rnd=rnd, as_of=as_of)
    city = rnd.campaign.city
    with transaction.atomic(), acting(user, reason=f"发布{content['title']}"):
        published = Bulletin.objects.select_for_update().filter(city=city, kind=Kind.ROUND)
        if published.filter(campaign_round=rnd).exists():
            raise ValidationError(f"{rnd}的通报已经发布，不能重复发布。")
        number = published.filter(period=content["period"]).count() + 1
        content["number"] = number
        bulletin = Bulletin(
            city=city,
            unit=None,
            campaign_round=rnd,
            period=content["period"],
            kind=Kind.ROUND.value,
            number=number,
            as_of=as_of,
            title=content["title"],
            content=content,
            figures_hash=content_hash(content),
            published_at=timezone.now(),
            published_by=user,
        )
        bulletin.docx = render_docx(content)
        bulletin.full_clean()
        bulletin.save()
        policy.check(user, policy.ADD, bulletin)
    return bulletin


def bulletin_docx(bulletin: Bulletin) -> bytes:
    """The Word document of a published bulletin, re-rendered from its stored content."""
    return render_docx(bulletin.content)


def bulletin_xlsx(bulletin: Bulletin) -> bytes:
    """The Excel annex of a published bulletin, from its stored content."""
    return render_xlsx(bulletin.content)
