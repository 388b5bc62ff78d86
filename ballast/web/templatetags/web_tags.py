"""Template helpers: the menu, dates, money in 万元/亿元, percentages."""

from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ballast.accounts import policy
from ballast.core.money import quantize, wan_to_yi
from ballast.projects.models import Project
from ballast.web.labels import month_label

register = template.Library()


# The main menu: (label, url name, [(access group, action), …] all required). Each entry
# asks the policy, never the role (the pages ask the same questions before they answer).
_FIGURES = [("project", policy.VIEW), ("target", policy.VIEW)]
MENU = (
    (_lazy("项目"), "web:project_list", [("project", policy.VIEW)]),
    (_lazy("月度填报"), "web:report_month", [("report", policy.VIEW)]),
    (_lazy("板块审核"), "web:review_unit", [("report", policy.APPROVE)]),
    (_lazy("市级验收"), "web:review_city", [("report", policy.ACCEPT)]),
    (_lazy("驾驶舱"), "dashboards:cockpit", _FIGURES),
    (_lazy("预警"), "alerts:warnings", _FIGURES),
    (_lazy("问题"), "coordination:issues", [("issue", policy.VIEW)]),
    (_lazy("考核排名"), "assessments:rankings", _FIGURES),
    (_lazy("走访记录"), "coordination:visits", [("service", policy.VIEW)]),
    (_lazy("观摩评比"), "coordination:tours", [("tour", policy.VIEW)]),
    (_lazy("挂钩领导"), "dashboards:leaders", _FIGURES),
    (_lazy("地图"), "dashboards:map", [("project", policy.VIEW)]),
    (_lazy("导入导出"), "imports:upload", [("import", policy.VIEW)]),
    (_lazy("通报"), "bulletins:list", [("bulletin", policy.VIEW)]),
    (_lazy("账户管理"), "accounts:user_list", [("account", policy.VIEW)]),
    (_lazy("审计日志"), "audit:trail", [("audit", policy.VIEW)]),
    (_lazy("登录日志"), "audit:logins", [("audit", policy.VIEW)]),
)
# The Django admin is the configuration's (clusters, rules, schemes): for those who may
# change it. Accounts and the audit trail have their own pages (above).
ADMIN_NEEDS = (("config", policy.CHANGE),)


def menu_items(user) -> list[tuple[str, str]]:
    """(label, url) of every page ``user`` may open, in menu order."""
    items = [(_("首页"), reverse("web:home"))]
    for label, name, needs in MENU:
        if all(action in policy.allowed_actions(user, group) for group, action in needs):
            items.append((str(label), reverse(name)))
    # A linked leader's own portfolio (挂钩项目): for whoever has linked projects.
    figures = all(action in policy.allowed_actions(user, group) for group, action in _FIGURES)
    if figures and Project.objects.filter(leaders=user).exists():
        items.append((_("我的挂钩项目"), reverse("dashboards:leader", args=[user.pk])))
    if any(action in policy.allowed_actions(user, group) for group, action in ADMIN_NEEDS):
        items.append((_("管理后台"), reverse("admin:index")))
    return items


@register.inclusion_tag("web/_nav.html", takes_context=True)
def nav(context):
    """The menu of what the signed-in person may use."""
    request = context["request"]
    items = menu_items(request.user)
    path = request.path
    # The deepest menu entry holding the page is the active one (/reports/city/ is not
    # also /reports/).
    holding = [url for _, url in items if path == url or (url != "/" and path.startswith(url))]
    active = max(holding, key=len) if holding else None
    return {
        "items": [{"label": label, "url": url, "active": url == active} for label, url in items],
        "request": request,
    }


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when absent)."""
    if not isinstance(mapping, dict):
        return None
    return mapping.get(key)


@register.filter
def day(value):
    """A date as 2023-03-08 that never wraps mid-number (``span.date``); blank stays blank,
    so ``|day|default:"—"`` works."""
    if value in (None, ""):
        return ""
    return format_html('<span class="date">{}</span>', value.strftime("%Y-%m-%d"))


@register.filter
def wan(value):
    """An amount in 万元 with thousands separators and two decimals."""
    if value in (None, ""):
        return "—"
    return f"{quantize(value):,.2f}"


@register.filter
def yi(value):
    """An amount in 万元 shown in 亿元."""
    if value in (None, ""):
        return "—"
    return f"{wan_to_yi(value):,.2f}"


@register.filter
def month_name(value):
    """A month number (1–12) as 3月 / Mar; blank stays blank."""
    try:
        month = int(value)
    except (TypeError, ValueError):
        return ""
    return month_label(month) if 1 <= month <= 12 else ""


@register.filter
def pct(value):
    """A share already in percent, one decimal."""
    if value in (None, ""):
        return "—"
    return f"{Decimal(value):.1f}%"


@register.simple_tag(takes_context=True)
def qs_with(context, **changes):
    """The current query string with some parameters changed (``page`` reset)."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()
