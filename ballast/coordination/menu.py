"""The coordination entries of the main menu (see ballast.web.menu)."""

from django.utils.translation import gettext_lazy as _

ENTRIES = (
    {"order": 70, "label": _("问题"), "url": "coordination:issues", "needs": ("issue.view",)},
    {"order": 90, "label": _("走访记录"), "url": "coordination:visits", "needs": ("service.view",)},
    {"order": 100, "label": _("观摩评比"), "url": "coordination:tours", "needs": ("tour.view",)},
)
