"""Writes of investment attraction. Every write: access re-checked inside the
transaction, ``full_clean()``, history through :mod:`ballast.core.history`.

Signing (:func:`lead_sign`) is the one way a lead becomes a project: it creates the
project through ``projects.services`` (its 在谈 and 签约 stage events dated from the
lead), links the lead, and refuses a lead already signed — so the new-signed figures
and the signed cohort count it exactly once.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ballast.accounts import policy
from ballast.attraction.choices import (
    OPEN_STAGES,
    STAGE_DATE_FIELD,
    STAGE_ORDER,
    ChainSegment,
    LeadStage,
    LeadTerminationReason,
)
from ballast.attraction.models import (
    ChainLink,
    Lead,
    LeadContact,
    ReserveEntry,
    ReserveTier,
    TargetEnterprise,
)
from ballast.core import clock
from ballast.core.concurrency import check_version
from ballast.core.history import acting
from ballast.projects import services as projects
from ballast.projects.choices import Category, Level, Origin, Stage
from ballast.projects.models import IndustryCluster, Project
from ballast.projects.rules import check_happened

# Fields a lead form, the API or an import may set; stages, dates of stages, the city's
# marks (confidential, duplicate) and the project link are kept by the services.
LEAD_FIELDS = (
    "unit",
    "investor",
    "investor_credit_code",
    "is_fortune500",
    "is_central_soe",
    "is_listed",
    "project_name",
    "amount",
    "amount_usd",
    "cluster",
    "link",
    "channel",
    "source_team",
    "responsible_person",
    "likelihood",
    "expected_signing_month",
    "info_on",
)
CONTACT_FIELDS = ("date", "ours", "theirs", "content", "next_step", "next_on")


def _locked(lead_id: int) -> Lead:
    return Lead.objects.select_for_update().select_related("unit").get(pk=lead_id)


def _check_fields(data: dict, allowed) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")


def _check_open(lead: Lead) -> None:
    if lead.duplicate_of_id:
        raise ValidationError("该线索已被市里认定为重复线索，请在保留的线索上继续跟进。")
    if lead.stage not in OPEN_STAGES:
        raise ValidationError(f"线索已{lead.get_stage_display()}，不能再变更阶段或对接记录。")


@transaction.atomic
def lead_create(*, user, data: dict) -> Lead:
    """Record a new lead (stage 信息) in a unit the user may write to."""
    _check_fields(data, LEAD_FIELDS)
    lead = Lead(**data)
    policy.check_unit(user, policy.ADD, Lead, lead.unit if lead.unit_id else None)
    lead.full_clean()
    with acting(user):
        lead.save()
    return lead


@transaction.atomic
def lead_update(
    *, user, lead: Lead, data: dict, reason: str = "", expected_version: int | None = None
) -> Lead:
    """Change a lead's fields (moving it to another unit needs write access to both)."""
    _check_fields(data, LEAD_FIELDS)
    locked = _locked(lead.pk)
    policy.check(user, policy.CHANGE, locked)
    check_version(locked, expected_version, attempted=data)
    for field, value in data.items():
        setattr(locked, field, value)
    if "unit" in data:
        policy.check_unit(user, policy.CHANGE, Lead, locked.unit)
    locked.full_clean()
    with acting(user, reason=reason or None):
        locked.save()
    return locked


@transaction.atomic
def contact_add(*, user, lead: Lead, data: dict, today: date | None = None) -> LeadContact:
    """Log a contact (对接记录) of an open lead; the first contact of a lead still at 信息
    moves it to 接洽 on the contact's date."""
    _check_fields(data, CONTACT_FIELDS)
    locked = _locked(lead.pk)
    policy.check(user, policy.CHANGE, locked)
    _check_open(locked)
    contact = LeadContact(lead=locked, **data)
    if contact.date:
        check_happened("date", contact.date, today=today or clock.today(), what="对接日期")
        if contact.date < locked.info_on:
            raise ValidationError({"date": f"对接日期不能早于获得信息日期 {locked.info_on}。"})
    contact.full_clean()
    with acting(user):
        contact.save()
        if locked.stage == LeadStage.INFO:
            locked.stage = LeadStage.CONTACT
            locked.contacted_on = contact.date
            locked.full_clean()
            locked.save()
    return contact


