"""A signed lead's history on its project's page: the project's history starts with the
lead's (its stages and contacts, recorded before the project existed)."""

from django.utils.translation import pgettext_lazy

from ballast.attraction.models import Lead, LeadContact
from ballast.projects.history import register_history


def _lead_rows(history, project):
    return history.filter(id__in=Lead.objects.filter(project=project).values("pk"))


def _contact_rows(history, project):
    return history.filter(lead_id__in=Lead.objects.filter(project=project).values("pk"))


def register() -> None:
    register_history(Lead, pgettext_lazy("history", "招商线索"), _lead_rows)
    register_history(LeadContact, pgettext_lazy("history", "对接记录"), _contact_rows)
