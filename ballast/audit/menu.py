"""The audit trail's entries of the main menu (see ballast.web.menu)."""

from django.utils.translation import gettext_lazy as _

ENTRIES = (
    {"order": 160, "label": _("审计日志"), "url": "audit:trail", "needs": ("audit.view",)},
    {"order": 170, "label": _("登录日志"), "url": "audit:logins", "needs": ("audit.view",)},
)
