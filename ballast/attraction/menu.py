"""The attraction entries of the main menu (see ballast.web.menu)."""

from django.utils.translation import gettext_lazy as _

ENTRIES = (
    {"order": 15, "label": _("招商线索"), "url": "attraction:leads", "needs": ("lead.view",)},
    {
        "order": 16,
        "label": _("招商图谱"),
        "url": "attraction:chain_map",
        "needs": ("lead.view", "config.view"),
    },
    {
        "order": 18,
        "label": _("招商攻坚"),
        "url": "attraction:campaigns",
        "needs": ("lead.view", "config.view"),
    },
    {"order": 17, "label": _("储备库"), "url": "attraction:reserve", "needs": ("project.view",)},
)
