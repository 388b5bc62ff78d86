"""Writes of service and supervision: issues and their flow, escalation, enterprise
contacts, visits and site tours.

Every service is keyword-only, runs in one transaction and re-checks the access policy
inside it. New rows are saved first and then checked with :func:`policy.check` (the
NetBox way: the saved object must lie inside what the user may do), so the one scope
rule of ``accounts/policy.py`` decides for clerks, departments and enterprises alike.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, CharField, F, Q, Value, When
from django.utils import timezone

from ballast.accounts import policy
from ballast.assessments.services import manual_scores_set
from ballast.coordination import notifications
from ballast.coordination.choices import (
    PENDING_STATUSES,
    EscalationReason,
    IssueLevel,
    IssueStatus,
    NoticeKind,
)
from ballast.coordination.models import (
    EscalationRule,
    Issue,
    IssueStep,
    ProjectContact,
    Tour,
    TourCriterion,
    TourJudge,
    TourProject,
    TourScore,
    Visit,
)
from ballast.coordination.selectors import tour_judge_totals
from ballast.core.concurrency import check_version
from ballast.core.history import acting
from ballast.regions.models import cities_containing, within

ISSUE_FIELDS = (
    "category",
    "description",
    "raised_on",
    "is_major",
    "level",
    "department",
    "responsible_person",
    "responsible_name",
    "deadline",
    "visit",
)
# What the answering side may change after raising (not who raised it or when).
ISSUE_CHANGE_FIELDS = (
    "category",
    "description",
    "is_major",
    "level",
    "department",
    "responsible_person",
    "responsible_name",
    "deadline",
)


def local_date(moment: datetime | date) -> date:
    """The calendar date of ``moment`` in the city's time zone (a date stays itself)."""
    if isinstance(moment, datetime):
        if timezone.is_aware(moment):
            return timezone.localtime(moment).date()
        return moment.date()
    return moment


def _locked(issue: Issue, expected_version: int | None = None, attempted=None) -> Issue:
    """The issue locked for a write, at ``expected_version`` when the caller knows one
    (a form's hidden field, the API's If-Match): a stale one raises StaleObjectError."""
    locked = (
        Issue.objects.select_for_update(of=("self",))
        .select_related("project", "project__unit", "department")
        .get(pk=issue.pk)
    )
    check_version(locked, expected_version, attempted=attempted, flow=attempted is None)
    return locked


def _expect(issue: Issue, *statuses) -> None:
    if issue.status not in statuses:
        wanted = "、".join(IssueStatus(s).label for s in statuses)
        raise ValidationError(
            {
                "status": f"问题当前为“{issue.get_status_display()}”，只有“{wanted}”的问题可以这样办理。"
            }
        )


def check_raiser_side(user, issue: Issue) -> None:
    """Confirming or reopening is the raiser's (or the city administrator's) to do."""
    if policy.holds(user, "confirm_any_issue") or user.pk == issue.raised_by_id:
        return
    raise PermissionDenied("只有问题提出人或市级管理员可以确认销号或重新打开。")


def _unknown(data: dict, allowed) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"unknown issue fields: {sorted(unknown)}")


# --- issues ---------------------------------------------------------------------------


@transaction.atomic
def issue_raise(*, user, project, data: dict, steps=(), now: datetime | None = None) -> Issue:
    """Raise a coordination issue on ``project`` (unit clerk, department or enterprise).

    A department officer's issue is assigned to their own department unless another is
    given; the saved issue must lie in the raiser's scope (policy), so an enterprise can
    raise only on its own projects and a department only for itself. ``steps`` are
    ``(planned_on, description)`` pairs of the roadmap. The escalation rules run at once.
    """
    _unknown(data, ISSUE_FIELDS)
    now = now or timezone.now()
    if not policy.may(user, policy.ADD, Issue):
        raise PermissionDenied(policy._denied_message(policy.ADD))
    values = dict(data)
    values.setdefault("raised_on", local_date(now))
    if policy.holds(user, "answer_for_department") and not values.get("department"):
        values["department"] = user.department
    issue = Issue(project=project, raised_by=user, status=IssueStatus.OPEN, **values)
    issue.full_clean()
    with acting(user, reason="提出问题"):
        issue.save()
        policy.check(user, policy.ADD, issue)
        for planned_on, description in steps:
            step = IssueStep(issue=issue, planned_on=planned_on, description=description)
            step.full_clean()
            step.save()
    notifications.notify_issue_assigned(issue)
    escalate_issues(as_of=now, issues=Issue.objects.filter(pk=issue.pk))
    issue.refresh_from_db()
    return issue


