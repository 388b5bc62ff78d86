"""Template helpers: the menu, dates, money in 万元/亿元, percentages."""

from decimal import Decimal

from django import template
from django.utils.html import format_html

from ballast.accounts import policy
from ballast.core.money import quantize, wan_to_yi
from ballast.web import menu
from ballast.web.labels import month_label

register = template.Library()


@register.inclusion_tag("web/_nav.html", takes_context=True)
def nav(context):
    """The menu of what the signed-in person may use."""
    request = context["request"]
    items = menu.items_for(request.user)
    path = request.path
    # The deepest menu entry holding the page is the active one (/reports/city/ is not
    # also /reports/).
    holding = [url for _, url in items if path == url or (url != "/" and path.startswith(url))]
    active = max(holding, key=len) if holding else None
    return {
        "items": [{"label": label, "url": url, "active": url == active} for label, url in items],
        "request": request,
    }


@register.simple_tag(takes_context=True)
def can(context, action: str, obj=None) -> bool:
    """Whether the signed-in person may do ``action`` (a named action of the policy, or
    ``"group.action"``), optionally on ``obj``: ``{% can "export_ledger" as may_export %}``
    then ``{% if may_export %}``. The template asks the policy, never the role."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None:
        return False
    return policy.may_do(user, action, obj)


@register.filter(name="can")
def can_filter(user, action: str) -> bool:
    """``{% if user|can:"export_ledger" %}``: the policy's answer for ``user``."""
    return policy.may_do(user, action)


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
