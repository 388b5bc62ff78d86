"""The dashboards' entries of the main menu (see ballast.web.menu)."""

from django.utils.translation import gettext_lazy as _

from ballast.projects.models import Project

FIGURES = ("project.view", "target.view")


def _has_linked_projects(user) -> bool:
    return Project.objects.filter(leaders=user).exists()


def _compares_cities(user) -> bool:
    """A province person (or a superuser) compares the cities of a province."""
    return bool(user.is_superuser or user.is_province_level)


ENTRIES = (
    {
        "order": 45,
        "label": _("全省驾驶舱"),
        "url": "dashboards:province",
        "needs": FIGURES,
        "shown": _compares_cities,
    },
    {"order": 50, "label": _("驾驶舱"), "url": "dashboards:cockpit", "needs": FIGURES},
    {"order": 52, "label": _("板块目标"), "url": "dashboards:targets", "needs": ("view_targets",)},
    {"order": 110, "label": _("挂钩领导"), "url": "dashboards:leaders", "needs": FIGURES},
    {"order": 120, "label": _("地图"), "url": "dashboards:map", "needs": ("project.view",)},
    # A linked leader's own portfolio (挂钩项目): for whoever has linked projects.
    {
        "order": 180,
        "label": _("我的挂钩项目"),
        "url": "dashboards:leader",
        "needs": FIGURES,
        "shown": _has_linked_projects,
        "args": lambda user: [user.pk],
    },
)
