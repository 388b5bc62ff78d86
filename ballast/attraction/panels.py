"""The attraction's part of the project page: the lead it came from and its tier in the
reserve pool (registered in ``projects.panels`` from the app's ``ready()``)."""

from __future__ import annotations

from ballast.accounts import policy
from ballast.attraction.models import Lead, ReserveEntry


def attraction_panel(*, user, project, as_of, plan) -> dict:
    lead = Lead.objects.restrict(user).filter(project=project).select_related("channel").first()
    entry = ReserveEntry.objects.filter(project=project).select_related("tier").first()
    return {
        "attraction_panel": {
            "lead": lead,
            "entry": entry,
            "may_place": policy.may_do(user, "project.change", project),
        }
    }
