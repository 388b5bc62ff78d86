"""Template helpers: navigation by role, money in 万元/亿元, percentages."""

from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from ballast.accounts import policy
from ballast.accounts.models import User
from ballast.core.money import quantize, wan_to_yi
from ballast.projects.models import Project
from ballast.reports.models import MonthlyReport
from ballast.web.labels import month_label

register = template.Library()


@register.inclusion_tag("web/_nav.html", takes_context=True)
def nav(context):
    """The menu of what the signed-in person may use."""
    request = context["request"]
    user = request.user
    items = [(_("首页"), reverse("web:home"))]
    if policy.may(user, policy.VIEW, Project):
        items.append((_("项目"), reverse("web:project_list")))
    if policy.may(user, policy.VIEW, MonthlyReport):
        items.append((_("月度填报"), reverse("web:report_month")))
    if policy.may(user, policy.APPROVE, MonthlyReport):
        items.append((_("板块审核"), reverse("web:review_unit")))
    if policy.may(user, policy.ACCEPT, MonthlyReport):
        items.append((_("市级验收"), reverse("web:review_city")))
    if policy.may(user, policy.VIEW, User):
        items.append((_("账户管理"), reverse("accounts:user_list")))
    if user.is_superuser or user.role == "city_admin":
        items.append((_("管理后台"), reverse("admin:index")))
    if policy.VIEW in policy.allowed_actions(user, "audit"):
        items.append((_("审计日志"), reverse("audit:trail")))
        items.append((_("登录日志"), reverse("audit:logins")))
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
