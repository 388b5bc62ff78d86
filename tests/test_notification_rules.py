"""Notices fire once per event and person, and each is e-mailed once: issue assigned,
acknowledged late, escalated, near and past its deadline, resolved, reopened; monthly
report returned; the weekly digest; ``send_notifications`` run twice or by two machines."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from ballast.accounts.models import User
from ballast.coordination import notifications, services
from ballast.inbox import services as inbox
from ballast.inbox.models import Notification
from ballast.reports import services as report_services
from tests.test_coordination_fixtures import *  # noqa: F403
from tests.test_coordination_fixtures import at


@pytest.fixture
def mailed(crowd):
    for user in User.objects.all():
        user.email = f"{user.username}@example.cn"
        user.save()
    return crowd


def _kinds(username):
    return sorted(
        Notification.objects.filter(recipient__username=username).values_list("event", flat=True)
    )


def _run(moment):
    out = io.StringIO()
    call_command("send_notifications", "--now", moment.isoformat(), stdout=out)
    assert "发送邮件" in out.getvalue()


def test_issue_life_notices_fire_once_each(project_a, mailed, raise_issue, department):
    dept = mailed["department"]
    issue = raise_issue(project_a, deadline=date(2023, 3, 31))
    assert _kinds("dept") == ["issue_assigned"]
    _run(at(2023, 3, 27, 7))  # 4 days before: not yet near (default 3 days)
    assert _kinds("dept") == ["issue_assigned"]
    _run(at(2023, 3, 28, 7))
    _run(at(2023, 3, 29, 7))  # the same deadline: no second reminder
    assert _kinds("dept") == ["issue_assigned", "issue_near_deadline"]
    _run(at(2023, 4, 1, 7))
    _run(at(2023, 4, 2, 7))
    # past the deadline: overdue and escalated, to the department, raiser and city admin
    assert _kinds("dept") == [
        "issue_assigned",
        "issue_escalated",
        "issue_near_deadline",
        "issue_overdue",
    ]
    assert _kinds("clerk_a") == ["issue_escalated", "issue_overdue"]
    assert _kinds("city_admin") == ["issue_escalated", "issue_overdue"]
    assert _kinds("clerk_b") == [] and _kinds("dept_other") == []

    services.issue_acknowledge(user=dept, issue=issue, now=at(2023, 4, 2, 10))
    services.issue_resolve(user=dept, issue=issue, on=date(2023, 4, 3), resolution="指标已下达")
    services.issue_reopen(user=mailed["clerk_a"], issue=issue, reason="仅下达一半")
    services.issue_resolve(user=dept, issue=issue, on=date(2023, 4, 9), resolution="全部下达")
    assert _kinds("clerk_a").count("issue_resolved") == 2  # one per round
    assert _kinds("dept").count("issue_reopened") == 1


def test_each_notice_is_emailed_once(project_a, mailed, raise_issue):
    raise_issue(project_a, deadline=date(2023, 3, 31))
    _run(at(2023, 4, 1, 7))
    first = len(mail.outbox)
    # assigned (dept) + escalated (dept, clerk_a, city_admin) + overdue (same three)
    assert first == Notification.objects.count() == 7
    assert all(n.emailed_at == at(2023, 4, 1, 7) for n in Notification.objects.all())
    _run(at(2023, 4, 1, 7, 10))
    assert len(mail.outbox) == first
    assert {m.to[0] for m in mail.outbox} == {
        "dept@example.cn",
        "clerk_a@example.cn",
        "city_admin@example.cn",
    }


def test_two_machines_racing_send_each_mail_once(project_a, mailed, raise_issue):
    raise_issue(project_a, deadline=date(2023, 3, 31))
    now = at(2023, 3, 2, 7)
    # both machines read the same pending list before either claims a row
    pending = list(Notification.objects.filter(emailed_at=None).values_list("id", flat=True))
    assert pending
    sent_by_a = notifications.deliver(now=now, candidates=pending)
    sent_by_b = notifications.deliver(now=now + timedelta(seconds=1), candidates=pending)
    assert (sent_by_a, sent_by_b) == (len(pending), 0)
    assert len(mail.outbox) == len(pending)


def test_two_machines_scanning_make_one_notice(project_a, mailed, raise_issue):
    issue = raise_issue(project_a, deadline=date(2023, 3, 31))
    for _ in range(2):
        notifications.deadline_notices(as_of=date(2023, 3, 30))
    assert Notification.objects.filter(event="issue_near_deadline").count() == 1
    # even when the existence check is passed by (the other machine inserted meanwhile)
    assert notifications.notify_issue(issue, "issue_near_deadline") == []
    dupe = notifications.notice_create(
        recipient=mailed["department"], kind="issue_near_deadline", key="k", subject="s"
    )
    assert dupe is not None
    assert (
        notifications.notice_create(
            recipient=mailed["department"], kind="issue_near_deadline", key="k", subject="s"
        )
        is None
    )


def test_insert_race_is_absorbed(project_a, mailed, monkeypatch):
    """The unique key refuses the loser's insert; the loser carries on without a row."""
    first = notifications.notice_create(
        recipient=mailed["department"], kind="digest", key="race", subject="s"
    )
    assert first is not None
    qs_type = type(Notification.objects.all())
    monkeypatch.setattr(qs_type, "exists", lambda self: False)  # the check saw nothing yet
    assert (
        notifications.notice_create(
            recipient=mailed["department"], kind="digest", key="race", subject="s"
        )
        is None
    )
    monkeypatch.undo()
    assert Notification.objects.filter(event="digest").count() == 1


