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
from ballast.core import clock
from ballast.core.concurrency import check_version
from ballast.core.history import acting
from ballast.core.periods import add_months, month_start
from ballast.projects.models import Project
from ballast.reports.choices import ReportStatus
from ballast.reports.models import MonthlyReport
from ballast.reports.rules import check_entry
from ballast.reports.selectors import deadline_day

REPORT_FIELDS = ("investment", "progress", "percent_complete", "problems", "suggestions")


def deadline_for(*, city, month: date) -> date:
    """The day the report for ``month`` is due: the rule's day of the next month."""
    return add_months(month_start(month), 1).replace(day=deadline_day(city=city))


def _locked(report: MonthlyReport) -> MonthlyReport:
    return (
        MonthlyReport.objects.select_for_update().select_related("project__unit").get(pk=report.pk)
    )


def _check_rules(report: MonthlyReport, *, today: date | None, final: bool) -> None:
    """The entry rules (``reports/rules.py``) and ``full_clean`` on the report as it is
    about to be saved, every error of both at once (each message once).

    The project row is locked first, so two reports of one project written at once (or a
    total investment changed meanwhile) cannot both pass the since-start check.
    """
    project = Project.objects.select_for_update().get(pk=report.project_id)
    errors: dict = {}
    for check in (
        lambda: check_entry(
            project=project,
            month=report.month,
            data={"investment": report.investment},
            today=today or clock.today(),
            final=final,
        ),
        report.full_clean,
    ):
        try:
            check()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                known = errors.setdefault(field, [])
                known.extend(m for m in messages if m not in known)
    if errors:
        raise ValidationError(errors)


def _expect(report: MonthlyReport, *statuses) -> None:
    if report.status not in statuses:
        names = "、".join(ReportStatus(s).label for s in statuses)
        raise ValidationError(
            f"该填报当前为“{report.get_status_display()}”，只有“{names}”状态才能进行此操作。"
        )


@transaction.atomic
def report_save(
    *,
    user,
    project: Project,
    month: date,
    data: dict,
    today: date | None = None,
    expected_version: int | None = None,
) -> MonthlyReport:
    """Create or change a draft report of ``project`` for ``month``.

    A draft may be kept for the current month while it runs, never for a later one.
    ``expected_version`` is the version the form was opened at (0: no report yet);
    another is refused.
    """
    unknown = set(data) - set(REPORT_FIELDS)
    if unknown:
        raise ValueError(f"unknown report fields: {sorted(unknown)}")
    month = month_start(month)
    # The project's row is locked first, so that two people creating the same month's
    # report take turns (the second then sees the first's report) instead of both
    # inserting and the second failing on the unique constraint.
    Project.objects.select_for_update().filter(pk=project.pk).values_list("pk").first()
    report = MonthlyReport.objects.select_for_update().filter(project=project, month=month).first()
    if report is None:
        policy.check_unit(user, policy.ADD, MonthlyReport, project.unit)
        check_version(None, expected_version, model=MonthlyReport)
        report = MonthlyReport(project=project, month=month)
    else:
        policy.check(user, policy.CHANGE, report)
        check_version(report, expected_version, attempted=data)
        _expect(report, ReportStatus.DRAFT)
    for field, value in data.items():
        setattr(report, field, value)
    _check_rules(report, today=today, final=False)
    with acting(user):
        report.save()
    return report


@transaction.atomic
def report_submit(
    *,
    user,
    report: MonthlyReport,
    today: date | None = None,
    expected_version: int | None = None,
) -> MonthlyReport:
    """The unit clerk submits a draft to the unit reviewer, from the month's last day on."""
    report = _locked(report)
    policy.check(user, policy.SUBMIT, report)
    check_version(report, expected_version, flow=True)
    _expect(report, ReportStatus.DRAFT)
    _check_rules(report, today=today, final=True)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at, report.submitted_by = timezone.now(), user
    with acting(user, reason="报送"):
        report.save()
    return report