@transaction.atomic
def lead_advance(*, user, lead: Lead, stage: str, on: date, today: date | None = None) -> Lead:
    """Move an open lead forward to 接洽 or 洽谈 on ``on`` (a skipped stage gets the
    same date). Signing and termination have their own services."""
    if stage not in (LeadStage.CONTACT, LeadStage.NEGOTIATING):
        raise ValidationError({"stage": "只能推进到“接洽”或“洽谈”；签约与终止另行办理。"})
    locked = _locked(lead.pk)
    policy.check(user, policy.CHANGE, locked)
    _check_open(locked)
    if STAGE_ORDER[stage] <= STAGE_ORDER[locked.stage]:
        raise ValidationError(
            {"stage": f"线索已在“{locked.get_stage_display()}”阶段，不能退回或重复推进。"}
        )
    check_happened("date", on, today=today or clock.today(), what="阶段日期")
    for reached in (LeadStage.CONTACT, LeadStage.NEGOTIATING):
        field = STAGE_DATE_FIELD[reached]
        if STAGE_ORDER[reached] <= STAGE_ORDER[stage] and getattr(locked, field) is None:
            setattr(locked, field, on)
    locked.stage = stage
    locked.full_clean()
    with acting(user):
        locked.save()
    return locked


@transaction.atomic
def lead_terminate(
    *, user, lead: Lead, on: date, reason: str, note: str = "", today: date | None = None
) -> Lead:
    """Close an open lead as 终止, with the reason (and a note for "其他")."""
    locked = _locked(lead.pk)
    policy.check(user, policy.CHANGE, locked)
    _check_open(locked)
    if reason not in LeadTerminationReason.values:
        raise ValidationError({"termination_reason": "请选择终止原因。"})
    if reason == LeadTerminationReason.OTHER and not note.strip():
        raise ValidationError({"termination_note": "终止原因为“其他”时须填写说明。"})
    check_happened("date", on, today=today or clock.today(), what="终止日期")
    last = max(
        d for d in (locked.info_on, locked.contacted_on, locked.negotiating_on) if d is not None
    )
    if on < last:
        raise ValidationError({"terminated_on": f"终止日期不能早于最近一个阶段的日期 {last}。"})
    locked.stage = LeadStage.TERMINATED
    locked.terminated_on = on
    locked.termination_reason = reason
    locked.termination_note = note
    locked.full_clean()
    with acting(user, reason=f"终止：{LeadTerminationReason(reason).label} {note}".strip()):
        locked.save()
    return locked


