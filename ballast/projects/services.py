"""Writes to projects and their lifecycle. Every write: access re-checked inside the
transaction, ``full_clean()``, history through :mod:`ballast.core.history`."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ballast.accounts import policy
from ballast.core import clock
from ballast.core.concurrency import check_version
from ballast.core.history import acting, insert_returning, write_history_bulk
from ballast.projects.choices import (
    CATEGORIES_WITHOUT_PRODUCTION,
    PRODUCTION_STAGES,
    STAGE_ORDER,
    ConfidenceRating,
    NodeOutcome,
    Stage,
    stages_after,
    stages_before,
)
from ballast.projects.models import (
    AnnualPlan,
    ConfidenceAssessment,
    Node,
    NodeTemplate,
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
    _stage_dates_rule(
        stage,
        on,
        [(e.stage, e.date) for e in others.only("stage", "date")],
        Termination.objects.filter(project=project).first(),
    )


def _stage_dates_rule(stage: str, on: date, others, termination) -> None:
    """The rule of :func:`_check_stage_dates` on what is recorded: ``others`` the
    (stage, date) of the project's other events, ``termination`` its termination or None.
    The one and the bulk form of ``stage_record`` both apply it."""
    before, after = set(stages_before(stage)), set(stages_after(stage))
    earlier_late = max(((d, s) for s, d in others if s in before and d > on), default=None)
    if earlier_late:
        raise ValidationError(
            {
                "date": f"“{Stage(stage).label}”日期 {on} 早于已记录的“{Stage(earlier_late[1]).label}”日期 {earlier_late[0]}。"
            }
        )
    later_early = min(((d, s) for s, d in others if s in after and d < on), default=None)
    if later_early:
        raise ValidationError(
            {
                "date": f"“{Stage(stage).label}”日期 {on} 晚于已记录的“{Stage(later_early[1]).label}”日期 {later_early[0]}。"
            }
        )
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
    expected_version: int | None = None,
) -> Suspension:
    """停建/缓建 from ``on`` (not after ``today``); a project can be suspended only once at a
    time. ``expected_version``: the project's, when the caller read it (the API's If-Match)."""
    locked = _locked_project(project.pk)
    policy.check(user, policy.CHANGE, locked)
    check_version(locked, expected_version, model=Project, flow=True)
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
    *,
    user,
    project: Project,
    on: date,
    note: str = "",
    today: date | None = None,
    expected_version: int | None = None,
) -> Suspension:
    """Record the resumption of a suspended project (on or before ``today``)."""
    locked = _locked_project(project.pk)
    policy.check(user, policy.CHANGE, locked)
    check_version(locked, expected_version, model=Project, flow=True)
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
    *,
    user,
    project: Project,
    on: date,
    reason: str,
    note: str,
    today: date | None = None,
    expected_version: int | None = None,
) -> Termination:
    """终止/退出 with a reason, on or before ``today``; no stage may be recorded after it."""
    locked = _locked_project(project.pk)
    policy.check(user, policy.CHANGE, locked)
    check_version(locked, expected_version, model=Project, flow=True)
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
def node_answer(
    *,
    user,
    node: Node,
    outcome: str,
    completed_on: date | None = None,
    note: str = "",
    today: date | None = None,
    expected_version: int | None = None,
) -> Node:
    """The responsible department's answer to one node of a project's node plan: 已办结
    on ``completed_on`` (on or before ``today``), 无需办理, or back to 未办结 — the outcome
    and its note only; the deadline, the department and the rest stay the project's
    (``node_save``). ``expected_version`` is the node's, as the page or the API read it."""
    stored = Node.objects.filter(pk=node.pk).first()
    if stored is None:
        raise ValidationError("该节点已被删除。")
    _locked_project(stored.project_id)  # the node plan changes under its project's lock
    node = Node.objects.select_related("project").get(pk=stored.pk)
    policy.check(user, policy.PROGRESS, node)
    check_version(
        node,
        expected_version,
        model=Node,
        attempted={"outcome": outcome, "completed_on": completed_on, "note": note},
    )
    if outcome not in NodeOutcome.values:
        raise ValidationError({"outcome": f"办理结果“{outcome}”无效。"})
    if outcome != NodeOutcome.DONE:
        completed_on = None
    elif completed_on is None:
        raise ValidationError({"completed_on": "已办结的节点须填写办结日期。"})
    else:
        check_happened("completed_on", completed_on, today=today or clock.today(), what="办结日期")
    node.outcome, node.completed_on, node.note = outcome, completed_on, note
    node.full_clean()
    with acting(user, reason=note or None):
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
def target_set(
    *, user, unit, period: str, indicator: str, value, expected_version: int | None = None
) -> UnitTarget:
    """Set a unit's target for a year (``2026``) or a quarter (``2026Q1``): the one row of
    (unit, period, indicator), created or changed. ``expected_version`` is the version
    the form or the client read (0: no such target yet; None: not checked — an import)."""
    policy.check_unit(user, policy.CHANGE, UnitTarget, unit)
    policy.check_unit(user, policy.ADD, UnitTarget, unit)
    period = str(period).strip().upper()
    target = (
        UnitTarget.objects.select_for_update(of=("self",))
        .filter(unit=unit, period=period, indicator=indicator)
        .first()
    )
    check_version(target, expected_version, model=UnitTarget, attempted={"value": value})
    target = target or UnitTarget(unit=unit, period=period, indicator=indicator)
    target.value = value
    target.full_clean()
    with acting(user):
        target.save()
    return target