@transaction.atomic
def report_approve(
    *,
    user,
    report: MonthlyReport,
    today: date | None = None,
    expected_version: int | None = None,
) -> MonthlyReport:
    """The unit reviewer approves a submitted report for the city."""
    report = _locked(report)
    policy.check(user, policy.APPROVE, report)
    check_version(report, expected_version, flow=True)
    _expect(report, ReportStatus.SUBMITTED)
    _check_rules(report, today=today, final=True)
    report.status = ReportStatus.UNIT_APPROVED
    report.unit_approved_at, report.unit_approved_by = timezone.now(), user
    report.return_reason = ""
    with acting(user, reason="板块审核通过"):
        report.save()
    return report


@transaction.atomic
def report_accept(
    *,
    user,
    report: MonthlyReport,
    today: date | None = None,
    expected_version: int | None = None,
) -> MonthlyReport:
    """The city accepts a unit-approved report; it is then locked."""
    report = _locked(report)
    policy.check(user, policy.ACCEPT, report)
    check_version(report, expected_version, flow=True)
    _expect(report, ReportStatus.UNIT_APPROVED)
    _check_rules(report, today=today, final=True)
    report.status = ReportStatus.ACCEPTED
    report.accepted_at, report.accepted_by = timezone.now(), user
    with acting(user, reason="市级验收"):
        report.save()
    return report


