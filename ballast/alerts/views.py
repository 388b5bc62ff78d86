"""The warnings page (预警清单) and its export: the registered rules' warnings of the
projects a person may see, as of a date. Querysets start from
``Project.objects.restrict(request.user)``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from ballast.accounts import policy
from ballast.alerts import registry
from ballast.alerts.choices import Level
from ballast.alerts.selectors import warnings_as_of
from ballast.alerts.tables import WARNING_COLUMNS
from ballast.core.cache import cached
from ballast.projects.models import Project
from ballast.projects.selectors import visible_units
from ballast.web.exports import table_export
from ballast.web.labels import translated_choices
from ballast.web.pages import PAGE_SIZE, as_of_param, query_without_page, unit_param


@login_required
def warnings(request):
    user = request.user
    if not policy.may_do(user, "view_warnings"):
        raise PermissionDenied(_("您没有查看预警的权限。"))
    as_of, today = as_of_param(request)
    units = list(visible_units(user))
    unit = unit_param(request, units)
    rule = request.GET.get("rule") or ""
    level = request.GET.get("level") or ""
    projects = Project.objects.restrict(user)
    if unit is not None:
        projects = projects.filter(unit=unit)
    known = set(registry.keys())
    rules = [rule] if rule in known else None
    found = cached(
        ("warnings", policy.cache_scope(user), unit.pk if unit else "", rules, as_of),
        lambda: warnings_as_of(projects=projects, as_of=as_of, rules=rules),
    )
    counts = {lv.value: sum(1 for w in found if w.level == lv.value) for lv in Level}
    if level in counts:
        found = [w for w in found if w.level == level]
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        # the filtered warnings (frozen header, fitted widths, escaped text)
        return table_export(export, WARNING_COLUMNS, found, f"warnings-{as_of:%Y%m%d}", "预警清单")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "alerts/warnings.html",
        {
            "as_of": as_of,
            "is_today": as_of == today,
            "units": units,
            "unit": unit,
            "rules": [(r.key, _(r.label)) for r in registry.all_rules()],
            "rule": rule,
            "levels": translated_choices(Level.choices),
            "level": level,
            "counts": counts,
            "total": len(found),
            "page": page,
            "query": query_without_page(request),
        },
    )
