"""An issue walks open → accepted → in progress → resolved → closed, or is reopened, with
every change in its history (who, and why where a reason is given)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ballast.coordination import services
from ballast.coordination.choices import IssueStatus
from ballast.coordination.models import Issue
from tests.test_coordination_fixtures import *  # noqa: F403
from tests.test_coordination_fixtures import at


def test_enterprise_raises_department_solves_enterprise_closes(project_a, crowd, department):
    enterprise, dept = crowd["enterprise"], crowd["department"]
    issue = services.issue_raise(
        user=enterprise,
        project=project_a,
        data={
            "category": "utilities",
            "description": "厂区 110kV 专线接入未排期",
            "department": department,
            "deadline": date(2023, 4, 15),
        },
        steps=[(date(2023, 3, 10), "供电公司现场踏勘"), (date(2023, 4, 10), "专线接入")],
        now=at(2023, 3, 1),
    )
    assert issue.status == IssueStatus.OPEN
    assert issue.raised_by == enterprise
    assert issue.raised_on == date(2023, 3, 1)
    assert [s.description for s in issue.steps.all()] == ["供电公司现场踏勘", "专线接入"]

    services.issue_acknowledge(user=dept, issue=issue, now=at(2023, 3, 1, 15))
    services.issue_start(user=dept, issue=issue)
    step = issue.steps.get(description="供电公司现场踏勘")
    services.issue_step_done(user=dept, step=step, on=date(2023, 3, 9))
    services.issue_step_add(
        user=dept, issue=issue, planned_on=date(2023, 4, 12), description="送电调试"
    )
    services.issue_resolve(user=dept, issue=issue, on=date(2023, 4, 12), resolution="已送电")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.RESOLVED
    assert issue.resolved_on == date(2023, 4, 12)

    services.issue_close(user=enterprise, issue=issue, on=date(2023, 4, 13))
    issue.refresh_from_db()
    assert issue.status == IssueStatus.CLOSED
    assert issue.closed_on == date(2023, 4, 13)
    assert issue.steps.count() == 3

    history = list(issue.history.order_by("history_date", "history_id"))
    assert [h.status for h in history] == ["open", "accepted", "in_progress", "resolved", "closed"]
    assert [h.history_user for h in history] == [enterprise, dept, dept, dept, enterprise]
    assert history[1].history_change_reason == "受理"
    assert history[3].history_change_reason == "办结：已送电"
    assert history[4].history_change_reason == "确认销号"


def test_reopening_needs_a_reason_and_goes_back_to_in_progress(project_a, crowd, raise_issue):
    clerk, dept = crowd["clerk_a"], crowd["department"]
    issue = raise_issue(project_a)
    services.issue_acknowledge(user=dept, issue=issue, now=at(2023, 3, 1, 10))
    services.issue_resolve(user=dept, issue=issue, on=date(2023, 3, 20), resolution="已办")
    with pytest.raises(ValidationError):
        services.issue_reopen(user=clerk, issue=issue, reason="  ")
    services.issue_reopen(user=clerk, issue=issue, reason="指标仍未下达")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.IN_PROGRESS
    assert issue.resolved_on is None
    assert issue.reopen_count == 1
    assert issue.history.first().history_change_reason == "重新打开：指标仍未下达"
    assert issue.history.first().history_reason_text == "重新打开：指标仍未下达"
    # resolved again, closed, then reopened from closed
    services.issue_resolve(user=dept, issue=issue, on=date(2023, 3, 25), resolution="已下达")
    services.issue_close(user=clerk, issue=issue, on=date(2023, 3, 26))
    services.issue_reopen(user=clerk, issue=issue, reason="下达指标有误")
    issue.refresh_from_db()
    assert (issue.status, issue.closed_on, issue.reopen_count) == ("in_progress", None, 2)


def test_steps_out_of_order_are_refused(project_a, crowd, raise_issue):
    dept = crowd["department"]
    issue = raise_issue(project_a)
    with pytest.raises(ValidationError):  # not yet acknowledged
        services.issue_resolve(user=dept, issue=issue, on=date(2023, 3, 2), resolution="x")
    with pytest.raises(ValidationError):  # not resolved
        services.issue_close(user=crowd["clerk_a"], issue=issue, on=date(2023, 3, 2))
    services.issue_acknowledge(user=dept, issue=issue, now=at(2023, 3, 1, 11))
    with pytest.raises(ValidationError):  # twice
        services.issue_acknowledge(user=dept, issue=issue, now=at(2023, 3, 1, 12))
    with pytest.raises(ValidationError):  # needs a result
        services.issue_resolve(user=dept, issue=issue, on=date(2023, 3, 2), resolution="")


def test_only_the_raiser_or_city_admin_confirms(project_a, crowd, raise_issue):
    dept = crowd["department"]
    issue = raise_issue(project_a, user=crowd["enterprise"])
    services.issue_acknowledge(user=dept, issue=issue, now=at(2023, 3, 1, 11))
    services.issue_resolve(user=dept, issue=issue, on=date(2023, 3, 5), resolution="已协调")
    # clerk A has CONFIRM in unit A but did not raise it: the enterprise must confirm
    with pytest.raises(PermissionDenied):
        services.issue_close(user=crowd["clerk_a"], issue=issue, on=date(2023, 3, 6))
    # the department cannot close its own answer
    with pytest.raises(PermissionDenied):
        services.issue_close(user=dept, issue=issue, on=date(2023, 3, 6))
    services.issue_close(user=crowd["city_admin"], issue=issue, on=date(2023, 3, 6))
    assert Issue.objects.get(pk=issue.pk).status == IssueStatus.CLOSED


def test_department_officer_raises_for_their_own_department(project_a, crowd, other_department):
    issue = services.issue_raise(
        user=crowd["department"],
        project=project_a,
        data={"category": "planning", "description": "规划条件需调整"},
        now=at(2023, 3, 2),
    )
    assert issue.department == crowd["department"].department
    with pytest.raises(PermissionDenied):
        services.issue_raise(
            user=crowd["department"],
            project=project_a,
            data={"category": "planning", "description": "x", "department": other_department},
            now=at(2023, 3, 2),
        )
    assert Issue.objects.count() == 1