@transaction.atomic
def issue_update(
    *, user, issue: Issue, data: dict, reason: str = "", expected_version: int | None = None
) -> Issue:
    """Change an issue's category, description, department, person, deadline or level
    (交办: a city or unit officer assigns department, person and deadline)."""
    _unknown(data, ISSUE_CHANGE_FIELDS)
    issue = _locked(issue)
    policy.check(user, policy.CHANGE, issue)
    check_version(issue, expected_version, attempted=data)
    # The answering department may hand the issue on (转办), name its person and agree a
    # deadline (as in the admin); the web's assignment form is the city's and the unit's
    # (policy "assign_issue"). A person picked must be of the department or in scope.
    setting = {f for f, v in data.items() if v != getattr(issue, f)}
    person = data.get("responsible_person")
    if person is not None and "responsible_person" in setting:
        department = data.get("department", issue.department)
        of_department = department is not None and person.department_id == department.pk
        if not of_department:
            policy.check_user_choice(user, person, field="responsible_person")
    if issue.status == IssueStatus.CLOSED:
        raise ValidationError({"status": "已销号的问题不能修改，请先重新打开。"})
    old_department = issue.department_id
    old_person = issue.responsible_person_id
    for field, value in data.items():
        setattr(issue, field, value)
    issue.full_clean()
    with acting(user, reason=reason or None):
        issue.save()
        # Still in scope after the change (a department cannot hand an issue away and
        # keep editing; the receiving department gets it).
        if not policy.holds(user, "answer_for_department"):
            policy.check(user, policy.CHANGE, issue)
    if issue.department_id != old_department or issue.responsible_person_id != old_person:
        notifications.notify_issue_assigned(issue)
    return issue


@transaction.atomic
def issue_acknowledge(
    *, user, issue: Issue, now: datetime | None = None, expected_version: int | None = None
) -> Issue:
    """受理: the answering side acknowledges an open issue (major ones the same day)."""
    now = now or timezone.now()
    issue = _locked(issue, expected_version)
    policy.check(user, policy.PROGRESS, issue)
    _expect(issue, IssueStatus.OPEN)
    issue.status = IssueStatus.ACCEPTED
    issue.acknowledged_at = now
    with acting(user, reason="受理"):
        issue.save()
    if issue.is_major and local_date(now) > issue.raised_on:
        notifications.notify_issue(issue, NoticeKind.ISSUE_ACK_LATE)
    return issue


@transaction.atomic
def issue_start(*, user, issue: Issue, expected_version: int | None = None) -> Issue:
    """Start working on an acknowledged issue (办理中)."""
    issue = _locked(issue, expected_version)
    policy.check(user, policy.PROGRESS, issue)
    _expect(issue, IssueStatus.ACCEPTED)
    issue.status = IssueStatus.IN_PROGRESS
    with acting(user, reason="开始办理"):
        issue.save()
    return issue


@transaction.atomic
def issue_step_add(
    *, user, issue: Issue, planned_on: date, description: str, owner: str = ""
) -> IssueStep:
    """Add a dated step with its owner to the issue's roadmap (路线图: 明确责任人、列出进度表);
    the raiser is told. The step has its own history row (shown on the issue's page)."""
    issue = _locked(issue)
    policy.check(user, policy.PROGRESS, issue)
    if not policy.may_do(user, "edit_roadmap"):
        raise PermissionDenied(policy._denied_message(policy.PROGRESS))
    if issue.status == IssueStatus.CLOSED:
        raise ValidationError({"status": "已销号的问题不能再添加步骤。"})
    step = IssueStep(
        issue=issue, planned_on=planned_on, description=description, owner=(owner or "").strip()
    )
    step.full_clean()
    with acting(user, reason=f"路线图：{planned_on} {description}"):
        step.save()
    notifications.notify_issue(
        issue, NoticeKind.ISSUE_STEP, extra=f"路线图新增：{step}", event=f"s{step.pk}:added"
    )
    return step


