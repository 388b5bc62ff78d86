"""New red warnings (红色预警) told to the people of the project: its linked leaders and
its unit's clerks — once per warning episode (rule, project, since), through the inbox."""

from __future__ import annotations

from datetime import date

from ballast.accounts import policy
from ballast.accounts.models import User
from ballast.alerts.choices import Level
from ballast.alerts.selectors import warnings_as_of
from ballast.inbox.choices import Kind
from ballast.inbox.services import notify
from ballast.projects.models import Project


def red_warning_notices(*, as_of: date) -> int:
    """Notify every red warning as of ``as_of`` not yet notified; the number made."""
    reds = [
        w
        for w in warnings_as_of(projects=Project.objects.all(), as_of=as_of)
        if w.level == Level.RED
    ]
    count = 0
    for warning in reds:
        project = Project.objects.select_related("unit").get(pk=warning.project_id)
        people = [
            *project.leaders.filter(is_active=True),
            *User.objects.filter(policy.holders("fill_reports"), region_id=project.unit_id),
        ]
        made = notify(
            recipients=people,
            kind=Kind.RED_WARNING,
            event=warning.rule[:32],
            subject=f"【红色预警】{warning.project_name}：{warning.rule_label}",
            body=f"{warning.detail}\n自 {warning.since:%Y-%m-%d} 起。",
            link=f"/projects/{warning.project_id}/",
            dedupe_key=f"warning:{warning.rule}:{warning.project_id}:{warning.since.isoformat()}",
            ref=f"projects.project:{warning.project_id}",
        )
        count += len(made)
    return count
