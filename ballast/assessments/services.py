"""Writes of assessments: schemes from YAML, manual (tour) scores, publishing results,
the shipped default schemes, and 亩均 records and schemes.

A service called with ``user=None`` is the system (a command run by the operator, the
demo builder): it is recorded in history with the source its caller set, and no access
check applies. Called with a user, the access policy is checked inside the transaction.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ballast.accounts import policy
from ballast.assessments.choices import PERIOD_KIND_OF, Method
from ballast.assessments.models import (
    EfficiencyRecord,
    EfficiencyScheme,
    Indicator,
    ManualScore,
    PublishedResult,
    Scheme,
    validate_period_text,
)
from ballast.assessments.mujun import default_efficiency_schemes, efficiency_scheme_from_dict
from ballast.assessments.schemes import (  # re-exported: the services' callers
    indicator_params,
    scheme_data_from_yaml,
    scheme_export,
)
from ballast.assessments.selectors import assess, stored_result
from ballast.core.concurrency import check_version
from ballast.core.history import acting

__all__ = ["indicator_params", "scheme_data_from_yaml", "scheme_export"]

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_SCHEME_FILES = ("quarterly.yaml", "half_year.yaml", "annual.yaml")


def check_city(user, action: str, model, city) -> None:
    """Raise PermissionDenied unless ``user`` may take ``action`` on city-wide ``model``
    data of ``city`` (system calls, ``user=None``, are trusted)."""
    if user is None:
        return
    if not policy.may(user, action, model):
        raise PermissionDenied("您没有修改考核配置的权限。")
    if user.is_superuser:
        return
    if not user.is_city_level or user.region_id != city.id:
        raise PermissionDenied("考核配置由市级管理员维护。")


# --- YAML exchange -------------------------------------------------------------------


@transaction.atomic
def scheme_import(*, user, city, data: dict) -> Scheme:
    """Create or replace the scheme ``data['slug']`` of ``city`` (indicators replaced whole)."""
    data = scheme_data_from_yaml(yaml.safe_dump(data, allow_unicode=True))
    scheme = Scheme.objects.select_for_update().filter(city=city, slug=data["slug"]).first()
    check_city(user, policy.CHANGE if scheme else policy.ADD, Scheme, city)
    scheme = scheme or Scheme(city=city, slug=data["slug"])
    scheme.name = data["name"]
    scheme.period_kind = data["period"]
    scheme.description = data.get("description", "") or ""
    scheme.active = bool(data.get("active", True))
    scheme.full_clean()
    with acting(user):
        scheme.save()
        keep = []
        for order, item in enumerate(data["indicators"], start=1):
            indicator = Indicator.objects.filter(scheme=scheme, key=item["key"]).first()
            indicator = indicator or Indicator(scheme=scheme, key=item["key"])
            indicator.order = int(item.get("order", order))
            indicator.label = item["label"]
            indicator.weight = Decimal(str(item["weight"]))
            indicator.method = item["method"]
            indicator.params = indicator_params(item)
            indicator.full_clean()
            indicator.save()
            keep.append(indicator.pk)
        for stale in Indicator.objects.filter(scheme=scheme).exclude(pk__in=keep):
            stale.delete()
    return scheme


def ensure_default_schemes(city, *, user=None) -> list[Scheme]:
    """Give ``city`` the shipped 季度比, 半年评 and 年度考 schemes and the two 亩均 schemes
    it lacks (existing ones are left as the city set them)."""
    schemes = []
    with acting(user, reason="默认考核方案"):
        for name in DEFAULT_SCHEME_FILES:
            data = yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))
            existing = Scheme.objects.filter(city=city, slug=data["slug"]).first()
            schemes.append(existing or scheme_import(user=user, city=city, data=data))
        for data in default_efficiency_schemes():
            if not EfficiencyScheme.objects.filter(city=city, slug=data["slug"]).exists():
                efficiency_scheme_save(user=user, city=city, data=data)
    return schemes


def ensure_schemes_on_first_visit(*, user, city) -> None:
    """A city without assessment schemes gets the shipped ones on its administrator's
    first visit of a ranking (others see no ranking until then)."""
    if policy.may(user, policy.ADD, Scheme) and not Scheme.objects.filter(city=city).exists():
        ensure_default_schemes(city, user=user)


# --- manual scores (site tours) ------------------------------------------------------


@transaction.atomic
def manual_scores_set(*, user, indicator: Indicator, period: str, unit, scores) -> list:
    """Record the judges' scores of ``unit`` on a manual indicator for ``period``.

    ``scores`` is an iterable of ``{"judge": str, "score": Decimal, "project": Project
    or None}``. For each project named (None: the unit as a whole) the earlier entries of
    this indicator, period and unit are replaced, so a tour may record project by project.
    """
    period = str(validate_period_text(period))
    if user is not None:
        policy.check_unit(user, policy.CHANGE, ManualScore, unit)
    if indicator.method != Method.MANUAL:
        raise ValidationError("只有人工评分指标可以录入评分。")
    if PublishedResult.objects.filter(scheme_id=indicator.scheme_id, period=period).exists():
        raise ValidationError(f"{period} 的考核结果已发布，不能再修改评分。")
    entries = []
    for item in scores:
        entry = ManualScore(
            indicator=indicator,
            period=period,
            unit=unit,
            project=item.get("project"),
            judge=str(item["judge"]).strip(),
            score=Decimal(str(item["score"])),
        )
        entry.full_clean()
        entries.append(entry)
    judged = {(e.project_id, e.judge) for e in entries}
    if len(judged) != len(entries):
        raise ValidationError("同一评委对同一项目只能有一个评分。")
    projects = {e.project_id for e in entries}
    with acting(user):
        old = ManualScore.objects.filter(indicator=indicator, period=period, unit=unit)
        for project_id in projects:
            for stale in old.filter(project_id=project_id):
                stale.delete()
        for entry in entries:
            entry.save()
    return entries


@transaction.atomic
def manual_score_save(
    *, user, score: ManualScore | None = None, data: dict, expected_version: int | None = None
) -> ManualScore:
    """Enter one judge's score (``score`` None: ``data`` names the indicator, period,
    unit, project, judge and score) or correct an entered one (at ``expected_version``,
    when given: only its score, judge and project change). Refused once the period's
    result is published, as :func:`manual_scores_set` refuses."""
    if score is not None:
        locked = ManualScore.objects.select_for_update(of=("self",)).filter(pk=score.pk).first()
        if locked is None:
            raise ValidationError("该评分已被删除。")
        if user is not None:
            policy.check(user, policy.CHANGE, locked)
        check_version(locked, expected_version, model=ManualScore, attempted=data)
        entry = locked
        for name in ("score", "judge", "project"):
            if name in data:
                setattr(entry, name, data[name])
    else:
        entry = ManualScore(**data)
        try:
            entry.period = str(validate_period_text(entry.period or ""))
        except ValidationError as exc:
            raise ValidationError({"period": exc.messages}) from exc
        if user is not None:
            policy.check_unit(user, policy.ADD, ManualScore, entry.unit)
    if isinstance(entry.judge, str):
        entry.judge = entry.judge.strip()
    entry.full_clean()
    published = PublishedResult.objects.filter(
        scheme_id=entry.indicator.scheme_id, period=entry.period
    ).exists()
    if published:
        raise ValidationError(f"{entry.period} 的考核结果已发布，不能再修改评分。")
    taken = ManualScore.objects.filter(
        indicator=entry.indicator,
        period=entry.period,
        unit=entry.unit,
        project=entry.project,
        judge=entry.judge,
    ).exclude(pk=entry.pk)
    if taken.exists():
        raise ValidationError({"judge": "同一评委对同一项目只能有一个评分。"})
    with acting(user):
        entry.save()
    return entry


# --- publishing ----------------------------------------------------------------------


@transaction.atomic
def assessment_publish(*, user, scheme: Scheme, period: str, as_of: date, now=None):
    """Publish the results of ``scheme`` for ``period``: computed once, stored, frozen.

    Publishing again returns the stored result unchanged.
    """
    check_city(user, policy.ADD, PublishedResult, scheme.city)
    parsed = validate_period_text(period)
    if PERIOD_KIND_OF[parsed.kind] != scheme.period_kind:
        raise ValidationError(
            f"方案“{scheme.name}”为{scheme.get_period_kind_display()}考核，期间“{period}”不符。"
        )
    existing = stored_result(scheme=scheme, period=str(parsed))
    if existing is not None:
        return existing
    outcome = assess(scheme=scheme, period=str(parsed), as_of=as_of, city=scheme.city)
    published = PublishedResult(
        scheme=scheme,
        period=str(parsed),
        as_of=as_of,
        published_at=now or timezone.now(),
        published_by=user,
        results=outcome.rows,
        figures=outcome.figures,
    )
    published.full_clean()
    with acting(user, reason=f"发布 {parsed.label} {scheme.name}"):
        published.save()
    return published


# --- 亩均 --------------------------------------------------------------------------------


@transaction.atomic
def efficiency_scheme_save(*, user, city, data: dict) -> EfficiencyScheme:
    """Create or update the 亩均 scheme ``data['slug']`` of ``city`` from a YAML-format dict."""
    check_city(user, policy.CHANGE, EfficiencyScheme, city)
    fresh = efficiency_scheme_from_dict(data, city=city)
    scheme = EfficiencyScheme.objects.filter(city=city, slug=fresh.slug).first() or fresh
    for field in ("name", "description", "indicators", "cap", "class_cutoffs"):
        setattr(scheme, field, getattr(fresh, field))
    scheme.full_clean()
    with acting(user):
        scheme.save()
    return scheme


RECORD_FIELDS = (
    "tax",
    "sales",
    "value_added",
    "energy",
    "emissions",
    "rd_spending",
    "employees",
    "land_area",
)


@transaction.atomic
def efficiency_record_save(*, user, project, year: int, data: dict) -> EfficiencyRecord:
    """Create or update a project's 亩均 figures for ``year``. Land defaults to the
    project's land area when not given."""
    unknown = set(data) - set(RECORD_FIELDS)
    if unknown:
        raise ValueError(f"unknown efficiency fields: {sorted(unknown)}")
    if user is not None:
        policy.check(user, policy.CHANGE, project)
    record = EfficiencyRecord.objects.filter(project=project, year=year).first()
    record = record or EfficiencyRecord(project=project, year=year)
    for field, value in data.items():
        setattr(record, field, value)
    if record.land_area is None:
        record.land_area = project.land_area
    record.full_clean()
    with acting(user):
        record.save()
    return record