@transaction.atomic
def issue_step_done(
    *, user, step: IssueStep, on: date, outcome: str = "", today: date | None = None
) -> IssueStep:
    """Mark a roadmap step done on ``on`` with its outcome (not in the future)."""
    step = IssueStep.objects.select_for_update().get(pk=step.pk)
    policy.check(user, policy.PROGRESS, step)
    if not policy.may_do(user, "edit_roadmap"):
        raise PermissionDenied(policy._denied_message(policy.PROGRESS))
    if on > (today or local_date(timezone.now())):
        raise ValidationError({"done_on": "完成日期不能晚于今天。"})
    issue = _locked(step.issue)
    step.done_on = on
    step.outcome = (outcome or "").strip()
    step.full_clean()
    with acting(user, reason=f"路线图完成：{step.description}"):
        step.save()
    notifications.notify_issue(
        issue,
        NoticeKind.ISSUE_STEP,
        extra=f"步骤完成：{step}（{on}）",
        event=f"s{step.pk}:done:{on}",
    )
    return step


@transaction.atomic
def issue_resolve(
    *, user, issue: Issue, on: date, resolution: str, expected_version: int | None = None
) -> Issue:
    """办结: the answering side reports the issue solved; the raiser is to confirm."""
    if not (resolution or "").strip():
        raise ValidationError({"resolution": "办结须填写办理结果。"})
    issue = _locked(issue, expected_version)
    policy.check(user, policy.PROGRESS, issue)
    _expect(issue, IssueStatus.ACCEPTED, IssueStatus.IN_PROGRESS)
    if on < issue.raised_on:
        raise ValidationError({"resolved_on": "办结日期不能早于提出日期。"})
    issue.status = IssueStatus.RESOLVED
    issue.resolved_on = on
    issue.resolution = resolution.strip()
    with acting(user, reason=f"办结：{resolution.strip()}"):
        issue.save()
    notifications.notify_issue(issue, NoticeKind.ISSUE_RESOLVED)
    return issue


@transaction.atomic
def issue_close(*, user, issue: Issue, on: date, expected_version: int | None = None) -> Issue:
    """销号: the raiser confirms the resolution; the issue is closed."""
    issue = _locked(issue, expected_version)
    policy.check(user, policy.CONFIRM, issue)
    check_raiser_side(user, issue)
    _expect(issue, IssueStatus.RESOLVED)
    if on < issue.resolved_on:
        raise ValidationError({"closed_on": "销号日期不能早于办结日期。"})
    issue.status = IssueStatus.CLOSED
    issue.closed_on = on
    with acting(user, reason="确认销号"):
        issue.save()
    notifications.notify_issue(issue, NoticeKind.ISSUE_CLOSED)
    return issue


@transaction.atomic
def issue_reopen(*, user, issue: Issue, reason: str, expected_version: int | None = None) -> Issue:
    """Reopen a resolved or closed issue with a reason; it goes back to 办理中."""
    if not (reason or "").strip():
        raise ValidationError({"reopen_reason": "重新打开须填写原因。"})
    issue = _locked(issue, expected_version)
    policy.check(user, policy.CONFIRM, issue)
    check_raiser_side(user, issue)
    _expect(issue, IssueStatus.RESOLVED, IssueStatus.CLOSED)
    issue.status = IssueStatus.IN_PROGRESS
    issue.resolved_on = None
    issue.closed_on = None
    issue.reopen_count += 1
    issue.reopen_reason = reason.strip()
    with acting(user, reason=f"重新打开：{reason.strip()}"):
        issue.save()
    notifications.notify_issue(issue, NoticeKind.ISSUE_REOPENED)
    return issue


# --- escalation -----------------------------------------------------------------------


def escalation_conditions(rule: EscalationRule, as_of: date) -> list[tuple[str, Q]]:
    """The city's escalation rules as filters over issues, in order of precedence."""
    conditions = []
    if rule.major_same_day:
        # 重大事项不过夜: not acknowledged on the day it was raised.
        conditions.append(
            (
                EscalationReason.MAJOR_NOT_ACKNOWLEDGED,
                Q(is_major=True, raised_on__lt=as_of)
                & (Q(acknowledged_at__isnull=True) | Q(acknowledged_at__date__gt=F("raised_on"))),
            )
        )
    if rule.overdue:
        conditions.append(
            (
                EscalationReason.OVERDUE,
                Q(deadline__lt=as_of, status__in=PENDING_STATUSES),
            )
        )
    if rule.large_project_threshold is not None:
        conditions.append(
            (
                EscalationReason.LARGE_PROJECT,
                Q(project__total_investment__gte=rule.large_project_threshold),
            )
        )
    return conditions


