"""Notices (通知): in-app rows and their e-mail, safe to run on several machines at once.

Two guarantees, both from the database:

* **one notice per event and person** — every notice has a ``dedupe_key`` (event +
  person) under a UNIQUE constraint; creating one that exists is a no-op, so two
  machines scanning the same events make one row;
* **one e-mail per notice** — a sender claims a notice with
  ``Notice.objects.filter(id=…, emailed_at=None).update(emailed_at=now)`` and sends only
  when that update changed a row; the loser of a race sees 0 and moves on.

Event notices (assigned, acknowledged late, escalated, resolved, reopened) are written by
the issue services as the event happens; time notices (near/past deadline), "report
returned" (scanned from ``MonthlyReport.returned_at``) and the daily digest are written
by :func:`run` (the ``send_notifications`` command).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from ballast.accounts import policy
from ballast.accounts.models import User
from ballast.coordination.choices import PENDING_STATUSES, NoticeKind
from ballast.coordination.models import EscalationRule, Issue, Notice
from ballast.regions.models import cities_containing, within
from ballast.reports.models import MonthlyReport

log = logging.getLogger(__name__)

DIGEST_HOUR = getattr(settings, "NOTICE_DIGEST_HOUR", 8)  # local hour the digest is due
REPORT_RETURN_WINDOW = timedelta(days=7)  # how far back returns are scanned
BATCH = 500


def send_notice(
    *, recipient, kind: str, key: str, subject: str, body: str = "", link: str = "", ref: str = ""
) -> Notice | None:
    """THE seam every notice of the service loop goes through (issues, roadmap steps,
    late nodes): one notice per event and person (``key``), e-mailed once by
    :func:`deliver`. Re-route it here (an in-app inbox, a messenger) and every caller
    follows."""
    return notice_create(
        recipient=recipient, kind=kind, key=key, subject=subject, body=body, link=link, ref=ref
    )


def notice_create(
    *, recipient, kind: str, key: str, subject: str, body: str = "", link: str = "", ref: str = ""
) -> Notice | None:
    """Create one notice unless one with the same key (event + person) exists."""
    dedupe_key = f"{key}:u{recipient.pk}"[:160]
    if Notice.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():  # a savepoint: losing a race does not break the caller
            return Notice.objects.create(
                recipient=recipient,
                kind=kind,
                subject=subject[:200],
                body=body,
                link=link,
                object_ref=ref,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return None  # another worker created it first


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


def notify_issue(issue: Issue, kind: str, *, extra: str = "", event: str = "") -> list[Notice]:
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


def notify_issue_assigned(issue: Issue) -> list[Notice]:
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
    from ballast.projects.models import Node

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
                    link=f"/projects/{node.project_id}/",
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


def digest_notices(*, now: datetime) -> int:
    """One digest a day per person with unread notices of the last 24 hours.

    Written on the first run at or after :data:`DIGEST_HOUR` (local time) each day.
    """
    local = timezone.localtime(now) if timezone.is_aware(now) else now
    if local.hour < DIGEST_HOUR:
        return 0
    since = now - timedelta(days=1)
    unread = Notice.objects.filter(read_at__isnull=True, created_at__gt=since).exclude(
        kind=NoticeKind.DIGEST
    )
    count = 0
    for person in User.objects.filter(pk__in=unread.values("recipient_id"), is_active=True):
        subjects = list(
            unread.filter(recipient=person).order_by("created_at").values_list("subject", flat=True)
        )
        open_issues = Issue.objects.filter(
            responsible_person=person, status__in=PENDING_STATUSES
        ).count()
        body = "\n".join(f"· {s}" for s in subjects)
        if open_issues:
            body += f"\n\n您负责的未办结问题：{open_issues} 个。"
        notice = notice_create(
            recipient=person,
            kind=NoticeKind.DIGEST,
            key=f"digest:{local.date().isoformat()}",
            subject=f"【每日摘要】{local:%Y年%m月%d日}：{len(subjects)} 条未读通知",
            body=body,
            link="/notices/",
        )
        count += notice is not None
    return count


def deliver(*, now: datetime, candidates: list[int] | None = None) -> int:
    """E-mail the notices not yet e-mailed; each is claimed atomically before sending.

    ``candidates`` lets a test hand in a stale list, as a second machine would hold.
    People without an e-mail address get the in-app notice only.
    """
    if candidates is None:
        candidates = list(
            Notice.objects.filter(emailed_at__isnull=True)
            .exclude(recipient__email="")
            .order_by("id")
            .values_list("id", flat=True)[:BATCH]
        )
    sent = 0
    for notice_id in candidates:
        claimed = Notice.objects.filter(id=notice_id, emailed_at__isnull=True).update(
            emailed_at=now
        )
        if not claimed:
            continue  # another machine has it
        notice = Notice.objects.select_related("recipient").get(pk=notice_id)
        try:
            send_mail(
                notice.subject,
                notice.body,
                None,
                [notice.recipient.email],
                fail_silently=False,
            )
        except Exception:  # the mail server failed: release the claim for the next run
            log.exception("notice %s: e-mail failed", notice_id)
            Notice.objects.filter(id=notice_id, emailed_at=now).update(emailed_at=None)
            continue
        sent += 1
    return sent


def run(*, now: datetime) -> dict[str, int]:
    """One pass of ``send_notifications``: escalate, scan, digest, e-mail."""
    # in the function: services imports this module (notices are sent from its writes)
    from ballast.coordination.services import escalate_issues, local_date

    escalated = escalate_issues(as_of=now)
    result = {
        "escalated": len(escalated),
        "deadline": deadline_notices(as_of=local_date(now)),
        "nodes": node_notices(as_of=local_date(now)),
        "report_returned": report_returned_notices(now=now),
        "digest": digest_notices(now=now),
    }
    result["emailed"] = deliver(now=now)
    return result


def notice_mark_read(*, user, notice: Notice, now: datetime) -> Notice:
    """Mark one of the user's own notices read."""
    updated = (
        Notice.objects.restrict(user, "change")
        .filter(pk=notice.pk, read_at__isnull=True)
        .update(read_at=now)
    )
    if updated:
        notice.read_at = now
    return notice
