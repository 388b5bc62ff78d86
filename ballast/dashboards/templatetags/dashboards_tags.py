"""Small template helpers of the dashboards."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when absent)."""
    if not isinstance(mapping, dict):
        return None
    return mapping.get(key)


# (label, url name, access group that must be readable, roles left out)
NAV = (
    (_("驾驶舱"), "dashboards:cockpit", "target", ()),
    (_("预警"), "dashboards:warnings", "project", ("enterprise",)),
    (_("问题"), "dashboards:issues", "issue", ()),
    (_("地图"), "dashboards:map", "project", ()),
)


@register.inclusion_tag("dashboards/_nav_links.html", takes_context=True)
def dashboards_nav(context):
    """The dashboards' entries of the main menu, for the roles that may use them."""
    from django.urls import reverse

    from ballast.accounts import policy

    request = context["request"]
    user = request.user
    items = []
    for label, name, group, left_out in NAV:
        if user.role in left_out and not user.is_superuser:
            continue
        if "view" not in policy.allowed_actions(user, group):
            continue
        url = reverse(name)
        items.append({"label": label, "url": url, "active": request.path.startswith(url)})
    if user.role == "leader" and not user.is_superuser:
        url = reverse("dashboards:leader", args=[user.pk])
        items.append({"label": _("我的挂钩项目"), "url": url, "active": request.path == url})
    return {"items": items}