def escalate_issues(*, as_of: datetime | date, issues=None) -> list[Issue]:
    """Raise to the city level every unit-level issue that meets its city's rules.

    Each issue is escalated exactly once: ``escalated_at`` and the reason are recorded,
    and an issue already escalated (or raised at city level) is never touched again. Runs
    from ``send_notifications`` and when an issue is raised. ``issues`` narrows the
    candidates (default: all). Safe to run concurrently: each row is re-checked under
    its lock. ``escalated_at`` is ``as_of`` when it is a moment; given only a date, the
    rules are judged on that date and ``escalated_at`` records when the run happened.
    """
    moment = as_of if isinstance(as_of, datetime) else timezone.now()
    day = local_date(as_of)
    candidates = (
        (issues if issues is not None else Issue.objects.all())
        .filter(level=IssueLevel.UNIT, escalated_at__isnull=True, raised_on__lte=day)
        .exclude(status=IssueStatus.CLOSED)
    )
    unit_ids = set(candidates.values_list("project__unit_id", flat=True).distinct())
    escalated = []
    for city in cities_containing(unit_ids):
        conditions = escalation_conditions(EscalationRule.for_city(city), day)
        if not conditions:
            continue
        reason = Case(
            *[When(q, then=Value(str(key))) for key, q in conditions],
            default=Value(""),
            output_field=CharField(),
        )
        rows = (
            candidates.filter(within("project__unit", city))
            .annotate(reason=reason)
            .exclude(reason="")
            .values_list("pk", "reason")
        )
        for pk, key in rows:
            issue = _escalate_one(pk, key, moment)
            if issue is not None:
                escalated.append(issue)
    return escalated


@transaction.atomic
def _escalate_one(pk: int, reason: str, moment: datetime) -> Issue | None:
    issue = Issue.objects.select_for_update(of=("self",)).select_related("project").get(pk=pk)
    if issue.escalated_at is not None or issue.level != IssueLevel.UNIT:
        return None  # another run got there first
    issue.level = IssueLevel.CITY
    issue.escalated_at = moment
    issue.escalation_reason = reason
    label = EscalationReason(reason).label
    with acting(reason=f"升级市级协调：{label}", source="command"):
        issue.save()
    notifications.notify_issue(issue, NoticeKind.ISSUE_ESCALATED)
    return issue


# --- enterprise contacts --------------------------------------------------------------


@transaction.atomic
def contact_add(*, user, project, contact) -> ProjectContact:
    """Link an enterprise user to a project (the project's unit clerk or the city).

    The contact must be an enterprise user of the project's unit, inside the linking
    person's scope (policy.users_for) — linking gives them the project's data."""
    if not policy.holds(contact, "be_project_contact"):
        raise ValidationError({"user": "只能关联企业用户。"})
    if contact.region_id != project.unit_id:
        raise ValidationError({"user": "企业联系人须为项目所在板块的企业用户。"})
    link = ProjectContact(project=project, user=contact)
    link.full_clean()
    with acting(user):
        link.save()
        policy.check(user, policy.CHANGE, link)
        policy.check_user_choice(
            user, contact, roles=policy.duty_roles("be_project_contact"), unit=project.unit
        )
    return link


@transaction.atomic
def contact_remove(*, user, link: ProjectContact) -> None:
    policy.check(user, policy.CHANGE, link)
    with acting(user):
        link.delete()


# --- visits ---------------------------------------------------------------------------


@transaction.atomic
def visit_record(
    *, user, project, on: date, kind: str, findings: str = "", visitor=None, issues=()
) -> Visit:
    """Record a visit (家家到); ``issues`` are ``(data, steps)`` raised on the spot."""
    visit = Visit(project=project, visitor=visitor or user, date=on, kind=kind, findings=findings)
    visit.full_clean()
    with acting(user):
        visit.save()
        policy.check(user, policy.ADD, visit)
    for data, steps in issues:
        issue_raise(
            user=user,
            project=project,
            data={"raised_on": on, **data, "visit": visit},
            steps=steps,
        )
    return visit