@transaction.atomic
def lead_sign(
    *,
    user,
    lead: Lead,
    on: date,
    category: str = Category.INDUSTRIAL,
    level: str = Level.UNIT,
    code: str | None = None,
    today: date | None = None,
) -> Project:
    """Sign a lead (签约): the one conversion of a lead into a project.

    The project is created through ``projects.services`` with the lead's investor,
    credit code, project, amount (foreign capital in 万美元 makes it 外资), cluster,
    unit and responsible person; its 在谈 stage is dated from the lead's first contact
    (or 洽谈) and its 签约 stage on ``on``. The lead is linked and closed as 签约. A lead
    is signed once: a second signing is refused.
    """
    locked = _locked(lead.pk)
    policy.check(user, policy.CHANGE, locked)
    if locked.project_id is not None or locked.stage == LeadStage.SIGNED:
        raise ValidationError("该线索已签约并转为项目，不能重复签约。")
    _check_open(locked)
    today = today or clock.today()
    check_happened("signed_on", on, today=today, what="签约日期")
    talks = locked.contacted_on or locked.negotiating_on or locked.info_on
    if on < talks:
        raise ValidationError({"signed_on": f"签约日期不能早于接洽日期 {talks}。"})
    if category not in Category.values:
        raise ValidationError({"category": "请选择项目类别。"})
    data = {
        "name": locked.project_name,
        "investor": locked.investor,
        "investor_credit_code": locked.investor_credit_code,
        "origin": Origin.FOREIGN if locked.amount_usd else Origin.DOMESTIC,
        "unit": locked.unit,
        "cluster": locked.cluster,
        "category": category,
        "level": level,
        "total_investment": locked.amount,
        "foreign_investment": locked.amount_usd or None,
        "responsible_officer": locked.responsible_person,
    }
    if code:
        data["code"] = code
    evidence = f"招商线索签约（{locked.channel.name}）"
    with acting(user, reason="招商线索签约转为项目"):
        project = projects.project_create(user=user, data=data)
        projects.stage_record(
            user=user,
            project=project,
            stage=Stage.NEGOTIATING,
            on=talks,
            evidence="招商线索接洽",
            today=today,
        )
        projects.stage_record(
            user=user, project=project, stage=Stage.SIGNED, on=on, evidence=evidence, today=today
        )
        locked.stage = LeadStage.SIGNED
        locked.signed_on = on
        if locked.negotiating_on is None:
            locked.negotiating_on = locked.contacted_on or on
        if locked.contacted_on is None:
            locked.contacted_on = locked.negotiating_on
        locked.project = project
        locked.full_clean()
        locked.save()
    return project


@transaction.atomic
def lead_mark_confidential(*, user, lead: Lead, confidential: bool) -> Lead:
    """The city marks (or unmarks) a lead's investor confidential (投资方保密)."""
    if not policy.may_do(user, "mark_lead_confidential"):
        raise PermissionDenied("只有市级管理员可以标记投资方保密。")
    locked = _locked(lead.pk)
    policy.check(user, policy.CHANGE, locked)
    locked.confidential = confidential
    with acting(user, reason="市级标记投资方保密" if confidential else "市级取消投资方保密"):
        locked.save()
    return locked


@transaction.atomic
def duplicates_resolve(*, user, keep: Lead, others, note: str) -> list[Lead]:
    """The city resolves a duplicate (重复线索): ``keep`` stays the lead followed; each of
    ``others`` (same investor and project) is linked to it as a duplicate. Nothing is
    deleted: each keeps its own contacts and history, and the kept lead's page shows them."""
    if not policy.may_do(user, "resolve_lead_duplicates"):
        raise PermissionDenied("只有市级管理员可以认定重复线索。")
    if not note.strip():
        raise ValidationError({"duplicate_note": "认定重复线索须说明处理意见。"})
    kept = _locked(keep.pk)
    policy.check(user, policy.CHANGE, kept)
    if kept.duplicate_of_id:
        raise ValidationError("保留的线索本身已被认定为重复线索。")
    merged = []
    for other in others:
        locked = _locked(other.pk)
        policy.check(user, policy.CHANGE, locked)
        if locked.pk == kept.pk:
            raise ValidationError("保留的线索不能认定为自己的重复。")
        if locked.project_id is not None:
            raise ValidationError(f"线索“{locked.project_name}”已签约，不能认定为重复。")
        if (locked.investor_key, locked.project_key) != (kept.investor_key, kept.project_key):
            raise ValidationError(f"线索“{locked.project_name}”与保留的线索不是同一投资方和项目。")
        locked.duplicate_of = kept
        locked.duplicate_note = note
        with acting(user, reason=f"重复线索，保留 {kept.unit.display_name} 的线索：{note}"):
            locked.save()
        merged.append(locked)
    return merged


# --------------------------------------------------------------------------- reserve pool