def test_returned_monthly_report_is_notified_once(make_project, mailed, d):
    project = make_project(stages={"started": d(2023, 1, 10)})
    report = report_services.report_save(
        user=mailed["clerk_a"],
        project=project,
        month=d(2023, 3, 1),
        data={"investment": Decimal(80)},
    )
    report_services.report_submit(user=mailed["clerk_a"], report=report)
    report_services.report_return(
        user=mailed["reviewer_a"], report=report, reason="投资额与台账不符"
    )
    now = timezone.now() + timedelta(minutes=1)
    _run(now)
    _run(now + timedelta(minutes=5))
    notices = Notification.objects.filter(event="report_returned")
    assert [(n.recipient.username, n.body.splitlines()[0]) for n in notices] == [
        ("clerk_a", "退回原因：投资额与台账不符")
    ]
    # returned a second time: a new event
    report_services.report_submit(user=mailed["clerk_a"], report=report)
    report_services.report_return(user=mailed["reviewer_a"], report=report, reason="缺少照片")
    _run(timezone.now() + timedelta(minutes=1))
    assert Notification.objects.filter(event="report_returned").count() == 2


def test_weekly_digest_once_a_week_per_person(project_a, mailed, raise_issue):
    raise_issue(project_a, deadline=None, now=timezone.now())
    made = timezone.localtime(Notification.objects.get().created_at)
    # the next Monday after the notice, 07:00 local: the digest hour (8) has not come
    monday = (made + timedelta(days=7 - made.weekday())).replace(hour=7, minute=0)
    assert inbox.weekly_digest(now=monday) == 0
    assert inbox.weekly_digest(now=monday.replace(hour=9)) == 1  # the department officer
    assert inbox.weekly_digest(now=monday + timedelta(days=2)) == 0  # same week: none
    # a week on, the notice is older than seven days: nothing unread to digest
    assert inbox.weekly_digest(now=monday.replace(hour=9) + timedelta(days=7)) == 0
    digest = Notification.objects.get(kind="digest")
    assert digest.recipient.username == "dept"
    assert "【问题交办】亚新科双环汽车零部件：土地指标" in digest.body
    week = monday.isocalendar()
    assert digest.subject == f"【每周摘要】{week[0]}年第{week[1]}周：1 条未读通知"


def test_people_see_and_read_only_their_own_notices(project_a, mailed, raise_issue):
    raise_issue(project_a, deadline=date(2023, 3, 31))
    notice = Notification.objects.get(recipient__username="dept")
    assert list(Notification.objects.restrict(mailed["department"])) == [notice]
    assert not Notification.objects.restrict(mailed["clerk_b"]).exists()
    assert not Notification.objects.restrict(mailed["city_admin"]).exists()
    inbox.mark_read(user=mailed["clerk_b"], notification=notice, now=at(2023, 3, 2))
    notice.refresh_from_db()
    assert notice.read_at is None
    inbox.mark_read(user=mailed["department"], notification=notice, now=at(2023, 3, 2))
    notice.refresh_from_db()
    assert notice.read_at == at(2023, 3, 2)


def test_reassigning_notifies_the_new_department(project_a, mailed, raise_issue, other_department):
    issue = raise_issue(project_a, deadline=date(2023, 3, 31))
    services.issue_update(
        user=mailed["clerk_a"], issue=issue, data={"department": other_department}
    )
    services.issue_update(user=mailed["clerk_a"], issue=issue, data={"description": "补充说明"})
    assert _kinds("dept_other") == ["issue_assigned"]
    assert _kinds("dept") == ["issue_assigned"]
