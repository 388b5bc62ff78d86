"""The province cockpit (省级驾驶舱): a province office compares its cities side by side.

A thin door: the figures are ``dashboards.selectors.province_cockpit`` (through
``figures.selectors``); who sees which province is ``accounts.policy.province_for``.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ballast.accounts import policy
from ballast.dashboards import selectors
from ballast.web.clock import parse_date, request_today


@login_required
def province_cockpit(request):
    """Every city of the province: projects, investment against 序时进度, starts, warnings.

    A person of one city (or unit) is taken to their own cockpit: the comparison of cities
    is the province's.
    """
    user = request.user
    if not policy.may_do(user, "view_cockpit"):
        raise PermissionDenied(_("您没有查看驾驶舱的权限。"))
    province = policy.province_for(user, request.GET.get("province"))
    if province is None:
        return redirect("dashboards:cockpit")
    today = request_today()
    as_of = parse_date(request.GET.get("as_of"), today)
    data = selectors.province_cockpit(user=user, province=province, as_of=as_of)
    return render(
        request,
        "dashboards/province.html",
        {**data, "as_of": as_of, "as_of_text": as_of.isoformat(), "is_today": as_of == today},
    )
