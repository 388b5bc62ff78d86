"""The projects' entry of the main menu (see ballast.web.menu)."""

from django.utils.translation import gettext_lazy as _

ENTRIES = (
    {"order": 10, "label": _("项目"), "url": "projects:project_list", "needs": ("project.view",)},
    # the node plans of the person's scope; a department officer's nodes to answer
    {"order": 12, "label": _("节点计划"), "url": "projects:nodes", "needs": ("node.view",)},
    {
        "order": 64,
        "label": _("交付信心"),
        "url": "projects:confidence",
        "needs": ("view_confidence",),
    },
)
