"""The monthly reports' entries of the main menu (see ballast.web.menu)."""

from django.utils.translation import gettext_lazy as _

ENTRIES = (
    {"order": 20, "label": _("月度填报"), "url": "reports:report_month", "needs": ("report.view",)},
    {
        "order": 30,
        "label": _("板块审核"),
        "url": "reports:review_unit",
        "needs": ("report.approve",),
    },
    {
        "order": 40,
        "label": _("市级验收"),
        "url": "reports:review_city",
        "needs": ("report.accept",),
    },
)