@transaction.atomic
def reserve_place(
    *,
    user,
    project: Project,
    tier: ReserveTier,
    land_ready: bool,
    filing_ready: bool,
    funding_ready: bool,
    on: date,
    today: date | None = None,
) -> ReserveEntry:
    """Put a project in the reserve pool (储备库) at ``tier``, or move it to another tier.
    A tier's conditions (land, filing, funding) must be met to be in it."""
    locked = Project.objects.select_for_update().select_related("unit").get(pk=project.pk)
    policy.check(user, policy.CHANGE, locked)
    check_happened("entered_on", on, today=today or clock.today(), what="入库日期")
    lacks = tier.missing(land=land_ready, filing=filing_ready, funding=funding_ready)
    if lacks:
        raise ValidationError({"tier": f"进入“{tier.name}”须先落实：{'、'.join(lacks)}。"})
    entry = ReserveEntry.objects.filter(project=locked).first() or ReserveEntry(
        project=locked, entered_on=on
    )
    previous = entry.tier.name if entry.pk else None
    entry.tier = tier
    entry.land_ready, entry.filing_ready, entry.funding_ready = (
        land_ready,
        filing_ready,
        funding_ready,
    )
    entry.full_clean()
    reason = f"储备库：{previous} → {tier.name}" if previous and previous != tier.name else None
    with acting(user, reason=reason):
        entry.save()
    return entry


# --------------------------------------------------------------------------- chain map

SEGMENT_NAMES = {label: value for value, label in ChainSegment.choices}


@transaction.atomic
def chain_map_import(*, user, city, rows: list[dict]) -> dict:
    """Import the chain maps of ``city`` (招商图谱) from rows of a workbook —
    ``{"cluster", "segment", "link", "targets"}`` with names as typed — all or nothing:
    every row is checked first, and one bad row writes nothing (its line is in the error).
    Links already there are kept (their targets added to); returns the counts written."""
    if not policy.may_do(user, "config.add"):
        raise PermissionDenied("您没有维护招商图谱的权限。")
    if not policy.in_area(user, city):
        raise PermissionDenied("该市不在您的范围内。")
    clusters = {c.name: c for c in IndustryCluster.objects.filter(city=city)}
    errors, planned = [], []
    for row in rows:
        line = row.get("line", "?")
        cluster = clusters.get((row.get("cluster") or "").strip())
        segment = SEGMENT_NAMES.get((row.get("segment") or "").strip())
        name = (row.get("link") or "").strip()
        if cluster is None:
            errors.append(f"第 {line} 行：产业集群“{row.get('cluster') or ''}”不是本市的集群。")
        if segment is None:
            errors.append(
                f"第 {line} 行：环节应为 上游、中游 或 下游，而不是“{row.get('segment') or ''}”。"
            )
        if not name:
            errors.append(f"第 {line} 行：链节名称不能为空。")
        elif len(name) > 64:
            errors.append(f"第 {line} 行：链节名称过长（最多 64 字）。")
        targets = [
            t.strip()
            for t in (row.get("targets") or "").replace("，", "、").replace(",", "、").split("、")
            if t.strip()
        ]
        planned.append((cluster, segment, name, targets))
    if errors:
        raise ValidationError(errors)
    counts = {"links": 0, "targets": 0}
    with acting(user, reason="导入招商图谱"):
        for order, (cluster, segment, name, targets) in enumerate(planned, start=1):
            link = ChainLink.objects.filter(cluster=cluster, name=name).first()
            if link is None:
                link = ChainLink(cluster=cluster, segment=segment, name=name, sort_order=order)
                link.full_clean()
                link.save()
                counts["links"] += 1
            known = set(link.targets.values_list("name", flat=True))
            for target in targets:
                if target not in known:
                    TargetEnterprise(link=link, name=target[:128]).save()
                    known.add(target)
                    counts["targets"] += 1
    return counts