def _month_first(month: date) -> date:
    return month.replace(day=1)


@transaction.atomic
def confidence_rate(
    *,
    user,
    project: Project,
    month: date,
    rating: str,
    narrative: str = "",
    expected_version: int | None = None,
) -> ConfidenceAssessment:
    """Rate a project's delivery confidence (green/amber/red with a narrative) for a month:
    the month's one rating, created or changed (a changed one at ``expected_version``, 0
    when the form saw none). Every change is kept in the rating's history."""
    locked = _locked_project(project.pk)
    policy.check(user, policy.CHANGE, locked)
    if not policy.may_do(user, "rate_confidence"):
        raise PermissionDenied("您没有评定交付信心的权限。")
    month = _month_first(month)
    stored = (
        ConfidenceAssessment.objects.select_for_update(of=("self",))
        .filter(project=locked, month=month)
        .first()
    )
    check_version(
        stored,
        expected_version,
        model=ConfidenceAssessment,
        attempted={"rating": rating, "narrative": narrative},
    )
    if not (narrative or "").strip() and rating != ConfidenceRating.GREEN:
        raise ValidationError({"narrative": "黄色或红色评级须写明说明（原因与措施）。"})
    assessment = stored or ConfidenceAssessment(project=locked, month=month)
    assessment.rating = rating
    assessment.narrative = (narrative or "").strip()
    assessment.full_clean()
    with acting(user):
        assessment.save()
    return assessment


# --------------------------------------------------------------------------- bulk forms
#
# The bulk forms below carry out many calls of the services above in one go (an import
# of a 10,000-row ledger): the same rules, checked set-wise — one query per kind of check
# for the whole batch instead of one per object — and written with bulk INSERT/UPDATE,
# their history written by :func:`ballast.core.history.write_history_bulk` with the same
# content as one ``save()`` writes. Each leaves the data and the history exactly as the
# calls of the one-object service, in the same order, would.


def _chunked(values, size=500):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _locked_projects(project_ids, held=None) -> dict[int, Project]:
    """The projects, locked for the transaction, by id (one query per 500). ``held``:
    projects this transaction holds already, as they stand (created, or locked and
    saved, by an earlier bulk form in it); they are not read again."""
    project_ids = set(project_ids)
    locked = {pk: held[pk] for pk in project_ids if held and pk in held}
    for chunk in _chunked(sorted(project_ids - set(locked))):
        for project in (
            Project.objects.select_for_update().select_related("unit").filter(pk__in=chunk)
        ):
            locked[project.pk] = project
    missing = set(project_ids) - set(locked)
    if missing:
        raise Project.DoesNotExist(f"项目不存在：{sorted(missing)[:5]}")
    return locked


