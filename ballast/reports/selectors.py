"""Reads of monthly reports: who must report for a month, and the sums around a report.

Only reports accepted by the city count in figures (DOMAIN.md "Plans and monthly
reports"); the sums here follow that rule.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    DecimalField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from ballast.core.periods import month_end, month_start
from ballast.projects.choices import Stage
from ballast.projects.models import AnnualPlan, Project
from ballast.projects.selectors import active_q, reached_by
from ballast.reports.choices import DEFAULT_DEADLINE_DAY
from ballast.reports.models import MonthlyReport, ReportingRule

MONEY = DecimalField(max_digits=18, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)


def deadline_day(*, city) -> int:
    """The day of the next month on which a month's reports are due in ``city`` (its
    ``ReportingRule``; the 5th without one, or when ``city`` is None)."""
    if city is None:
        return DEFAULT_DEADLINE_DAY
    day = ReportingRule.objects.filter(city=city).values_list("deadline_day", flat=True).first()
    return day or DEFAULT_DEADLINE_DAY


def must_report_q(month: date) -> Q:
    """A project must report for ``month`` when, by the month's end, it had started, was
    on the line (not suspended or terminated), and had not completed before the month began.
    """
    first, last = month_start(month), month_end(month)
    return (
        Q(reached_by(Stage.STARTED, last))
        & ~Q(reached_by(Stage.COMPLETED, first - timedelta(days=1)))
        & active_q(last)
    )


def projects_due(*, projects: QuerySet[Project], month: date) -> QuerySet[Project]:
    """The projects of ``projects`` that must report for ``month``, each annotated with its
    report of that month (``report_id``, ``report_status``, ``report_return_reason``,
    ``report_investment``; None when there is none yet)."""
    month = month_start(month)
    this_month = MonthlyReport.objects.filter(project=OuterRef("pk"), month=month)
    return projects.filter(must_report_q(month)).annotate(
        report_id=Subquery(this_month.values("pk")[:1]),
        report_status=Subquery(this_month.values("status")[:1]),
        report_return_reason=Subquery(this_month.values("return_reason")[:1]),
        report_investment=Subquery(this_month.values("investment")[:1]),
    )


def _accepted_sum(**filters) -> Coalesce:
    rows = (
        MonthlyReport.objects.counted()
        .filter(**filters)
        .order_by()
        .values("project")
        .annotate(total=Sum("investment"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=MONEY), ZERO)


def with_report_context(reports: QuerySet[MonthlyReport]) -> QuerySet[MonthlyReport]:
    """Annotate each report with what a reviewer weighs it against, all before its month:

    * ``plan_investment`` — the project's annual plan for the report's year (None: no plan);
    * ``year_before`` — accepted investment of the same year in earlier months;
    * ``since_start_before`` — accepted investment of all earlier months.

    Year-to-date including the report is ``year_before + investment``.
    """
    plan = AnnualPlan.objects.filter(
        project=OuterRef("project_id"), year=OuterRef("month__year")
    ).values("planned_investment")[:1]
    return reports.annotate(
        plan_investment=Subquery(plan, output_field=MONEY),
        year_before=_accepted_sum(
            project=OuterRef("project_id"),
            month__year=OuterRef("month__year"),
            month__lt=OuterRef("month"),
        ),
        since_start_before=_accepted_sum(
            project=OuterRef("project_id"), month__lt=OuterRef("month")
        ),
    )


def since_start_others(*, project, month: date) -> Decimal:
    """Accepted investment of ``project`` in every month other than ``month`` (万元)."""
    return (
        MonthlyReport.objects.counted()
        .filter(project=project)
        .exclude(month=month_start(month))
        .aggregate(s=Coalesce(Sum("investment"), ZERO))["s"]
    )


def report_sums(*, project: Project, month: date) -> dict:
    """The sums the entry form shows for ``project``'s report of ``month``: the year's plan,
    accepted investment of the year before the month, and since the start before the month."""
    month = month_start(month)
    plan = AnnualPlan.objects.filter(project=project, year=month.year).first()
    sums = (
        MonthlyReport.objects.counted()
        .filter(project=project, month__lt=month)
        .aggregate(
            year_before=Coalesce(Sum("investment", filter=Q(month__year=month.year)), ZERO),
            since_start_before=Coalesce(Sum("investment"), ZERO),
        )
    )
    return {
        "plan_investment": plan.planned_investment if plan else None,
        "year_before": sums["year_before"],
        "since_start_before": sums["since_start_before"],
        # what the entry rule adds this month to (reports/rules.py): every other month
        "since_start_others": since_start_others(project=project, month=month),
        "total_investment": project.total_investment,
    }


def accepted_by_month(*, project: Project, year: int) -> dict[int, Decimal]:
    """Accepted investment of ``project`` per month of ``year`` (month → 万元)."""
    rows = (
        MonthlyReport.objects.counted()
        .filter(project=project, month__year=year)
        .order_by()
        .values_list("month", "investment")
    )
    return {m.month: amount for m, amount in rows}