@transaction.atomic
def report_return(
    *, user, report: MonthlyReport, reason: str, expected_version: int | None = None
) -> MonthlyReport:
    """Return a report to the clerk with a reason: the unit reviewer a submitted one, the
    city a unit-approved one."""
    report = _locked(report)
    policy.check(user, policy.RETURN, report)
    if not (reason or "").strip():
        raise ValidationError({"return_reason": "退回须填写原因。"})
    check_version(report, expected_version, flow=True)
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
def report_amend(
    *,
    user,
    report: MonthlyReport,
    data: dict,
    reason: str,
    today: date | None = None,
    expected_version: int | None = None,
) -> MonthlyReport:
    """更正: change an accepted (locked) report, with a reason kept in its history."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "更正须填写原因。"})
    unknown = set(data) - set(REPORT_FIELDS)
    if unknown:
        raise ValueError(f"unknown report fields: {sorted(unknown)}")
    report = _locked(report)
    policy.check(user, policy.AMEND, report)
    check_version(report, expected_version, attempted=data)
    _expect(report, ReportStatus.ACCEPTED)
    for field, value in data.items():
        setattr(report, field, value)
    report.amendment_count += 1
    _check_rules(report, today=today, final=True)
    with acting(user, reason=f"更正：{reason.strip()}"):
        report.save()
    return report


@transaction.atomic
def report_record_accepted(
    *, user, project: Project, month: date, data: dict, reason: str, today: date | None = None
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
    _check_rules(report, today=today, final=True)
    with acting(user, reason=reason):
        report.save()
    return report, action


def _differs(old, new) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        if old is None or new is None:
            return old is not new
        return Decimal(old) != Decimal(new)
    return (old or "") != (new or "")


def report_record_accepted_bulk(
    *,
    user,
    records: list[tuple[Project, date, dict]],
    reason: str,
    today: date | None = None,
) -> list[tuple[MonthlyReport, str]]:
    """:func:`report_record_accepted` for many (project, month, data), in the given order
    (each project's month at most once): the same rules, checked set-wise — the reports
    and their projects locked and read with one query per 500 projects, access checked
    once per unit or with one query, the since-start sum kept as the calls would leave
    it — bulk writes, and history written by
    :func:`ballast.core.history.write_history_bulk` with the same content as one save.
    Returns each report with ``created``, ``updated`` or ``unchanged``."""
    from ballast.core.history import insert_returning, write_history_bulk

    today = today or clock.today()
    with transaction.atomic():
        keys = [(project.pk, month_start(month)) for project, month, _data in records]
        if len(set(keys)) != len(keys):
            raise ValueError("report_record_accepted_bulk records each month of a project once")
        project_ids = sorted({pk for pk, _month in keys})
        stored: dict[tuple[int, date], MonthlyReport] = {}
        accepted: dict[int, dict[date, Decimal]] = {pk: {} for pk in project_ids}
        locked: dict[int, Project] = {}
        for start in range(0, len(project_ids), 500):
            chunk = project_ids[start : start + 500]
            locked.update(
                (p.pk, p)
                for p in Project.objects.select_for_update()
                .select_related("unit")
                .filter(pk__in=chunk)
            )
            for report in MonthlyReport.objects.select_for_update().filter(project_id__in=chunk):
                stored[(report.project_id, report.month)] = report
                if report.status == ReportStatus.ACCEPTED:
                    accepted[report.project_id][report.month] = report.investment
        if set(project_ids) - set(locked):
            raise Project.DoesNotExist("项目不存在。")
        # Access: a new report as check_unit of ADD and ACCEPT (once per unit); a stored
        # one as policy.check of ACCEPT (one query for all).
        units = {}
        for (pk, month), (_project, _month, _data) in zip(keys, records, strict=True):
            if (pk, month) not in stored:
                units.setdefault(locked[pk].unit_id, locked[pk].unit)
        for unit in units.values():
            policy.check_unit(user, policy.ADD, MonthlyReport, unit)
            policy.check_unit(user, policy.ACCEPT, MonthlyReport, unit)
        existing = [stored[key].pk for key in keys if key in stored]
        allowed = set()
        for start in range(0, len(existing), 500):
            allowed.update(
                policy.restrict(
                    MonthlyReport.objects.filter(pk__in=existing[start : start + 500]),
                    user,
                    policy.ACCEPT,
                ).values_list("pk", flat=True)
            )
        for pk in existing:
            if pk not in allowed:
                policy.check(user, policy.ACCEPT, MonthlyReport.objects.get(pk=pk))
        results, created, changed = [], [], []
        now = timezone.now()
        for (pk, month), (_project, _month, data) in zip(keys, records, strict=True):
            project = locked[pk]
            report = stored.get((pk, month))
            if report is None:
                report = MonthlyReport(project=project, month=month)
                action = "created"
            else:
                report.project = project
                differs = {f: v for f, v in data.items() if _differs(getattr(report, f), v)}
                if not differs and report.status == ReportStatus.ACCEPTED:
                    results.append((report, "unchanged"))
                    continue
                if report.status == ReportStatus.ACCEPTED:
                    report.amendment_count += 1
                action = "updated"
            for field, value in data.items():
                setattr(report, field, value)
            report.status = ReportStatus.ACCEPTED
            report.accepted_at, report.accepted_by = now, user
            # _check_rules with the since-start sum the calls before this one leave.
            others = sum((v for m, v in accepted[pk].items() if m != month), start=Decimal(0))
            check_entry(
                project=project,
                month=month,
                data={"investment": report.investment},
                today=today,
                final=True,
                others=others,
            )
            report.full_clean(
                exclude=["project", "accepted_by"],
                validate_unique=False,
                validate_constraints=False,
            )
            accepted[pk][month] = Decimal(report.investment)
            (created if action == "created" else changed).append(report)
            results.append((report, action))
        # The constraints' own terms, on what was loaded: one report per project and month
        # (the stored ones were read), the month's first day, no negative investment
        # (check_entry refused it above).
        fields = {"status", "accepted_at", "accepted_by", "amendment_count", "version"}
        fields.update(f for _p, _m, data in records for f in data)
        for report in changed:
            report.version = (report.version or 0) + 1
            report.updated_at = now
        with acting(user, reason=reason):
            insert_returning(MonthlyReport, created)
            MonthlyReport.objects.bulk_update(
                changed, sorted(fields | {"updated_at"}), batch_size=500
            )
            write_history_bulk(created, history_type="+")
            write_history_bulk(changed, history_type="~")
    return results
