"""Writes of bulletins: publishing freezes a bulletin's content."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ballast.accounts import policy
from ballast.bulletins.choices import KIND_OF_PERIOD, Kind, Status
from ballast.bulletins.docx_writer import render_docx
from ballast.bulletins.models import Bulletin
from ballast.bulletins.rounds import round_bulletin_content
from ballast.bulletins.selectors import (
    bulletin_content,
    bulletin_title,
    content_hash,
    parse_period,
)
from ballast.bulletins.xlsx_writer import render_xlsx
from ballast.core import queue
from ballast.core.history import acting
from ballast.regions.models import Region

__all__ = [
    "bulletin_publish",
    "round_bulletin_publish",
    "bulletin_render",
    "bulletin_failed",
    "bulletin_docx",
    "bulletin_xlsx",
    "render_docx",
    "render_xlsx",
]


RENDER_TASK = "bulletins.render"


def bulletin_publish(
    *,
    user,
    city: Region,
    period: str,
    unit: Region | None = None,
    as_of: date | None = None,
    background: bool = False,
) -> Bulletin:
    """Publish the bulletin of ``city`` (or ``unit``) for ``period`` as of ``as_of``
    (default: the period's end): compose it now and store the content, its fingerprint
    and the rendered Word document. From then on it is re-rendered from the stored
    content only, so its figures never change.

    ``background``: only take the bulletin's number now (a row 生成中) and hand the
    composing and rendering to the task queue (``bulletins.render``, deferred in this
    transaction); the bulletin page shows its progress. In the embedded mode the queue
    runs the task right after the commit, in this process.
    """
    parsed = parse_period(period)
    as_of = as_of or parsed.end
    if not policy.may(user, policy.ADD, Bulletin):
        raise PermissionDenied("您没有发布通报的权限。")
    if unit is not None and not city.contains(unit):
        raise ValueError(f"{unit.name}不属于{city.name}。")
    if background:
        with transaction.atomic(), acting(user, reason=f"请求发布{bulletin_title(parsed, unit)}"):
            bulletin = _numbered(user=user, city=city, parsed=parsed, unit=unit, as_of=as_of)
            bulletin.status = Status.RENDERING
            bulletin.progress = 0
            bulletin.full_clean()
            bulletin.save()
            policy.check(user, policy.ADD, bulletin)
            queue.defer(RENDER_TASK, bulletin_id=bulletin.pk)
        return bulletin
    content = bulletin_content(city=city, period=parsed, unit=unit, as_of=as_of)
    with transaction.atomic(), acting(user, reason=f"发布{content['title']}"):
        bulletin = _numbered(user=user, city=city, parsed=parsed, unit=unit, as_of=as_of)
        _fill(bulletin, content, render_docx(_numbered_content(content, bulletin)))
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


def _numbered(*, user, city, parsed, unit, as_of) -> Bulletin:
    """A new bulletin with the next number of its city and year (the city's bulletins of
    the year locked, so two publications never take one number)."""
    number = (
        Bulletin.objects.select_for_update()
        .filter(city=city, period__startswith=str(parsed.year))
        .exclude(kind=Kind.ROUND)  # the rounds' bulletins are numbered apart
        .count()
        + 1
    )
    return Bulletin(
        city=city,
        unit=unit,
        period=str(parsed),
        kind=KIND_OF_PERIOD[parsed.kind].value,
        number=number,
        as_of=as_of,
        title=bulletin_title(parsed, unit),
        published_at=timezone.now(),
        published_by=user,
    )


def _numbered_content(content: dict, bulletin: Bulletin) -> dict:
    content["number"] = bulletin.number
    return content


def _fill(bulletin: Bulletin, content: dict, docx: bytes) -> None:
    bulletin.title = content["title"]
    bulletin.content = content
    bulletin.figures_hash = content_hash(content)
    bulletin.docx = docx
    bulletin.status = Status.PUBLISHED
    bulletin.progress = 100
    bulletin.error = ""


def _progress(bulletin_id: int, percent: int) -> None:
    """Record how far the rendering is, committed at once (the page reads it)."""
    Bulletin.objects.filter(pk=bulletin_id, status=Status.RENDERING).update(progress=percent)


def bulletin_render(*, bulletin_id: int) -> Bulletin | None:
    """Compose and render bulletin ``bulletin_id`` asked for with ``background=True``
    (the queue's ``bulletins.render``). Exactly once: the bulletin is published under a
    row lock only while it is still 生成中, so a second delivery of the task (a retry, a
    worker thought dead) finds it published and changes nothing. Returns the bulletin
    when this run published it. A failure is recorded on the bulletin (the page shows
    it) and raised, so the queue retries it."""
    bulletin = Bulletin.objects.select_related("city", "unit").filter(pk=bulletin_id).first()
    if bulletin is None or bulletin.status != Status.RENDERING:
        return None  # published by another delivery, or given up
    try:
        _progress(bulletin_id, 10)
        content = bulletin_content(
            city=bulletin.city, period=bulletin.period, unit=bulletin.unit, as_of=bulletin.as_of
        )
        _progress(bulletin_id, 60)
        content["number"] = bulletin.number
        docx = render_docx(content)
        _progress(bulletin_id, 90)
        with transaction.atomic():
            locked = Bulletin.objects.select_for_update(of=("self",)).get(pk=bulletin_id)
            if locked.status != Status.RENDERING:
                return None
            with acting(locked.published_by, reason=f"发布{content['title']}", source="system"):
                _fill(locked, content, docx)
                locked.published_at = timezone.now()
                locked.full_clean()
                locked.save()
        return locked
    except Exception as exc:
        Bulletin.objects.filter(pk=bulletin_id, status=Status.RENDERING).update(
            error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise


def bulletin_failed(*, bulletin_id: int) -> None:
    """The queue gave up on rendering ``bulletin_id``: mark it 生成失败 (its number
    stays taken: numbers are never reused)."""
    Bulletin.objects.filter(pk=bulletin_id, status=Status.RENDERING).update(status=Status.FAILED)


def bulletin_docx(bulletin: Bulletin) -> bytes:
    """The Word document of a published bulletin, re-rendered from its stored content."""
    return render_docx(bulletin.content)


def bulletin_xlsx(bulletin: Bulletin) -> bytes:
    """The Excel annex of a published bulletin, from its stored content."""
    return render_xlsx(bulletin.content)
