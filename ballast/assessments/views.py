"""The rankings page (考核排名): a scheme's result for a period, its export and the rank
history. Numbers come from :mod:`ballast.assessments.selectors`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from ballast.accounts import policy
from ballast.assessments import selectors
from ballast.assessments.services import ensure_schemes_on_first_visit
from ballast.assessments.tables import ranking_columns
from ballast.core.cache import cached
from ballast.core.periods import Period
from ballast.projects.selectors import city_in_scope
from ballast.web.exports import table_export
from ballast.web.pages import as_of_param


@login_required
def rankings(request):
    user = request.user
    if not policy.may_do(user, "view_rankings"):
        raise PermissionDenied(_("您没有查看考核排名的权限。"))
    as_of, today = as_of_param(request)
    city = city_in_scope(user, request.GET.get("city"))
    ensure_schemes_on_first_visit(user=user, city=city)
    schemes = list(selectors.schemes_of(user, city))
    scheme = None
    if (request.GET.get("scheme") or "").isdigit():
        scheme = next((s for s in schemes if s.pk == int(request.GET["scheme"])), None)
    scheme = scheme or selectors.default_scheme(schemes)
    context = {
        "as_of": as_of,
        "is_today": as_of == today,
        "schemes": schemes,
        "scheme": scheme,
    }
    if scheme is not None:
        period = None
        try:
            if request.GET.get("period"):
                period = Period.parse(request.GET["period"])
        except ValueError:
            messages.error(request, _("期间格式不正确，已改为当前期间。"))
        default = selectors.period_for(scheme, as_of)
        if period is None or period.kind != default.kind:
            period = default
        own = None if user.is_above_units or user.is_superuser else user.region
        data = cached(
            ("ranking", policy.cache_scope(user), scheme.pk, str(period), as_of),
            lambda: selectors.ranking(
                user=user, city=city, as_of=as_of, scheme=scheme, period=period, highlight=own
            ),
        )
        indicators = list(scheme.indicators.all())
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            return table_export(
                export,
                ranking_columns(indicators),
                data["result"].rows,
                f"ranking-{data['period']}",
                f"{data['period']}考核排名",
            )
        history = selectors.rank_history(user=user, scheme=scheme)
        current = {r["unit"]: r["rank"] for r in data["result"].rows}
        if not any(h["period"] == data["period"] for h in history):
            history.append({"period": data["period"], "ranks": current})
        context.update(
            {
                "data": data,
                "period": data["period"],
                "previous_period": str(period.previous()),
                "indicators": indicators,
                "history": {
                    "periods": [h["period"] for h in history],
                    "units": [
                        {
                            "name": r["unit_name"],
                            "ranks": [h["ranks"].get(r["unit"]) for h in history],
                        }
                        for r in data["result"].rows
                    ],
                    # {n} is filled in by charts.js
                    "texts": {"rank": _("第 {n} 名"), "axis": _("名次")},
                },
            }
        )
    return render(request, "assessments/rankings.html", context)
