"""The bulletins' entry of the main menu (see ballast.web.menu)."""

from django.utils.translation import gettext_lazy as _

ENTRIES = (
    {"order": 140, "label": _("通报"), "url": "bulletins:list", "needs": ("bulletin.view",)},
)
