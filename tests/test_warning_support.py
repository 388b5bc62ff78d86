"""Helpers shared by the early-warning tests (no tests of its own)."""

from datetime import date
from decimal import Decimal

from ballast.alerts.selectors import warnings_as_of
from ballast.projects.models import Project
from ballast.reports.services import report_record_accepted


def accept(people, project, month: date, amount) -> None:
    """Record ``project``'s report for ``month`` as accepted by the city."""
    report_record_accepted(
        user=people["city_admin"],
        project=project,
        month=month,
        data={"investment": Decimal(str(amount))},
        reason="测试",
    )


def fired(as_of: date, rule: str, projects=None) -> dict[str, tuple[str, date]]:
    """``{project name: (level, since)}`` of one rule's warnings as of ``as_of``."""
    found = warnings_as_of(
        projects=projects if projects is not None else Project.objects.all(),
        as_of=as_of,
        rules=[rule],
    )
    return {w.project_name: (w.level, w.since) for w in found}
