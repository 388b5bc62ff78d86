"""Coordination's notices (通知): which issue events and report returns tell whom.

The notifications themselves — one per event and person, each e-mailed or sent by the
messenger at most once, the weekly digest — are the inbox app's (``inbox.services``);
this module decides the events, their people and their words:

* event notices (assigned, acknowledged late, escalated, resolved, reopened) are written
  by the issue services as the event happens;
* time notices (near/past deadline) and "report returned" (scanned from
  ``MonthlyReport.returned_at``) by :func:`run` (the ``send_notifications`` command),
  which then writes the weekly digest and sends what is due.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from ballast.accounts import policy
from ballast.accounts.models import User
from ballast.alerts.notices import red_warning_notices
from ballast.coordination.choices import PENDING_STATUSES, NoticeKind
from ballast.coordination.models import EscalationRule, Issue
from ballast.inbox import services as inbox
from ballast.inbox.choices import Kind
from ballast.inbox.models import Notification
from ballast.regions.models import cities_containing, within
from ballast.reports.models import MonthlyReport

log = logging.getLogger(__name__)

REPORT_RETURN_WINDOW = timedelta(days=7)  # how far back returns are scanned


def _inbox_kind(event: str) -> str:
    if event == NoticeKind.REPORT_RETURNED:
        return Kind.REPORT_RETURNED
    if event == NoticeKind.DIGEST:
        return Kind.DIGEST
    if event in (NoticeKind.NODE_DUE_SOON, NoticeKind.NODE_OVERDUE):
        return Kind.NODE_LATE
    return Kind.ISSUE


def send_notice(
    *, recipient, kind: str, key: str, subject: str, body: str = "", link: str = "", ref: str = ""
) -> Notification | None:
    """THE seam every notice of the service loop goes through (issues, roadmap steps,
    late nodes): one notification per event and person (``key``) in the person's inbox,
    e-mailed or sent by the messenger as they chose (``inbox.services``)."""
    return notice_create(
        recipient=recipient, kind=kind, key=key, subject=subject, body=body, link=link, ref=ref
    )


def notice_create(
    *, recipient, kind: str, key: str, subject: str, body: str = "", link: str = "", ref: str = ""
) -> Notification | None:
    """One notification of event ``kind`` (a :class:`NoticeKind`) to one person, unless
    one with the same key (event + person) exists (``inbox.services.notify``)."""
    made = inbox.notify(
        recipients=[recipient],
        kind=_inbox_kind(kind),
        event=kind,
        subject=subject,
        body=body,
        link=link,
        dedupe_key=key,
        ref=ref,
    )
    return made[0] if made else None


def _department_officers(issue: Issue):
    if issue.department_id is None:
        return User.objects.none()
    return User.objects.filter(
        policy.holders("answer_for_department"), department_id=issue.department_id
    )


def _city_admins(issue: Issue):
    return User.objects.filter(
        policy.holders("oversee_city_issues"), region_id=issue.project.unit.city_id
    )


def _people(*groups) -> list:
    seen, result = set(), []
    for group in groups:
        for person in group:
            if person is not None and person.pk not in seen and person.is_active:
                seen.add(person.pk)
                result.append(person)
    return result


def _issue_text(issue: Issue) -> str:
    return (
        f"项目：{issue.project.name}（{issue.project.unit.name}）\n"
        f"类别：{issue.get_category_display()}\n"
        f"问题：{issue.description}\n"
        f"责任部门：{issue.department or '未指定'}；责任人："
        f"{issue.responsible_person or issue.responsible_name or '未指定'}\n"
        f"办结期限：{issue.deadline or '未设定'}；状态：{issue.get_status_display()}"
    )


def _recipients(issue: Issue, kind: str) -> list:
    answering = _people(_department_officers(issue), [issue.responsible_person])
    if kind in (NoticeKind.ISSUE_ASSIGNED, NoticeKind.ISSUE_REOPENED):
        return answering
    if kind == NoticeKind.ISSUE_NEAR_DEADLINE:
        return answering
    if kind in (NoticeKind.ISSUE_RESOLVED, NoticeKind.ISSUE_STEP):
        return _people([issue.raised_by])
    if kind == NoticeKind.ISSUE_CLOSED:
        return answering
    if kind == NoticeKind.ISSUE_ACK_LATE:
        return _people([issue.raised_by], _city_admins(issue))
    # escalated, overdue: everyone concerned and the city's project office
    return _people(answering, [issue.raised_by], _city_admins(issue))


_SUBJECTS = {
    NoticeKind.ISSUE_ASSIGNED: "【问题交办】{project}：{category}",
    NoticeKind.ISSUE_ACK_LATE: "【受理超时】重大问题未当日受理：{project}",
    NoticeKind.ISSUE_ESCALATED: "【升级市级协调】{project}：{category}",
    NoticeKind.ISSUE_NEAR_DEADLINE: "【临近期限】{project}：{category}，{deadline}到期",
    NoticeKind.ISSUE_OVERDUE: "【已逾期】{project}：{category}，期限{deadline}",
    NoticeKind.ISSUE_RESOLVED: "【待确认销号】{project}：{category}",
    NoticeKind.ISSUE_REOPENED: "【重新打开】{project}：{category}",
    NoticeKind.ISSUE_STEP: "【路线图】{project}：{category}",
    NoticeKind.ISSUE_CLOSED: "【已销号】{project}：{category}",
}


def _event_key(issue: Issue, kind: str) -> str:
    """The event part of the dedupe key: what makes a second notice a new event."""
    if kind == NoticeKind.ISSUE_ASSIGNED:
        return f"issue:{issue.pk}:assigned:d{issue.department_id}:p{issue.responsible_person_id}"
    if kind in (NoticeKind.ISSUE_NEAR_DEADLINE, NoticeKind.ISSUE_OVERDUE):
        return f"issue:{issue.pk}:{kind}:{issue.deadline}"
    if kind in (NoticeKind.ISSUE_RESOLVED, NoticeKind.ISSUE_REOPENED):
        # a reopened issue may be resolved again: each round is its own event
        return f"issue:{issue.pk}:{kind}:r{issue.reopen_count}"
    if kind == NoticeKind.ISSUE_CLOSED:
        return f"issue:{issue.pk}:{kind}:r{issue.reopen_count}"
    return f"issue:{issue.pk}:{kind}"


def notify_issue(
    issue: Issue, kind: str, *, extra: str = "", event: str = ""
) -> list[Notification]:
    """Notices of one issue event to the people concerned; at most once per person."""
    subject = _SUBJECTS[kind].format(
        project=issue.project.name,
        category=issue.get_category_display(),
        deadline=issue.deadline,
    )
    body = _issue_text(issue)
    if kind == NoticeKind.ISSUE_ESCALATED:
        body += f"\n升级原因：{issue.get_escalation_reason_display()}"
    if kind == NoticeKind.ISSUE_REOPENED:
        body += f"\n重新打开原因：{issue.reopen_reason}"
    if kind == NoticeKind.ISSUE_RESOLVED:
        body += f"\n办理结果：{issue.resolution}\n请确认后销号，或说明原因重新打开。"
    if extra:
        body += f"\n{extra}"
    created = []
    for person in _recipients(issue, kind):
        notice = send_notice(
            recipient=person,
            kind=kind,
            key=f"issue:{issue.pk}:{kind}:{event}" if event else _event_key(issue, kind),
            subject=subject,
            body=body,
            link=f"/issues/{issue.pk}/",
            ref=f"coordination.issue:{issue.pk}",
        )
        if notice is not None:
            created.append(notice)
    return created


def notify_issue_assigned(issue: Issue) -> list[Notification]:
    if issue.department_id is None and issue.responsible_person_id is None:
        return []
    return notify_issue(issue, NoticeKind.ISSUE_ASSIGNED)


# --- scans run by send_notifications --------------------------------------------------


def deadline_notices(*, as_of) -> int:
    """Near-deadline (within the city's N days) and past-deadline notices of pending issues."""
    count = 0
    pending = Issue.objects.filter(status__in=PENDING_STATUSES, deadline__isnull=False)
    unit_ids = set(pending.values_list("project__unit_id", flat=True).distinct())
    for city in cities_containing(unit_ids):
        days = EscalationRule.for_city(city).near_deadline_days
        in_city = pending.filter(within("project__unit", city)).select_related(
            "project", "project__unit", "department", "responsible_person", "raised_by"
        )
        near = in_city.filter(deadline__gte=as_of, deadline__lte=as_of + timedelta(days=days))
        for issue in near:
            count += len(notify_issue(issue, NoticeKind.ISSUE_NEAR_DEADLINE))
        for issue in in_city.filter(deadline__lt=as_of):
            count += len(notify_issue(issue, NoticeKind.ISSUE_OVERDUE))
    return count


def node_notices(*, as_of) -> int:
    """Late nodes (节点计划): a notice to the node's department officers and its person
    when the deadline is within the city's near-deadline days, and once it has passed —
    each once per node and deadline (a moved deadline is a new event)."""
    from ballast.projects.choices import NodeOutcome
    from ballast.projects.models import Node, Project

    count = 0
    pending = Node.objects.filter(outcome=NodeOutcome.PENDING, project__termination__isnull=True)
    unit_ids = set(pending.values_list("project__unit_id", flat=True).distinct())
    for city in cities_containing(unit_ids):
        days = EscalationRule.for_city(city).near_deadline_days
        in_city = (
            pending.filter(within("project__unit", city), deadline__lte=as_of + timedelta(days))
            .select_related("project", "project__unit", "department", "person_user")
            .order_by("deadline", "pk")
        )
        for node in in_city:
            late = node.deadline < as_of
            kind = NoticeKind.NODE_OVERDUE if late else NoticeKind.NODE_DUE_SOON
            officers = (
                User.objects.filter(
                    policy.holders("answer_for_department"), department_id=node.department_id
                )
                if node.department_id
                else User.objects.none()
            )
            name = node.name or node.get_kind_display()
            when = f"已逾期 {(as_of - node.deadline).days} 天" if late else "即将到期"
            for person in _people(officers, [node.person_user]):
                # the project page for whoever may open it; the node's answer page for
                # its department's officers (who see nodes, not projects)
                sees = policy.restrict(
                    Project._base_manager.filter(pk=node.project_id), person, policy.VIEW
                ).exists()
                answers = not sees and policy.may_do(person, "node.progress", node)
                link = (
                    f"/projects/{node.project_id}/"
                    if sees
                    else f"/projects/nodes/{node.pk}/answer/"
                    if answers
                    else ""
                )
                notice = send_notice(
                    recipient=person,
                    kind=kind,
                    key=f"node:{node.pk}:{kind}:{node.deadline}",
                    subject=f"【节点{when}】{node.project.name}：{name}，期限{node.deadline}",
                    body=(
                        f"项目：{node.project.name}（{node.project.unit.name}）\n节点：{name}\n"
                        f"计划完成日期：{node.deadline}；责任部门："
                        f"{node.department or node.department_name or '未指定'}；"
                        f"责任人：{node.person_user or node.person or '未指定'}"
                    ),
                    link=link,
                    ref=f"projects.node:{node.pk}",
                )
                count += notice is not None
    return count


def report_returned_notices(*, now: datetime) -> int:
    """ "月报被退回" notices, found from ``MonthlyReport.returned_at`` (each return once).

    The reports app keeps the latest return on the report; a notice's key holds that
    moment, so a second return of the same report is a new notice and a rescan is not.
    """

    count = 0
    reports = MonthlyReport.objects.filter(
        returned_at__gt=now - REPORT_RETURN_WINDOW, returned_at__lte=now
    ).select_related("project", "project__unit", "submitted_by")
    for report in reports:
        if report.submitted_by_id:
            people = _people([report.submitted_by])
        else:
            people = list(
                User.objects.filter(
                    policy.holders("fill_reports"), region_id=report.project.unit_id
                )
            )
        for person in people:
            notice = notice_create(
                recipient=person,
                kind=NoticeKind.REPORT_RETURNED,
                key=f"report:{report.pk}:returned:{report.returned_at.isoformat()}",
                subject=f"【月报退回】{report.project.name} {report.month:%Y年%m月}",
                body=f"退回原因：{report.return_reason}\n请修改后重新报送。",
                link=f"/reports/{report.pk}/",
                ref=f"reports.monthlyreport:{report.pk}",
            )
            count += notice is not None
    return count


def open_issues_line(person) -> list[str]:
    """The weekly digest's line of the issues a person is responsible for (registered
    with ``inbox.services.register_digest_extra``)."""
    count = Issue.objects.filter(responsible_person=person, status__in=PENDING_STATUSES).count()
    return [f"\n您负责的未办结问题：{count} 个。"] if count else []


def deliver(*, now: datetime, candidates: list[int] | None = None) -> int:
    """E-mail the notifications not yet e-mailed (``inbox.services.deliver_email``)."""
    return inbox.deliver_email(now=now, candidates=candidates)


def run(*, now: datetime) -> dict[str, int]:
    """One pass of ``send_notifications``: escalate, scan, digest, send."""
    # in the function: services imports this module (notices are sent from its writes)
    from ballast.coordination.services import escalate_issues, local_date

    escalated = escalate_issues(as_of=now)
    result = {
        "escalated": len(escalated),
        "deadline": deadline_notices(as_of=local_date(now)),
        "nodes": node_notices(as_of=local_date(now)),
        "report_returned": report_returned_notices(now=now),
        "red_warning": red_warning_notices(as_of=local_date(now)),
        "digest": inbox.weekly_digest(now=now),
    }
    result.update(inbox.deliver(now=now))
    return result
