"""The rankings' entry of the main menu (see ballast.web.menu)."""

from django.utils.translation import gettext_lazy as _

ENTRIES = (
    {
        "order": 80,
        "label": _("考核排名"),
        "url": "assessments:rankings",
        "needs": ("project.view", "target.view"),
    },
    {
        "order": 82,
        "label": _("亩均评价"),
        "url": "assessments:mujun",
        "needs": ("view_mujun",),
    },
)
