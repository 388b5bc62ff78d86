"""The projects' entry of the main menu (see ballast.web.menu)."""

from django.utils.translation import gettext_lazy as _

ENTRIES = (
    {"order": 10, "label": _("项目"), "url": "projects:project_list", "needs": ("project.view",)},
    {
        "order": 64,
        "label": _("交付信心"),
        "url": "projects:confidence",
        "needs": ("view_confidence",),
    },
)
