"""Writes to projects and their lifecycle. Every write: access re-checked inside the
transaction, ``full_clean()``, history through :mod:`ballast.core.history`."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from ballast.accounts import policy
from ballast.core import clock
from ballast.core.concurrency import check_version
from ballast.core.history import acting
from ballast.projects.choices import (
    CATEGORIES_WITHOUT_PRODUCTION,
    PRODUCTION_STAGES,
    STAGE_ORDER,
    Stage,
    stages_after,
    stages_before,
)
from ballast.projects.models import (
    AnnualPlan,
    Node,
    PlanMonth,
    Project,
    StageEvent,
    Suspension,
    Termination,
    UnitTarget,
)
from ballast.projects.rules import check_happened, check_stage_date, correction_reason

# Fields a project form or import may set; the rest are derived or kept by services.
PROJECT_FIELDS = (
    "code",
    "name",
    "investor",
    "investor_credit_code",
    "origin",
    "unit",
    "district",
    "address",
    "longitude",
    "latitude",
    "cluster",
    "category",
    "level",
    "total_investment",
    "foreign_investment",
    "land_area",
    "floor_area",
    "content",
    "capacity",
    "parent",
    "phase_label",
    "planned_start",
    "planned_completion",
    "planned_full_output",
    "expected_annual_sales",
    "expected_annual_tax",
    "service_team",
    "responsible_officer",
    "responsible_phone",
    "enterprise_contact",
    "enterprise_phone",
)


def _locked_project(project_id: int) -> Project:
    return Project.objects.select_for_update().select_related("unit").get(pk=project_id)


@transaction.atomic
def project_create(*, user, data: dict, leaders=None) -> Project:
    """Create a project in a unit the user may write to; the baseline is set from it."""
    unknown = set(data) - set(PROJECT_FIELDS)
    if unknown:
        raise ValueError(f"unknown project fields: {sorted(unknown)}")
    project = Project(**data)
    policy.check_unit(user, policy.ADD, Project, project.unit if project.unit_id else None)
    project.baseline_total_investment = project.total_investment
    project.baseline_completion = project.planned_completion
    project.full_clean()
    with acting(user):
        project.save()
        if leaders is not None:
            project.leaders.set(leaders)
    return project


@transaction.atomic
def project_update(
    *,
    user,
    project: Project,
    data: dict,
    leaders=None,
    reason: str = "",
    expected_version: int | None = None,
) -> Project:
    """Change a project's fields. Moving it to another unit needs write access to both.
    A form opened at another ``expected_version`` is refused (:mod:`ballast.core.concurrency`)."""
    unknown = set(data) - set(PROJECT_FIELDS)
    if unknown:
        raise ValueError(f"unknown project fields: {sorted(unknown)}")
    locked = _locked_project(project.pk)
    policy.check(user, policy.CHANGE, locked)
    check_version(locked, expected_version, attempted=data)
    for field, value in data.items():
        setattr(locked, field, value)
    if "unit" in data:
        policy.check_unit(user, policy.CHANGE, Project, locked.unit)
    if locked.baseline_total_investment is None:
        locked.baseline_total_investment = locked.total_investment
    if locked.baseline_completion is None:
        locked.baseline_completion = locked.planned_completion
    locked.full_clean()
    with acting(user, reason=reason or None):
        locked.save()
        if leaders is not None:
            locked.leaders.set(leaders)
    return locked


@transaction.atomic
def project_rebaseline(*, user, project: Project, reason: str) -> Project:
    """Reset the baseline to the current forecast (e.g. after an approved change of scope)."""
    if not reason.strip():
        raise ValidationError({"reason": "重新设定基准须说明原因。"})
    locked = _locked_project(project.pk)
    policy.check_unit(user, policy.DELETE, Project, locked.unit)  # city administrators only
    locked.baseline_total_investment = locked.total_investment
    locked.baseline_completion = locked.planned_completion
    with acting(user, reason=reason):
        locked.save()
    return locked


def _check_stage_applies(project: Project, stage: str) -> None:
    if stage in PRODUCTION_STAGES and project.category in CATEGORIES_WITHOUT_PRODUCTION:
        raise ValidationError(
            {"stage": f"{project.get_category_display()}项目没有“{Stage(stage).label}”阶段。"}
        )


def _check_stage_dates(project: Project, stage: str, on: date, exclude_pk=None) -> None:
    """Dates never go backwards along the line: earlier stages on or before, later on or after."""
    others = StageEvent.objects.filter(project=project).exclude(pk=exclude_pk)
    earlier_late = (
        others.filter(stage__in=stages_before(stage), date__gt=on).order_by("-date").first()
    )
    if earlier_late:
        raise ValidationError(
            {
                "date": f"“{Stage(stage).label}”日期 {on} 早于已记录的“{earlier_late.get_stage_display()}”日期 {earlier_late.date}。"
            }
        )
    later_early = others.filter(stage__in=stages_after(stage), date__lt=on).order_by("date").first()
    if later_early:
        raise ValidationError(
            {
                "date": f"“{Stage(stage).label}”日期 {on} 晚于已记录的“{later_early.get_stage_display()}”日期 {later_early.date}。"
            }
        )
    termination = Termination.objects.filter(project=project).first()
    if termination and on > termination.terminated_on:
        raise ValidationError(
            {"date": f"项目已于 {termination.terminated_on} 终止，不能记录之后的阶段。"}
        )


@transaction.atomic
def stage_record(
    *,
    user,
    project: Project,
    stage: str,
    on: date,
    evidence: str = "",
    reason: str = "",
    today: date | None = None,
    expected_version: int | None = None,
) -> StageEvent:
    """Record (or correct the date of) the day a project reached ``stage``.

    The date has happened (not after ``today``, default the clock's). Correcting an
    already recorded date needs a ``reason``, kept in the history with both dates.
    ``expected_version`` is the event's version the form was opened at (0: none yet).
    """
    locked = _locked_project(project.pk)
    policy.check(user, policy.CHANGE, locked)
    if stage not in STAGE_ORDER:
        raise ValidationError({"stage": f"未知的阶段“{stage}”。"})
    _check_stage_applies(locked, stage)
    check_stage_date(stage, on, today=today or clock.today())
    stored = StageEvent.objects.filter(project=locked, stage=stage).first()
    check_version(
        stored,
        expected_version,
        model=StageEvent,
        attempted={"date": on, "evidence": evidence} if evidence else {"date": on},
    )
    event = stored or StageEvent(project=locked, stage=stage)
    history_reason = correction_reason(stage, event.date if event.pk else None, on, reason)
    _check_stage_dates(locked, stage, on, exclude_pk=event.pk)
    event.date = on
    event.evidence = evidence or event.evidence
    event.full_clean()
    with acting(user, reason=history_reason):
        event.save()
    return event


@transaction.atomic
def stage_remove(*, user, event: StageEvent, reason: str) -> None:
    """Remove a wrongly recorded stage, with a reason kept in history."""
    if not reason.strip():
        raise ValidationError({"reason": "撤销阶段须说明原因。"})
    locked = _locked_project(event.project_id)
    policy.check(user, policy.CHANGE, locked)
    with acting(user, reason=reason):
        StageEvent.objects.get(pk=event.pk).delete()


@transaction.atomic
def project_suspend(
    *,
    user,
    project: Project,
    kind: str,
    reason: str,
    on: date,
    note: str = "",
    planned_resume_on: date | None = None,
    today: date | None = None,
) -> Suspension:
    """停建/缓建 from ``on`` (not after ``today``); a project can be suspended only once at a time."""
    locked = _locked_project(project.pk)
    policy.check(user, policy.CHANGE, locked)
    check_happened("started_on", on, today=today or clock.today(), what="停缓建日期")
    if Suspension.objects.filter(project=locked, resumed_on__isnull=True).exists():
        raise ValidationError({"started_on": "该项目已处于停缓建状态，请先记录复工。"})
    if Termination.objects.filter(project=locked).exists():
        raise ValidationError({"started_on": "已终止的项目不能停缓建。"})
    last = Suspension.objects.filter(project=locked).order_by("-resumed_on").first()
    if last and last.resumed_on and on < last.resumed_on:
        raise ValidationError({"started_on": f"停缓建日期不能早于上次复工日期 {last.resumed_on}。"})
    suspension = Suspension(
        project=locked,
        kind=kind,
        reason=reason,
        note=note,
        started_on=on,
        planned_resume_on=planned_resume_on,
    )
    suspension.full_clean()
    with acting(user, reason=note or suspension.get_reason_display()):
        suspension.save()
    return suspension


@transaction.atomic
def project_resume(
    *, user, project: Project, on: date, note: str = "", today: date | None = None
) -> Suspension:
    """Record the resumption of a suspended project (on or before ``today``)."""
    locked = _locked_project(project.pk)
    policy.check(user, policy.CHANGE, locked)
    check_happened("resumed_on", on, today=today or clock.today(), what="复工日期")
    suspension = Suspension.objects.filter(project=locked, resumed_on__isnull=True).first()
    if suspension is None:
        raise ValidationError({"resumed_on": "该项目未处于停缓建状态。"})
    suspension.resumed_on = on
    suspension.full_clean()
    with acting(user, reason=note or None):
        suspension.save()
    return suspension


@transaction.atomic
def project_terminate(
    *, user, project: Project, on: date, reason: str, note: str, today: date | None = None
) -> Termination:
    """终止/退出 with a reason, on or before ``today``; no stage may be recorded after it."""
    locked = _locked_project(project.pk)
    policy.check(user, policy.CHANGE, locked)
    check_happened("terminated_on", on, today=today or clock.today(), what="终止日期")
    if not (note or "").strip():
        raise ValidationError({"note": "终止项目须填写说明。"})
    if Termination.objects.filter(project=locked).exists():
        raise ValidationError({"terminated_on": "该项目已终止。"})
    last_stage = StageEvent.objects.filter(project=locked).order_by("-date").first()
    if last_stage and on < last_stage.date:
        raise ValidationError(
            {
                "terminated_on": f"终止日期不能早于最近阶段“{last_stage.get_stage_display()}”的日期 {last_stage.date}。"
            }
        )
    termination = Termination(project=locked, terminated_on=on, reason=reason, note=note)
    termination.full_clean()
    with acting(user, reason=note):
        termination.save()
    return termination


@transaction.atomic
def node_save(
    *,
    user,
    project: Project,
    node: Node | None = None,
    data: dict,
    today: date | None = None,
    expected_version: int | None = None,
) -> Node:
    """Create or change a node of the project's node plan (a changed one at
    ``expected_version``, when given); a node is done on or before ``today`` (its
    deadline may lie ahead)."""
    locked = _locked_project(project.pk)
    policy.check(user, policy.CHANGE, locked)
    if node is not None and node.pk:
        node = Node.objects.filter(pk=node.pk).first()  # as stored, under the project's lock
        check_version(node, expected_version, model=Node, attempted=data)
    node = node or Node(project=locked)
    if node.project_id != locked.pk:
        raise ValidationError("节点不属于该项目。")
    for field, value in data.items():
        setattr(node, field, value)
    check_happened("completed_on", node.completed_on, today=today or clock.today(), what="办结日期")
    node.full_clean()
    with acting(user):
        node.save()
    return node


@transaction.atomic
def plan_save(
    *,
    user,
    project: Project,
    year: int,
    planned_investment,
    months: dict | None = None,
    expected_version: int | None = None,
    **stage_months,
) -> AnnualPlan:
    """Create or change a project's annual plan; ``months`` maps month → planned investment.
    ``expected_version`` is the plan's version the form was opened at (0: no plan yet)."""
    locked = _locked_project(project.pk)
    policy.check(user, policy.CHANGE, locked)
    stored = AnnualPlan.objects.filter(project=locked, year=year).first()
    check_version(
        stored,
        expected_version,
        model=AnnualPlan,
        attempted={"planned_investment": planned_investment, **stage_months},
    )
    plan = stored or AnnualPlan(project=locked, year=year)
    plan.planned_investment = planned_investment
    for field in AnnualPlan.month_fields:
        if field in stage_months:
            setattr(plan, field, stage_months.pop(field))
    if stage_months:
        raise ValueError(f"unknown plan fields: {sorted(stage_months)}")
    plan.full_clean()
    with acting(user):
        plan.save()
        if months is not None:
            if sum(months.values()) != plan.planned_investment:
                raise ValidationError({"months": "月度计划之和应等于年度计划投资。"})
            PlanMonth.objects.filter(plan=plan).exclude(month__in=list(months)).delete()
            for month, amount in sorted(months.items()):
                row = PlanMonth.objects.filter(plan=plan, month=month).first() or PlanMonth(
                    plan=plan, month=month
                )
                row.planned_investment = amount
                row.full_clean()
                row.save()
    return plan


@transaction.atomic
def target_set(*, user, unit, period: str, indicator: str, value) -> UnitTarget:
    """Set a unit's target for a year or quarter."""
    policy.check_unit(user, policy.CHANGE, UnitTarget, unit)
    target = UnitTarget.objects.filter(
        unit=unit, period=period, indicator=indicator
    ).first() or UnitTarget(unit=unit, period=period, indicator=indicator)
    target.value = value
    target.full_clean()
    with acting(user):
        target.save()
    return target
