"""Monthly report flow: draft → submitted → unit approved → accepted and locked; returns
with reasons; amendments; one report per project and month; deadlines."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from ballast.reports import services as rs
from ballast.reports.models import MonthlyReport, ReportingRule


@pytest.fixture
def project(make_project, d):
    return make_project(stages={"started": d(2023, 1, 5)})


def test_full_flow_locks_the_report(project, people, d):
    report = rs.report_save(
        user=people["clerk_a"],
        project=project,
        month=d(2023, 3, 17),
        data={"investment": Decimal("1234.50"), "progress": "厂房基础施工"},
    )
    assert report.month == d(2023, 3, 1) and report.status == "draft"
    rs.report_submit(user=people["clerk_a"], report=report)
    with pytest.raises(ValidationError):
        rs.report_save(
            user=people["clerk_a"],
            project=project,
            month=d(2023, 3, 1),
            data={"investment": Decimal(1)},
        )
    rs.report_approve(user=people["reviewer_a"], report=report)
    accepted = rs.report_accept(user=people["city_reviewer"], report=report)
    assert accepted.status == "accepted" and accepted.is_locked
    assert accepted.submitted_by == people["clerk_a"]
    assert accepted.unit_approved_by == people["reviewer_a"]
    assert accepted.accepted_by == people["city_reviewer"]
    with pytest.raises(ValidationError):
        rs.report_save(
            user=people["clerk_a"],
            project=project,
            month=d(2023, 3, 1),
            data={"investment": Decimal(1)},
        )


def test_steps_need_the_right_role_and_order(project, people, d):
    report = rs.report_save(
        user=people["clerk_a"],
        project=project,
        month=d(2023, 3, 1),
        data={"investment": Decimal(10)},
    )
    with pytest.raises(PermissionDenied):
        rs.report_approve(user=people["clerk_a"], report=report)  # clerks do not approve
    with pytest.raises(ValidationError):
        rs.report_approve(user=people["reviewer_a"], report=report)  # not submitted yet
    rs.report_submit(user=people["clerk_a"], report=report)
    with pytest.raises(ValidationError):
        rs.report_accept(user=people["city_reviewer"], report=report)  # unit has not approved
    with pytest.raises(PermissionDenied):
        rs.report_accept(user=people["reviewer_a"], report=report)
    with pytest.raises(PermissionDenied):
        rs.report_submit(user=people["leader_a"], report=report)


def test_returns_need_a_reason_and_go_back_to_draft(project, people, d):
    report = rs.report_save(
        user=people["clerk_a"],
        project=project,
        month=d(2023, 3, 1),
        data={"investment": Decimal(10)},
    )
    rs.report_submit(user=people["clerk_a"], report=report)
    with pytest.raises(ValidationError):
        rs.report_return(user=people["reviewer_a"], report=report, reason="  ")
    returned = rs.report_return(
        user=people["reviewer_a"], report=report, reason="投资额与形象进度不符"
    )
    assert returned.status == "draft" and returned.return_reason == "投资额与形象进度不符"
    rs.report_submit(user=people["clerk_a"], report=report)
    rs.report_approve(user=people["reviewer_a"], report=report)
    with pytest.raises(ValidationError):
        rs.report_return(
            user=people["reviewer_a"], report=report, reason="已过板块"
        )  # the city's turn now
    returned = rs.report_return(user=people["city_reviewer"], report=report, reason="请补充照片")
    assert returned.status == "draft"


def test_amendment_needs_reason_and_counts(project, people, d):
    report = rs.report_save(
        user=people["clerk_a"],
        project=project,
        month=d(2023, 3, 1),
        data={"investment": Decimal(10)},
    )
    for step, who in (
        (rs.report_submit, "clerk_a"),
        (rs.report_approve, "reviewer_a"),
        (rs.report_accept, "city_reviewer"),
    ):
        step(user=people[who], report=report)
    with pytest.raises(ValidationError):
        rs.report_amend(
            user=people["city_reviewer"], report=report, data={"investment": Decimal(12)}, reason=""
        )
    with pytest.raises(PermissionDenied):
        rs.report_amend(
            user=people["clerk_a"], report=report, data={"investment": Decimal(12)}, reason="笔误"
        )
    amended = rs.report_amend(
        user=people["city_reviewer"], report=report, data={"investment": Decimal(12)}, reason="笔误"
    )
    assert (
        amended.investment == Decimal(12)
        and amended.amendment_count == 1
        and amended.status == "accepted"
    )


def test_one_report_per_project_and_month(project, d):
    MonthlyReport.objects.create(project=project, month=d(2023, 3, 1), investment=Decimal(1))
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyReport.objects.create(project=project, month=d(2023, 3, 1), investment=Decimal(2))


def test_negative_investment_is_refused(project, people, d):
    with pytest.raises(ValidationError):
        rs.report_save(
            user=people["clerk_a"],
            project=project,
            month=d(2023, 3, 1),
            data={"investment": Decimal(-5)},
        )


def test_deadline_is_configurable(city, d):
    assert rs.deadline_for(city=city, month=d(2023, 3, 1)) == d(2023, 4, 5)
    assert rs.deadline_for(city=city, month=d(2023, 12, 1)) == d(2024, 1, 5)
    ReportingRule.objects.create(city=city, deadline_day=10)
    assert rs.deadline_for(city=city, month=d(2023, 3, 1)) == d(2023, 4, 10)


def test_record_accepted_is_idempotent(project, people, d):
    report, action = rs.report_record_accepted(
        user=people["city_admin"],
        project=project,
        month=d(2023, 4, 1),
        data={"investment": Decimal(50)},
        reason="导入",
    )
    assert action == "created" and report.status == "accepted"
    _, again = rs.report_record_accepted(
        user=people["city_admin"],
        project=project,
        month=d(2023, 4, 1),
        data={"investment": Decimal("50.00")},
        reason="导入",
    )
    assert again == "unchanged"
    assert MonthlyReport.history.filter(id=report.pk).count() == 1
    changed, action = rs.report_record_accepted(
        user=people["city_admin"],
        project=project,
        month=d(2023, 4, 1),
        data={"investment": Decimal(55)},
        reason="导入",
    )
    assert action == "updated" and changed.amendment_count == 1
