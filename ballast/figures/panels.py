"""The figures' panel of the project page: this year's and the total investment progress
(registered in ``FiguresConfig.ready()``)."""

from __future__ import annotations

from datetime import date

from ballast.figures.selectors import with_investment_progress
from ballast.projects.models import Project


def progress_panel(*, user, project, as_of: date, plan) -> dict:
    totals = (
        with_investment_progress(
            Project.objects.filter(pk=project.pk),
            year=as_of.year,
            as_of=as_of,
            city=project.unit.city,
        )
        .values(
            "ytd_investment_wan", "since_start_investment_wan", "completion_rate", "time_progress"
        )
        .get()
    )
    return {
        "totals": totals,
        "plan_share": _percent(totals["completion_rate"]),
        "total_share": _share(totals["since_start_investment_wan"], project.total_investment),
        "time_progress": _percent(totals["time_progress"]),
    }


def _percent(ratio):
    return None if ratio is None else ratio * 100


def _share(part, whole):
    if not whole:
        return None
    return part * 100 / whole