# --- site tours -----------------------------------------------------------------------


@transaction.atomic
def tour_create(
    *, user, city, name: str, on: date, period: str, criteria=(), judges=(), projects=()
) -> Tour:
    """Create a tour with its criteria ``(name, max_points)``, judges (users or names) and
    the projects shown, in visiting order."""
    tour = Tour(city=city, name=name, date=on, period=period)
    tour.full_clean()
    with acting(user):
        tour.save()
        policy.check(user, policy.ADD, tour)
        for index, (criterion_name, max_points) in enumerate(criteria):
            c = TourCriterion(
                tour=tour, name=criterion_name, max_points=Decimal(max_points), sort_order=index
            )
            c.full_clean()
            c.save()
        for judge in judges:
            if isinstance(judge, str):
                j = TourJudge(tour=tour, name=judge)
            else:
                j = TourJudge(tour=tour, user=judge, name=str(judge))
            j.full_clean()
            j.save()
        for order, project in enumerate(projects):
            if not city.contains(project.unit):
                raise ValidationError({"project": f"项目“{project}”不属于本市。"})
            tp = TourProject(tour=tour, project=project, visit_order=order)
            tp.full_clean()
            tp.save()
    return tour


@transaction.atomic
def tour_score_set(
    *, user, judge: TourJudge, tour_project: TourProject, criterion: TourCriterion, points
) -> TourScore:
    """Enter (or correct) one judge's points for one criterion of one shown project.

    A judge who is a user enters their own scores; the city administrator enters the
    scores of judges who are only names (from their paper sheets).
    """
    tour = Tour.objects.select_for_update().get(pk=judge.tour_id)
    policy.check(user, policy.SCORE, tour)
    if tour.closed_on is not None:
        raise ValidationError({"points": f"该观摩已于 {tour.closed_on} 截止评分，不能再修改。"})
    own = judge.user_id is not None and judge.user_id == user.pk
    if not own and not policy.may(user, policy.CHANGE, Tour):
        raise PermissionDenied("只能录入本人作为评委的评分。")
    score = TourScore.objects.filter(
        judge=judge, tour_project=tour_project, criterion=criterion
    ).first() or TourScore(judge=judge, tour_project=tour_project, criterion=criterion)
    score.points = Decimal(points)
    score.full_clean()
    with acting(user):
        score.save()
    return score


@transaction.atomic
def tour_close(*, user, tour: Tour, on: date) -> Tour:
    """截止评分: no score changes after it, and the judges see each other's scores."""
    tour = Tour.objects.select_for_update().get(pk=tour.pk)
    policy.check(user, policy.CHANGE, tour)
    if tour.closed_on is not None:
        raise ValidationError({"closed_on": f"该观摩已于 {tour.closed_on} 截止评分。"})
    if on < tour.date:
        raise ValidationError({"closed_on": "截止日期不能早于观摩日期。"})
    tour.closed_on = on
    tour.full_clean()
    with acting(user, reason="截止评分"):
        tour.save()
    return tour


def tour_publish_to_assessment(*, user, tour: Tour, indicator, period: str | None = None):
    """Feed a tour's scores to a ``manual`` indicator of an assessment scheme.

    For each unit, every shown project gets one entry per judge: the judge's total over
    the criteria. The assessments app then drops each project's highest and lowest judge
    total and averages — the rule of :func:`selectors.tour_unit_scores`. Returns the
    entries written, per unit code.
    """
    period = period or tour.period
    totals = tour_judge_totals(tour)
    judges = dict(TourJudge.objects.filter(tour=tour).values_list("pk", "name"))
    written = {}
    tour_projects = (
        TourProject.objects.filter(tour=tour, pk__in=totals)
        .select_related("project", "project__unit")
        .order_by("project__unit__code", "pk")
    )
    by_unit: dict = {}
    for tp in tour_projects:
        by_unit.setdefault(tp.project.unit, []).append(tp)
    with transaction.atomic():
        for unit, tps in by_unit.items():
            scores = [
                {"judge": judges[judge_id], "score": total, "project": tp.project}
                for tp in tps
                for judge_id, total in totals[tp.pk]
            ]
            written[unit.code] = manual_scores_set(
                user=user, indicator=indicator, period=period, unit=unit, scores=scores
            )
    return written
