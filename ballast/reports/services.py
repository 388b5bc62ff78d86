"""The monthly report flow: draft → submitted → unit approved → accepted and locked.

Each step re-checks access inside the transaction with the row locked, so a report of
unit A can never be approved by a person of unit B, and two reviewers cannot both act
on the same report.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ballast.accounts import policy
from ballast.core.history import acting
from ballast.core.periods import add_months, month_start
from ballast.projects.models import Project
from ballast.reports.choices import ReportStatus
from ballast.reports.models import MonthlyReport, ReportingRule

REPORT_FIELDS = ("investment", "progress", "percent_complete", "problems", "suggestions")
DEFAULT_DEADLINE_DAY = 5


def deadline_for(*, city, month: date) -> date:
    """The day the report for ``month`` is due: the rule's day of the next month."""
    rule = ReportingRule.objects.filter(city=city).first() if city is not None else None
    day = rule.deadline_day if rule else DEFAULT_DEADLINE_DAY
    return add_months(month_start(month), 1).replace(day=day)


def _locked(report: MonthlyReport) -> MonthlyReport:
    return (
        MonthlyReport.objects.select_for_update().select_related("project__unit").get(pk=report.pk)
    )


def _expect(report: MonthlyReport, *statuses) -> None:
    if report.status not in statuses:
        names = "、".join(ReportStatus(s).label for s in statuses)
        raise ValidationError(
            f"该填报当前为“{report.get_status_display()}”，只有“{names}”状态才能进行此操作。"
        )


@transaction.atomic
def report_save(*, user, project: Project, month: date, data: dict) -> MonthlyReport:
    """Create or change a draft report of ``project`` for ``month``."""
    unknown = set(data) - set(REPORT_FIELDS)
    if unknown:
        raise ValueError(f"unknown report fields: {sorted(unknown)}")
    month = month_start(month)
    report = MonthlyReport.objects.select_for_update().filter(project=project, month=month).first()
    if report is None:
        policy.check_unit(user, policy.ADD, MonthlyReport, project.unit)
        report = MonthlyReport(project=project, month=month)
    else:
        policy.check(user, policy.CHANGE, report)
        _expect(report, ReportStatus.DRAFT)
    for field, value in data.items():
        setattr(report, field, value)
    report.full_clean()
    with acting(user):
        report.save()
    return report


@transaction.atomic
def report_submit(*, user, report: MonthlyReport) -> MonthlyReport:
    """The unit clerk submits a draft to the unit reviewer."""
    report = _locked(report)
    policy.check(user, policy.SUBMIT, report)
    _expect(report, ReportStatus.DRAFT)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at, report.submitted_by = timezone.now(), user
    report.full_clean()
    with acting(user, reason="报送"):
        report.save()
    return report


@transaction.atomic
def report_approve(*, user, report: MonthlyReport) -> MonthlyReport:
    """The unit reviewer approves a submitted report for the city."""
    report = _locked(report)
    policy.check(user, policy.APPROVE, report)
    _expect(report, ReportStatus.SUBMITTED)
    report.status = ReportStatus.UNIT_APPROVED
    report.unit_approved_at, report.unit_approved_by = timezone.now(), user
    report.return_reason = ""
    with acting(user, reason="板块审核通过"):
        report.save()
    return report


@transaction.atomic
def report_accept(*, user, report: MonthlyReport) -> MonthlyReport:
    """The city accepts a unit-approved report; it is then locked."""
    report = _locked(report)
    policy.check(user, policy.ACCEPT, report)
    _expect(report, ReportStatus.UNIT_APPROVED)
    report.status = ReportStatus.ACCEPTED
    report.accepted_at, report.accepted_by = timezone.now(), user
    with acting(user, reason="市级验收"):
        report.save()
    return report


@transaction.atomic
def report_return(*, user, report: MonthlyReport, reason: str) -> MonthlyReport:
    """Return a report to the clerk with a reason: the unit reviewer a submitted one, the
    city a unit-approved one."""
    report = _locked(report)
    policy.check(user, policy.RETURN, report)
    if not (reason or "").strip():
        raise ValidationError({"return_reason": "退回须填写原因。"})
    if policy.APPROVE in policy.allowed_actions(user, "report") and not user.is_superuser:
        _expect(report, ReportStatus.SUBMITTED)
    elif policy.ACCEPT in policy.allowed_actions(user, "report") and not user.is_superuser:
        _expect(report, ReportStatus.UNIT_APPROVED)
    else:
        _expect(report, ReportStatus.SUBMITTED, ReportStatus.UNIT_APPROVED)
    report.status = ReportStatus.DRAFT
    report.return_reason = reason.strip()
    report.returned_at = timezone.now()
    with acting(user, reason=f"退回：{reason.strip()}"):
        report.save()
    return report


@transaction.atomic
def report_amend(*, user, report: MonthlyReport, data: dict, reason: str) -> MonthlyReport:
    """更正: change an accepted (locked) report, with a reason kept in its history."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "更正须填写原因。"})
    unknown = set(data) - set(REPORT_FIELDS)
    if unknown:
        raise ValueError(f"unknown report fields: {sorted(unknown)}")
    report = _locked(report)
    policy.check(user, policy.AMEND, report)
    _expect(report, ReportStatus.ACCEPTED)
    for field, value in data.items():
        setattr(report, field, value)
    report.amendment_count += 1
    report.full_clean()
    with acting(user, reason=f"更正：{reason.strip()}"):
        report.save()
    return report


@transaction.atomic
def report_record_accepted(
    *, user, project: Project, month: date, data: dict, reason: str
) -> tuple[MonthlyReport, str]:
    """Record a report as accepted by the city in one step (imports from the command line).

    Returns the report and what happened: ``created``, ``updated`` or ``unchanged``. An
    accepted report that differs is amended with ``reason``.
    """
    month = month_start(month)
    report = MonthlyReport.objects.select_for_update().filter(project=project, month=month).first()
    if report is None:
        policy.check_unit(user, policy.ADD, MonthlyReport, project.unit)
        policy.check_unit(user, policy.ACCEPT, MonthlyReport, project.unit)
        report = MonthlyReport(project=project, month=month)
        action = "created"
    else:
        policy.check(user, policy.ACCEPT, report)
        changed = {f: v for f, v in data.items() if _differs(getattr(report, f), v)}
        if not changed and report.status == ReportStatus.ACCEPTED:
            return report, "unchanged"
        if report.status == ReportStatus.ACCEPTED:
            report.amendment_count += 1
        action = "updated"
    for field, value in data.items():
        setattr(report, field, value)
    now = timezone.now()
    report.status = ReportStatus.ACCEPTED
    report.accepted_at, report.accepted_by = now, user
    report.full_clean()
    with acting(user, reason=reason):
        report.save()
    return report, action


def _differs(old, new) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        if old is None or new is None:
            return old is not new
        return Decimal(old) != Decimal(new)
    return (old or "") != (new or "")
