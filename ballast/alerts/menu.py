"""The warnings' entry of the main menu (see ballast.web.menu)."""

from django.utils.translation import gettext_lazy as _

ENTRIES = (
    {
        "order": 60,
        "label": _("预警"),
        "url": "alerts:warnings",
        "needs": ("project.view", "target.view"),
    },
    {
        "order": 62,
        "label": _("数据质量"),
        "url": "alerts:integrity",
        "needs": ("project.view", "target.view"),
    },
    {
        "order": 63,
        "label": _("超期项目"),
        "url": "alerts:overruns",
        "needs": ("view_overruns",),
    },
    {
        "order": 64,
        "label": _("现场抽查"),
        "url": "alerts:check_draws",
        "needs": ("spotcheck.view",),
    },
)
