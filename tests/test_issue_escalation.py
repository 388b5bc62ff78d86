"""Issues rise to the city level by the city's rules (data), exactly once each:
a major issue not acknowledged the same day, an issue past its deadline, any issue of a
project of ≥ 30 亿元."""

from datetime import date
from decimal import Decimal

from ballast.coordination import services
from ballast.coordination.models import EscalationRule, Issue
from ballast.inbox.models import Notification
from tests.test_coordination_fixtures import *  # noqa: F403
from tests.test_coordination_fixtures import at


def _state(issue):
    issue.refresh_from_db()
    return issue.level, issue.escalation_reason


def test_major_issue_not_acknowledged_the_same_day_rises_next_day(project_a, raise_issue):
    issue = raise_issue(project_a, is_major=True, deadline=date(2023, 6, 30))
    # the same evening: still the same day, nothing happens
    assert services.escalate_issues(as_of=at(2023, 3, 1, 23, 59)) == []
    assert _state(issue) == ("unit", "")
    escalated = services.escalate_issues(as_of=at(2023, 3, 2, 0, 5))
    assert [i.pk for i in escalated] == [issue.pk]
    assert _state(issue) == ("city", "major_late")
    assert issue.escalated_at == at(2023, 3, 2, 0, 5)
    # exactly once
    assert services.escalate_issues(as_of=at(2023, 3, 3)) == []
    assert issue.history.filter(escalation_reason="major_late").count() == 1
    assert issue.history.first().history_change_reason == "升级市级协调：重大事项当日未受理"


def test_major_issue_acknowledged_the_same_day_stays(project_a, raise_issue, crowd):
    issue = raise_issue(project_a, is_major=True, deadline=date(2023, 6, 30))
    services.issue_acknowledge(user=crowd["department"], issue=issue, now=at(2023, 3, 1, 22))
    assert services.escalate_issues(as_of=at(2023, 3, 5)) == []
    assert _state(issue) == ("unit", "")


def test_major_issue_acknowledged_late_still_rises(project_a, raise_issue, crowd):
    issue = raise_issue(project_a, is_major=True, deadline=date(2023, 6, 30))
    services.issue_acknowledge(user=crowd["department"], issue=issue, now=at(2023, 3, 2, 9))
    # the late acknowledgement told the raiser and the city administrator
    assert set(
        Notification.objects.filter(event="issue_ack_late").values_list(
            "recipient__username", flat=True
        )
    ) == {"clerk_a", "city_admin"}
    services.escalate_issues(as_of=at(2023, 3, 2, 10))
    assert _state(issue) == ("city", "major_late")


def test_overdue_issue_rises_after_its_deadline(project_a, raise_issue):
    issue = raise_issue(project_a, deadline=date(2023, 3, 31))
    assert services.escalate_issues(as_of=date(2023, 3, 31)) == []
    assert len(services.escalate_issues(as_of=date(2023, 4, 1))) == 1
    assert _state(issue) == ("city", "overdue")


def test_resolved_issue_does_not_rise_for_its_deadline(project_a, raise_issue, crowd):
    issue = raise_issue(project_a, deadline=date(2023, 3, 31))
    services.issue_acknowledge(user=crowd["department"], issue=issue, now=at(2023, 3, 1, 10))
    services.issue_resolve(
        user=crowd["department"], issue=issue, on=date(2023, 3, 30), resolution="已办"
    )
    assert services.escalate_issues(as_of=date(2023, 4, 5)) == []


def test_issue_of_a_30_yi_project_rises_when_raised(make_project, crowd, raise_issue):
    big = make_project(total_investment=Decimal("300000.00"))
    small = make_project(total_investment=Decimal("299999.99"))
    issue = raise_issue(big)
    assert (issue.level, issue.escalation_reason) == ("city", "large_project")
    assert issue.escalated_at is not None
    other = raise_issue(small)
    assert (other.level, other.escalation_reason) == ("unit", "")
    # the escalation told the department, the raiser and the city administrator, once
    assert set(
        Notification.objects.filter(event="issue_escalated").values_list(
            "recipient__username", flat=True
        )
    ) == {"dept", "clerk_a", "city_admin"}
    services.escalate_issues(as_of=date(2023, 5, 1))  # also overdue now: no second time
    ref = f"coordination.issue:{issue.pk}"
    assert Notification.objects.filter(event="issue_escalated", object_ref=ref).count() == 3
    assert Issue.objects.get(pk=issue.pk).escalation_reason == "large_project"
    assert Issue.objects.get(pk=other.pk).escalation_reason == "overdue"


def test_rules_are_data(city, make_project, raise_issue):
    EscalationRule.objects.create(
        city=city,
        major_same_day=False,
        overdue=False,
        large_project_threshold=Decimal("500000"),
        near_deadline_days=5,
    )
    big = make_project(total_investment=Decimal("300000.00"))
    issue = raise_issue(big, is_major=True, deadline=date(2023, 3, 10))
    assert services.escalate_issues(as_of=date(2023, 4, 1)) == []
    assert _state(issue) == ("unit", "")
    EscalationRule.objects.filter(city=city).update(large_project_threshold=Decimal("300000"))
    assert len(services.escalate_issues(as_of=date(2023, 4, 1))) == 1
    assert _state(issue) == ("city", "large_project")


def test_issue_raised_at_city_level_is_not_escalated(project_a, raise_issue):
    issue = raise_issue(project_a, level="city", deadline=date(2023, 3, 2))
    assert services.escalate_issues(as_of=date(2023, 4, 1)) == []
    issue.refresh_from_db()
    assert issue.escalated_at is None


def test_two_runs_racing_escalate_once(project_a, raise_issue):
    """Both runs found the issue; the second, under the row lock, sees it done and stops."""
    from ballast.coordination.services import _escalate_one

    issue = raise_issue(project_a, deadline=date(2023, 3, 31))
    first = _escalate_one(issue.pk, "overdue", at(2023, 4, 1, 7))
    second = _escalate_one(issue.pk, "overdue", at(2023, 4, 1, 7, 1))
    assert first is not None and second is None
    issue.refresh_from_db()
    assert issue.escalated_at == at(2023, 4, 1, 7)
    assert issue.history.filter(level="city").count() == 1
    assert Notification.objects.filter(event="issue_escalated").count() == 3