def _check_all(user, action: str, model, pks) -> None:
    """:func:`policy.check` for many saved objects of ``model`` at once."""
    pks = set(pks)
    allowed = set()
    for chunk in _chunked(sorted(pks)):
        allowed.update(
            policy.restrict(model._base_manager.filter(pk__in=chunk), user, action).values_list(
                "pk", flat=True
            )
        )
    if pks - allowed:
        # The one-object check, for its message.
        policy.check(user, action, model._base_manager.get(pk=min(pks - allowed)))


def _check_units(user, action: str, model, units) -> None:
    """:func:`policy.check_unit` once for each distinct unit."""
    seen = set()
    for unit in units:
        key = unit.pk if unit is not None else None
        if key not in seen:
            seen.add(key)
            policy.check_unit(user, action, model, unit)


def _full_clean_bulk(objects, *, unique_fields=()) -> None:
    """``full_clean()`` for many objects with its queries done set-wise: each foreign key
    checked to exist by one query per field, ``unique_fields`` by one query per field
    (and within the batch); the rest (field validators, ``clean()``) per object, in
    memory. Model constraints are the callers' (checked against what they loaded)."""
    if not objects:
        return
    model = type(objects[0])
    foreign = [f for f in model._meta.concrete_fields if f.is_relation and f.many_to_one]
    exclude = [f.name for f in foreign]
    for obj in objects:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    for field in foreign:
        ids = {getattr(obj, field.attname) for obj in objects} - {None}
        found = set()
        target = field.remote_field.model
        for chunk in _chunked(sorted(ids)):
            found.update(target._base_manager.filter(pk__in=chunk).values_list("pk", flat=True))
        if ids - found:
            obj = next(o for o in objects if getattr(o, field.attname) in ids - found)
            obj.full_clean()  # Django's own message
            raise ValidationError({field.name: "不存在。"})  # pragma: no cover
    for name in unique_fields:
        field = model._meta.get_field(name)
        values = [(obj, getattr(obj, field.attname)) for obj in objects]
        values = [(o, v) for o, v in values if v not in (None, "")]
        counts: dict = {}
        for _obj, value in values:
            counts[value] = counts.get(value, 0) + 1
        taken = set()
        for chunk in _chunked(sorted({v for _o, v in values})):
            taken.update(
                (v, pk)
                for v, pk in model._base_manager.filter(**{f"{name}__in": chunk}).values_list(
                    name, "pk"
                )
            )
        for obj, value in values:
            if counts[value] > 1 or any(v == value and pk != obj.pk for v, pk in taken):
                raise ValidationError(
                    {
                        name: field.error_messages["unique"]
                        % {
                            "model_name": model._meta.verbose_name,
                            "field_label": field.verbose_name,
                        }
                    }
                )


def project_create_bulk(*, user, datas: list[dict]) -> list[Project]:
    """:func:`project_create` for many projects (without leaders), in the given order."""
    with transaction.atomic():
        for data in datas:
            unknown = set(data) - set(PROJECT_FIELDS)
            if unknown:
                raise ValueError(f"unknown project fields: {sorted(unknown)}")
        projects = [Project(**data) for data in datas]
        _check_units(user, policy.ADD, Project, [p.unit if p.unit_id else None for p in projects])
        for project in projects:
            project.baseline_total_investment = project.total_investment
            project.baseline_completion = project.planned_completion
        _full_clean_bulk(projects, unique_fields=("code",))
        with acting(user):
            insert_returning(Project, projects)
            write_history_bulk(projects, history_type="+")
    return projects


