"""Helpers the pages share: who lands where, safe redirects, the page's as-of date."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from ballast.accounts import policy
from ballast.accounts.choices import Role

# Where each role lands after signing in; roles not listed get the home page itself.
LANDING = {
    Role.UNIT_CLERK: "web:report_month",
    Role.UNIT_REVIEWER: "web:review_unit",
    Role.CITY_REVIEWER: "web:review_city",
    # 安全管理员: their work is the accounts.
    Role.SECURITY_ADMIN: "accounts:user_list",
    # 省发改委: the comparison of the province's cities.
    Role.PROVINCE_OFFICER: "dashboards:province",
}
COCKPIT_ROLES = (Role.CITY_ADMIN, Role.LEADER)


def shows_cockpit(user) -> bool:
    return user.is_superuser or user.role in COCKPIT_ROLES


def may_group(user, action: str, group: str) -> bool:
    return action in policy.allowed_actions(user, group)


def back(request, fallback: str, *args):
    """Redirect to the form's ``next`` when it is a local address, else to ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback, *args)
