"""The accounts' entry of the main menu (see ballast.web.menu)."""

from django.utils.translation import gettext_lazy as _

ENTRIES = (
    {"order": 150, "label": _("账户管理"), "url": "accounts:user_list", "needs": ("account.view",)},
)