def project_update_bulk(*, user, changes: list[tuple[Project, dict]]) -> list[Project]:
    """:func:`project_update` for many projects — each once — with the import's
    defaults (no leaders, no reason of its own, no expected version)."""
    with transaction.atomic():
        for _project, data in changes:
            unknown = set(data) - set(PROJECT_FIELDS)
            if unknown:
                raise ValueError(f"unknown project fields: {sorted(unknown)}")
        ids = [project.pk for project, _data in changes]
        if len(set(ids)) != len(ids):
            raise ValueError("project_update_bulk changes each project once")
        locked = _locked_projects(ids)
        _check_all(user, policy.CHANGE, Project, ids)
        saved, fields = [], {"version", "updated_at"}
        moved_to = []
        for project, data in changes:
            obj = locked[project.pk]
            for field, value in data.items():
                setattr(obj, field, value)
            fields.update(data)
            if "unit" in data:
                moved_to.append(obj.unit)
            if obj.baseline_total_investment is None:
                obj.baseline_total_investment = obj.total_investment
                fields.add("baseline_total_investment")
            if obj.baseline_completion is None:
                obj.baseline_completion = obj.planned_completion
                fields.add("baseline_completion")
            saved.append(obj)
        _check_units(user, policy.CHANGE, Project, moved_to)
        _full_clean_bulk(saved, unique_fields=("code",))
        now = timezone.now()
        for obj in saved:  # what Versioned.save() and auto_now do, the row being locked
            obj.version = (obj.version or 0) + 1
            obj.updated_at = now
        with acting(user):
            Project.objects.bulk_update(saved, sorted(fields), batch_size=500)
            write_history_bulk(saved, history_type="~")
    return saved


def stage_record_bulk(
    *,
    user,
    records: list[tuple[Project, str, date, str]],
    today: date | None = None,
    held: dict[int, Project] | None = None,
) -> list[StageEvent]:
    """:func:`stage_record` for many (project, stage, date, reason), in the given order
    (which must keep every intermediate state's dates in order, as one call at a time
    would). Each (project, stage) at most once. ``held``: projects by id that this
    transaction created or locked already (see :func:`_locked_projects`)."""
    today = today or clock.today()
    with transaction.atomic():
        keys = [(project.pk, stage) for project, stage, _on, _reason in records]
        if len(set(keys)) != len(keys):
            raise ValueError("stage_record_bulk records each stage of a project once")
        locked = _locked_projects((pk for pk, _stage in keys), held)
        _check_all(user, policy.CHANGE, Project, locked)
        stored: dict[tuple[int, str], StageEvent] = {}
        terminations: dict[int, Termination] = {}
        for chunk in _chunked(sorted(locked)):
            for event in StageEvent.objects.filter(project_id__in=chunk):
                stored[(event.project_id, event.stage)] = event
            for termination in Termination.objects.filter(project_id__in=chunk):
                terminations[termination.project_id] = termination
        dates: dict[int, dict[str, date]] = {}
        for (project_id, stage), event in stored.items():
            dates.setdefault(project_id, {})[stage] = event.date
        created, changed = [], []
        for project, stage, on, reason in records:
            project = locked[project.pk]
            if stage not in STAGE_ORDER:
                raise ValidationError({"stage": f"未知的阶段“{stage}”。"})
            _check_stage_applies(project, stage)
            check_stage_date(stage, on, today=today)
            event = stored.get((project.pk, stage))
            new = event is None
            event = event or StageEvent(project=project, stage=stage)
            event.project = project
            event._history_reason = correction_reason(
                stage, None if new else event.date, on, reason
            )
            known = dates.setdefault(project.pk, {})
            others = [(s, d) for s, d in known.items() if s != stage]
            _stage_dates_rule(stage, on, others, terminations.get(project.pk))
            event.date = on
            known[stage] = on
            (created if new else changed).append(event)
        _full_clean_bulk(created + changed)
        now = timezone.now()
        for event in changed:
            event.version = (event.version or 0) + 1
            event.updated_at = now
        insert_returning(StageEvent, created)
        StageEvent.objects.bulk_update(
            changed, ["date", "evidence", "version", "updated_at"], batch_size=500
        )
        for events, history_type in ((created, "+"), (changed, "~")):
            by_reason: dict = {}
            for event in events:
                by_reason.setdefault(event._history_reason, []).append(event)
            for reason, group in by_reason.items():
                with acting(user, reason=reason):
                    write_history_bulk(group, history_type=history_type)
    return created + changed


