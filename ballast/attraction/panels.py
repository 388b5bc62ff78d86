"""The attraction's part of the project page: the lead it came from and its tier in the
reserve pool (registered in ``projects.panels`` from the app's ``ready()``)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from ballast.accounts import policy
from ballast.attraction.models import Lead, ReserveEntry

# The words this app's panels add to the project page and the cockpit (their templates
# belong to projects and dashboards), kept in this app's catalogue.
PANEL_WORDS = (
    gettext_noop("储备库梯次"),
    gettext_noop("纳入储备库"),
    gettext_noop("调整"),
    gettext_noop("招商引资"),
    gettext_noop("年内签约 · %(amount)s亿元"),
)


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
