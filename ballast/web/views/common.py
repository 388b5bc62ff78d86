"""Helpers the pages share: who lands where, safe redirects, the page's as-of date."""

from ballast.accounts import policy
from ballast.accounts.choices import Role
from ballast.web.redirects import back  # noqa: F401  (the pages' import)

# Where each role lands after signing in; roles not listed get the home page itself.
LANDING = {
    Role.UNIT_CLERK: "web:report_month",
    Role.UNIT_REVIEWER: "web:review_unit",
    Role.CITY_REVIEWER: "web:review_city",
    # 安全管理员: their work is the accounts.
    Role.SECURITY_ADMIN: "accounts:user_list",
}
COCKPIT_ROLES = (Role.CITY_ADMIN, Role.LEADER)


def shows_cockpit(user) -> bool:
    return user.is_superuser or user.role in COCKPIT_ROLES


def may_group(user, action: str, group: str) -> bool:
    return action in policy.allowed_actions(user, group)
