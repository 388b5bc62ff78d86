"""Reads of service and supervision: issue lists and figures, a leader's portfolio, visit
coverage and site-tour scores. Figures are computed by the database; see each docstring
for the few steps done over already-aggregated rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from ballast.alerts.selectors import warnings_as_of
from ballast.coordination.choices import IssueCategory, IssueLevel
from ballast.coordination.models import Issue, Tour, TourScore, Visit
from ballast.projects.choices import STAGE_BY_ORDER, Stage
from ballast.projects.models import Project
from ballast.projects.selectors import active_q, with_stage_as_of

TWO_PLACES = Decimal("0.01")


# --- issues ---------------------------------------------------------------------------


def issues_visible(*, user, action: str = "view") -> QuerySet[Issue]:
    """The issues ``user`` may see (department inbox, enterprise's own, unit's, city's).

    The project's name and unit come along through the issue (``select_related``); a
    department officer gets no project rows of their own.
    """
    return Issue.objects.restrict(user, action).select_related(
        "project", "project__unit", "department", "raised_by", "responsible_person"
    )


def raised_by_q(as_of: date) -> Q:
    return Q(raised_on__lte=as_of)


def closed_by_q(as_of: date) -> Q:
    """销号 on or before ``as_of``."""
    return Q(closed_on__isnull=False, closed_on__lte=as_of)


def open_q(as_of: date) -> Q:
    """Raised by ``as_of`` and not closed by then (resolved-awaiting-confirmation is open)."""
    return raised_by_q(as_of) & ~closed_by_q(as_of)


def overdue_q(as_of: date) -> Q:
    """Open on ``as_of``, its deadline passed, and not resolved by then."""
    return (
        open_q(as_of)
        & Q(deadline__lt=as_of)
        & (Q(resolved_on__isnull=True) | Q(resolved_on__gt=as_of))
    )


GROUPS = {
    "department": ("department_id", "department__name"),
    "category": ("category", "category"),
    "unit": ("project__unit__code", "project__unit__name"),
    "level": ("level", "level"),
}
_LABELS = {
    "category": dict(IssueCategory.choices),
    "level": dict(IssueLevel.choices),
}


@dataclass
class IssueFigures:
    """Issue figures of one group (a department, category, unit or level), as of a date."""

    key: object
    label: str
    raised: int = 0  # 提出总数
    open: int = 0  # 未销号
    overdue: int = 0  # 逾期
    closed: int = 0  # 已销号
    median_days_to_close: Decimal | None = None  # 销号天数中位数
    durations: list[int] = field(default_factory=list, repr=False)

    @property
    def resolution_rate(self) -> Decimal | None:
        """办结率 = closed / raised, in percent (two places)."""
        if not self.raised:
            return None
        return (Decimal(100) * self.closed / self.raised).quantize(TWO_PLACES, ROUND_HALF_UP)


class Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5)`` over a duration (an interval)."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _days_expression():
    return ExpressionWrapper(F("closed_on") - F("raised_on"), output_field=DurationField())


def _days_of(duration) -> Decimal | None:
    if duration is None:
        return None
    return (Decimal(str(duration.total_seconds())) / 86400).quantize(Decimal("0.1"), ROUND_HALF_UP)


def issue_figures(*, issues: QuerySet[Issue], as_of: date, by: str) -> list[IssueFigures]:
    """Open, overdue, closed, resolution rate and median days to close per group.

    Everything is one grouped aggregate query. The median of the days to close
    (closed_on − raised_on) is ``percentile_cont(0.5)`` on PostgreSQL; SQLite has no
    percentile aggregate, so there the per-issue durations (computed by the database) of
    each group are read as a list and the median taken in Python — the same number.
    Issues without a department fall in the group ``None`` ("未指定").
    """
    if by not in GROUPS:
        raise ValueError(f"unknown grouping: {by}")
    key_field, label_field = GROUPS[by]
    scoped = issues.filter(raised_by_q(as_of)).order_by()
    in_sql = connection.vendor == "postgresql"
    extra = {"median": Median(_days_expression(), filter=closed_by_q(as_of))} if in_sql else {}
    rows = scoped.values(key_field, label_field).annotate(
        raised=Count("pk"),
        open=Count("pk", filter=open_q(as_of)),
        overdue=Count("pk", filter=overdue_q(as_of)),
        closed=Count("pk", filter=closed_by_q(as_of)),
        **extra,
    )
    result: dict[object, IssueFigures] = {}
    for row in rows:
        key = row[key_field]
        label = row[label_field]
        label = _LABELS.get(by, {}).get(label, label) or "未指定"
        result[key] = IssueFigures(
            key=key,
            label=str(label),
            raised=row["raised"],
            open=row["open"],
            overdue=row["overdue"],
            closed=row["closed"],
            median_days_to_close=_days_of(row.get("median")),
        )
    if not in_sql:
        for key, days in _durations(scoped, as_of).values_list(key_field, "days"):
            result[key].durations.append(days.days)
        for figures in result.values():
            figures.median_days_to_close = _median(figures.durations)
    return sorted(result.values(), key=lambda f: (f.label, str(f.key)))


def issue_totals(*, issues: QuerySet[Issue], as_of: date) -> IssueFigures:
    """The same figures over all ``issues`` together (合计)."""
    scoped = issues.filter(raised_by_q(as_of)).order_by()
    counts = scoped.aggregate(
        raised=Count("pk"),
        open=Count("pk", filter=open_q(as_of)),
        overdue=Count("pk", filter=overdue_q(as_of)),
        closed=Count("pk", filter=closed_by_q(as_of)),
    )
    if connection.vendor == "postgresql":
        median_days = scoped.aggregate(m=Median(_days_expression(), filter=closed_by_q(as_of)))["m"]
        figures = IssueFigures(key=None, label="合计", **counts)
        figures.median_days_to_close = _days_of(median_days)
        return figures
    figures = IssueFigures(key=None, label="合计", **counts)
    figures.durations = [d.days for d in _durations(scoped, as_of).values_list("days", flat=True)]
    figures.median_days_to_close = _median(figures.durations)
    return figures


def _durations(scoped: QuerySet[Issue], as_of: date) -> QuerySet[Issue]:
    """Closed issues annotated with ``days`` = closed_on − raised_on (by the database)."""
    return scoped.filter(closed_by_q(as_of)).annotate(days=_days_expression())


def _median(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return Decimal(str(median(values))).quantize(Decimal("0.1"), ROUND_HALF_UP)


# --- linked leaders -------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioRow:
    """One project of a leader's portfolio (挂钩项目)."""

    project: Project
    stage: str | None
    stage_label: str
    open_issues: int
    last_visit: date | None
    warnings: tuple = ()


def leader_portfolio(*, leader, as_of: date) -> list[PortfolioRow]:
    """A linked leader's (挂钩领导) projects: stage as of the date, warnings, open issues
    and the last visit by anyone, all from annotations; largest projects first."""
    open_count = (
        Issue.objects.filter(project=OuterRef("pk"))
        .filter(open_q(as_of))
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last_visit = (
        Visit.objects.filter(project=OuterRef("pk"), date__lte=as_of)
        .order_by()
        .values("project")
        .annotate(last=Max("date"))
        .values("last")
    )
    projects = with_stage_as_of(
        Project.objects.filter(leaders=leader).select_related("unit"), as_of
    ).annotate(
        open_issues=Coalesce(Subquery(open_count, output_field=IntegerField()), 0),
        last_visit=Subquery(last_visit),
    )
    projects = list(projects.order_by("-total_investment", "pk"))
    warnings_by_project: dict[int, list] = {}
    if projects:
        for warning in warnings_as_of(
            projects=Project.objects.filter(pk__in=[p.pk for p in projects]), as_of=as_of
        ):
            warnings_by_project.setdefault(warning.project_id, []).append(warning)
    rows = []
    for project in projects:
        stage = STAGE_BY_ORDER.get(project.stage_seq) if project.stage_seq else None
        rows.append(
            PortfolioRow(
                project=project,
                stage=stage,
                stage_label=Stage(stage).label if stage else "未录入",
                open_issues=project.open_issues,
                last_visit=project.last_visit,
                warnings=tuple(warnings_by_project.get(project.pk, ())),
            )
        )
    return rows


# --- visits (家家到) --------------------------------------------------------------------


@dataclass(frozen=True)
class VisitCoverage:
    """Share of active projects visited by one of their linked leaders in a period."""

    active: int
    visited: int
    not_visited: QuerySet[Project]

    @property
    def share(self) -> Decimal | None:
        """覆盖率 in percent, two places."""
        if not self.active:
            return None
        return (Decimal(100) * self.visited / self.active).quantize(TWO_PLACES, ROUND_HALF_UP)


def visit_coverage(*, projects: QuerySet[Project], start: date, end: date) -> VisitCoverage:
    """家家到 coverage over [start, end]: the projects active on ``end`` (not suspended or
    terminated) and, of them, those a *linked leader of that project* visited in the
    period. A project with no linked leader counts as not visited."""
    by_own_leader = Visit.objects.filter(
        project=OuterRef("pk"),
        date__gte=start,
        date__lte=end,
        visitor__linked_projects=OuterRef("pk"),
    )
    active = projects.filter(active_q(end)).annotate(visited=Exists(by_own_leader))
    # the Exists goes into the aggregate's filter itself (filtering on the annotation's
    # alias inside an aggregate is not reliable across backends)
    counts = (
        projects.filter(active_q(end))
        .order_by()
        .aggregate(active=Count("pk"), visited=Count("pk", filter=Q(Exists(by_own_leader))))
    )
    return VisitCoverage(
        active=counts["active"],
        visited=counts["visited"],
        not_visited=active.filter(visited=False),
    )


# --- site tours (观摩) ------------------------------------------------------------------


def tour_judge_totals(tour: Tour) -> dict[int, list[tuple[int, Decimal]]]:
    """Per shown project (TourProject id), each judge's total — the sum of their points
    over the criteria, summed by the database — as ``(judge_id, total)`` pairs."""
    totals = (
        TourScore.objects.filter(tour_project__tour=tour)
        .order_by()
        .values("tour_project_id", "judge_id")
        .annotate(total=Sum("points"))
        .values_list("tour_project_id", "judge_id", "total")
    )
    # SQLite sums decimals as floats: bring the total back to the points' exact scale.
    scale = Decimal(1).scaleb(-TourScore._meta.get_field("points").decimal_places)
    by_project: dict[int, list[tuple[int, Decimal]]] = {}
    for tour_project_id, judge_id, total in totals:
        exact = Decimal(str(total)).quantize(scale, ROUND_HALF_UP)
        by_project.setdefault(tour_project_id, []).append((judge_id, exact))
    return by_project


def _trimmed_mean(values: list[Decimal]) -> Decimal:
    """Drop the single highest and single lowest value when there are three or more
    (去掉一个最高分和一个最低分), then average; unrounded."""
    kept = sorted(values)[1:-1] if len(values) >= 3 else list(values)
    return sum(kept, Decimal(0)) / len(kept)


def _project_means(tour: Tour) -> dict[int, Decimal]:
    return {
        tour_project_id: _trimmed_mean([total for _, total in pairs])
        for tour_project_id, pairs in tour_judge_totals(tour).items()
    }


def tour_project_scores(tour: Tour) -> dict[int, Decimal]:
    """Each shown project's score: the judges' totals, the single highest and single
    lowest total dropped when there are at least three judges (with two judges or one,
    nothing is dropped), the rest averaged; two places, half up.

    Keys are TourProject ids. Projects no judge scored are left out.
    """
    return {
        pk: mean.quantize(TWO_PLACES, ROUND_HALF_UP) for pk, mean in _project_means(tour).items()
    }


def tour_unit_scores(tour: Tour) -> dict[str, Decimal]:
    """Each unit's tour score: the mean of its shown projects' (unrounded) scores, rounded
    to two places at the end. Keys are unit codes (e.g. ``"321081"``).

    The same rule as ``ballast.assessments.selectors.manual_unit_scores``, so a tour
    published to an assessment indicator gives the same unit scores there.
    """
    means = _project_means(tour)
    units: dict[str, list[Decimal]] = {}
    for tour_project_id, unit_code in tour.tour_projects.filter(pk__in=means).values_list(
        "pk", "project__unit__code"
    ):
        units.setdefault(unit_code, []).append(means[tour_project_id])
    return {
        code: (sum(scores, Decimal(0)) / len(scores)).quantize(TWO_PLACES, ROUND_HALF_UP)
        for code, scores in sorted(units.items())
    }


@dataclass(frozen=True)
class Sla:
    """The clock of 重大事项不过夜 for one major issue: acknowledged by the end of the day
    it was raised (local midnight). ``state``: ``running`` (time left), ``late`` (past
    midnight, not acknowledged), ``met`` or ``missed`` (acknowledged in time or not)."""

    due: datetime
    state: str
    minutes_left: int

    @property
    def left(self) -> str:
        hours, minutes = divmod(max(self.minutes_left, 0), 60)
        return f"{hours}:{minutes:02d}"


def major_sla(issue: Issue, now: datetime) -> Sla | None:
    """The same-day acknowledgement clock of a major issue (None for other issues)."""
    if not issue.is_major:
        return None
    tz = timezone.get_current_timezone()
    due = datetime.combine(issue.raised_on + timedelta(days=1), time.min, tzinfo=tz)
    if issue.acknowledged_at is not None:
        return Sla(due, "met" if issue.acknowledged_at < due else "missed", 0)
    minutes = int((due - now).total_seconds() // 60)
    return Sla(due, "running" if minutes > 0 else "late", minutes)
