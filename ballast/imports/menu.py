"""The imports' entry of the main menu (see ballast.web.menu)."""

from django.utils.translation import gettext_lazy as _

ENTRIES = (
    {"order": 130, "label": _("导入导出"), "url": "imports:upload", "needs": ("import.view",)},
    {
        "order": 64,
        "label": _("统计局入库比对"),
        "url": "imports:bureau",
        "needs": ("spotcheck.view",),
    },
)