def plan_save_bulk(
    *, user, plans: list[tuple[Project, int, object]], held: dict[int, Project] | None = None
) -> list[AnnualPlan]:
    """:func:`plan_save` for many (project, year, planned investment), without months
    or expected versions. Each (project, year) at most once. ``held`` as for
    :func:`stage_record_bulk`."""
    with transaction.atomic():
        keys = [(project.pk, year) for project, year, _amount in plans]
        if len(set(keys)) != len(keys):
            raise ValueError("plan_save_bulk saves each plan once")
        locked = _locked_projects((pk for pk, _year in keys), held)
        _check_all(user, policy.CHANGE, Project, locked)
        stored: dict[tuple[int, int], AnnualPlan] = {}
        for chunk in _chunked(sorted(locked)):
            for plan in AnnualPlan.objects.filter(project_id__in=chunk):
                stored[(plan.project_id, plan.year)] = plan
        created, changed = [], []
        for project, year, amount in plans:
            plan = stored.get((project.pk, year))
            (changed if plan else created).append(
                plan := plan or AnnualPlan(project=locked[project.pk], year=year)
            )
            plan.project = locked[project.pk]
            plan.planned_investment = amount
        _full_clean_bulk(created + changed)
        now = timezone.now()
        for plan in changed:
            plan.version = (plan.version or 0) + 1
            plan.updated_at = now
        with acting(user):
            insert_returning(AnnualPlan, created)
            AnnualPlan.objects.bulk_update(
                changed, ["planned_investment", "version", "updated_at"], batch_size=500
            )
            write_history_bulk(created, history_type="+")
            write_history_bulk(changed, history_type="~")
    return created + changed


@transaction.atomic
def node_templates_apply(*, user, project: Project) -> list[Node]:
    """Make the project's node plan from its city's templates for its category (节点模板):
    each node's deadline is the planned start plus the template's days. A node of the
    same kind and name the project already has is left as it is (applying twice adds
    nothing). Returns the nodes made."""
    locked = _locked_project(project.pk)
    policy.check(user, policy.CHANGE, locked)
    if not policy.may_do(user, "apply_node_templates"):
        raise PermissionDenied(policy._denied_message(policy.CHANGE))
    if locked.planned_start is None:
        raise ValidationError({"planned_start": "项目没有计划开工日期，无法按模板推算节点期限。"})
    city_id = locked.unit.city_id
    templates = NodeTemplate.objects.filter(city_id=city_id, category=locked.category)
    if not templates.exists():
        raise ValidationError(
            f"本市尚未设定“{locked.get_category_display()}”项目的节点模板（由市级在配置中设定）。"
        )
    have = set(Node.objects.filter(project=locked).values_list("kind", "name"))
    made = []
    with acting(user, reason="按节点模板生成节点计划"):
        for template in templates.select_related("department").order_by("sort_order", "pk"):
            if (template.kind, template.name) in have:
                continue
            node = Node(
                project=locked,
                kind=template.kind,
                name=template.name,
                deadline=node_deadline(locked.planned_start, template.offset_days),
                department=template.department,
                sort_order=template.sort_order,
            )
            node.full_clean()
            node.save()
            made.append(node)
    return made


def node_deadline(planned_start: date, offset_days: int) -> date:
    """A templated node's deadline: the planned start moved by the template's days."""
    return planned_start + timedelta(days=offset_days)
