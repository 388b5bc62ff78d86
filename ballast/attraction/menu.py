"""The attraction entries of the main menu (see ballast.web.menu)."""

from django.utils.translation import gettext_lazy as _

ENTRIES = (
    {"order": 15, "label": _("招商线索"), "url": "attraction:leads", "needs": ("lead.view",)},
)
