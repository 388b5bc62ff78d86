"""The cockpits with their drill-down, a leader's portfolio and the 挂图作战 map (the
issues board, visits and tours are coordination's pages, the rankings assessments', the
warnings alerts'). Querysets start from ``Model.objects.restrict(request.user)``;
numbers come from the domain selectors through :mod:`ballast.dashboards.selectors`."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ballast.accounts import policy
from ballast.accounts.models import User
from ballast.alerts.choices import Level as WarningLevel
from ballast.assessments.services import ensure_schemes_on_first_visit
from ballast.attraction.selectors import attraction_figures, leads_visible
from ballast.coordination.selectors import leader_portfolio
from ballast.core.cache import cached
from ballast.core.periods import Period
from ballast.dashboards import selectors
from ballast.dashboards.filtersets import LeaderFilterSet
from ballast.dashboards.tables import LeaderTable, TargetTable
from ballast.projects.choices import STAGE_ORDER
from ballast.projects.filtersets import TargetFilterSet
from ballast.projects.labels import stage_choices, stage_label
from ballast.projects.models import Project, UnitTarget
from ballast.projects.selectors import (
    batches,
    city_in_scope,
    reached_by,
    reached_in,
    visible_units,
    with_stage_as_of,
)
from ballast.regions.models import Region, within
from ballast.web.clock import parse_date, request_today
from ballast.web.pages import PAGE_SIZE, as_of_param, query_without_page, unit_param
from ballast.web.views.generic import ObjectListView, ObjectView


def _units(user):
    return list(visible_units(user))


# --------------------------------------------------------------------------- cockpits


@login_required
def cockpit(request):
    """The city cockpit; unit people are taken to their unit's cockpit."""
    user = request.user
    if not policy.may_do(user, "view_cockpit"):
        raise PermissionDenied(_("您没有查看驾驶舱的权限。"))
    if user.is_province_level and not request.GET.get("city"):
        query = request.GET.urlencode()
        target = reverse("dashboards:province")
        return redirect(f"{target}?{query}" if query else target)
    if not (user.is_superuser or user.is_above_units):
        query = request.GET.urlencode()
        target = reverse("dashboards:unit_cockpit", args=[user.region.code])
        return redirect(f"{target}?{query}" if query else target)
    return _cockpit_page(request, city_in_scope(user, request.GET.get("city")))


@login_required
def unit_cockpit(request, unit_code: str):
    user = request.user
    if not policy.may_do(user, "view_cockpit"):
        raise PermissionDenied(_("您没有查看驾驶舱的权限。"))
    unit = visible_units(user).filter(code=unit_code).first()
    if unit is None:
        raise Http404(_("没有这个板块，或不在您的范围内。"))
    return _cockpit_page(request, unit)


def _attraction_panel(user, region: Region, as_of):
    """The cockpit's 招商 panel: the year's funnel and signed leads of the region, from
    ``attraction.selectors`` (None for a person who does not read leads)."""
    if not policy.may_do(user, "lead.view"):
        return None
    leads = leads_visible(user=user).filter(within("unit", region))
    return attraction_figures(leads=leads, start=as_of.replace(month=1, day=1), end=as_of)


def _cockpit_page(request, region: Region):
    as_of, today = as_of_param(request)
    city = region.city
    ensure_schemes_on_first_visit(user=request.user, city=city)
    user = request.user
    data = cached(
        ("cockpit", policy.cache_scope(user), region.pk, as_of),
        lambda: selectors.cockpit(user=user, region=region, as_of=as_of),
    )
    return render(
        request,
        "dashboards/cockpit.html",
        {
            **data,
            "attraction": _attraction_panel(user, region, as_of),
            "as_of": as_of,
            "is_today": as_of == today,
            "units": _units(request.user),
            # the cached figures carry Chinese labels; the chart names them in the
            # person's language
            "chart": {
                "funnel": [
                    {"name": stage_label(s["value"]), "value": s["n"], "href": s["href"]}
                    for s in data["funnel"]
                ],
                "investment": [
                    {
                        "name": row["name"],
                        "rate": _pct(row["completion_rate"]),
                        "progress": _pct(row["time_progress"]),
                        "href": row["href"],
                    }
                    for row in data["investment"]
                ],
                "warnings": [
                    {
                        "name": _(lv["label"]),
                        "value": lv["n"],
                        "level": lv["value"],
                        "href": lv["href"],
                    }
                    for lv in data["warnings"]["levels"]
                ],
                "texts": {
                    # {name} and {n} are filled in by charts.js
                    "funnel_tip": _("{name}：{n} 个项目（点击查看清单）"),
                    "rate": _("投资完成率"),
                    "progress": _("序时进度"),
                },
            },
        },
    )


def _pct(value):
    """A rate (0.5 = 50%) as a percent number for the charts, one place."""
    if value is None:
        return None
    return float(round(value * 100, 1))


@login_required
def drill(request):
    """The projects behind a cockpit number the project list has no filter for: those
    reaching a stage within a window (``reached``, ``start``, ``end``; with ``then``,
    those of them that had also reached that stage by ``end``), or a 四个一批 batch."""
    user = request.user
    if not policy.may(user, policy.VIEW, Project):
        raise PermissionDenied(_("您没有查看项目的权限。"))
    today = request_today()
    start = parse_date(request.GET.get("start"), date(today.year, 1, 1))
    end = parse_date(request.GET.get("end"), today)
    units = _units(user)
    unit = unit_param(request, units)
    projects = Project.objects.restrict(user).select_related("unit")
    if unit is not None:
        projects = projects.filter(unit=unit)
    title = _("项目清单")
    batch = request.GET.get("batch")
    reached = request.GET.get("reached")
    then = request.GET.get("then")
    if batch in {"signed_landed", "started", "completed", "reserve"}:
        period = Period(start.year, "Q", (start.month - 1) // 3 + 1)
        projects = getattr(batches(projects=projects, period=period, as_of=end), batch)
        label = dict((k, label) for k, label, __ in selectors.BATCH_LABELS)[batch]
        title = _("%(batch)s一批") % {"batch": _(label)}
    elif reached in STAGE_ORDER:
        projects = projects.filter(reached_in(reached, start, end))
        title = _("%(start)s 至 %(end)s %(stage)s的项目") % {
            "start": f"{start:%Y-%m-%d}",
            "end": f"{end:%Y-%m-%d}",
            "stage": stage_label(reached),
        }
        if then in STAGE_ORDER:
            projects = projects.filter(reached_by(then, end))
            title += _("（其中截至 %(end)s 已%(stage)s）") % {
                "end": f"{end:%Y-%m-%d}",
                "stage": stage_label(then),
            }
    projects = with_stage_as_of(projects, end).order_by("unit__sort_order", "-total_investment")
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboards/drill.html",
        {
            "title": title,
            "unit": unit,
            "page": page,
            "query": query_without_page(request),
            "stage_of": {n: stage_label(s) for s, n in STAGE_ORDER.items()},
            "end": end,
        },
    )


# --------------------------------------------------------------------------- leaders


class LeaderList(ObjectListView):
    """The linked leaders (挂钩领导) of the person's area with the count of their projects
    the person may see: searched by name, filtered by the unit of those projects, in
    pages; the export writes the same table."""

    model = User
    action = "view_leaders"
    denied_message = gettext_lazy("您没有查看挂钩领导的权限。")
    template_name = "dashboards/leaders.html"
    table_class = LeaderTable
    filterset_class = LeaderFilterSet
    export_filename = "挂钩领导"
    export_title = "挂钩领导"

    def filterset_kwargs(self):
        return {"user": self.request.user}

    def get_queryset(self):
        user = self.request.user
        visible = Project.objects.restrict(user)
        return (
            policy.leaders_for(user)
            .select_related("region")
            .annotate(
                n=Count("linked_projects", filter=Q(linked_projects__in=visible), distinct=True)
            )
            .filter(n__gt=0)
            .order_by("-n", "full_name", "pk")
        )


class LeaderView(ObjectView):
    """A leader's portfolio (the projects linked to them that the person may see), as of
    a date: stage, warnings and open issues of each."""

    model = User
    action = "view_leaders"
    denied_message = gettext_lazy("您没有查看挂钩领导的权限。")
    hide_when_refused = False  # the leaders' pages are named in the menu: say why not
    template_name = "dashboards/leader.html"
    context_object_name = "leader"

    def get_queryset(self):
        return policy.leaders_for(self.request.user)

    def get_extra_context(self):
        user, leader = self.request.user, self.object
        as_of, today = as_of_param(self.request)
        visible = set(
            Project.objects.restrict(user).filter(leaders=leader).values_list("pk", flat=True)
        )
        portfolio = cached(
            ("portfolio", leader.pk, as_of), lambda: leader_portfolio(leader=leader, as_of=as_of)
        )
        rows = [r for r in portfolio if r.project.pk in visible]
        if not rows and not (user.is_above_units or user.is_superuser or user.pk == leader.pk):
            raise Http404(_("没有这位领导挂钩的、您可查看的项目。"))
        units = sorted({r.project.unit for r in rows}, key=lambda u: (u.sort_order, u.display_name))
        shown, chosen = _portfolio_filtered(self.request, rows, units)
        page = Paginator(shown, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return {
            "rows": page.object_list,
            "page": page,
            "query": query_without_page(self.request),
            "n_all": len(rows),
            "n_shown": len(shown),
            "units": units if len(units) > 1 else [],
            "stages": stage_choices(),
            "levels": [
                (WarningLevel.RED.value, _(WarningLevel.RED.label)),
                (WarningLevel.YELLOW.value, _(WarningLevel.YELLOW.label)),
                ("none", _("无预警")),
            ],
            "chosen": chosen,
            "as_of": as_of,
            "is_today": as_of == today,
            "n_warnings": sum(1 for r in shown if r.warnings),
            "n_issues": sum(r.open_issues for r in shown),
        }


def _portfolio_filtered(request, rows, units):
    """The portfolio rows the page's filters keep: ``unit`` (id or code), ``stage`` (a
    stage or "none"), ``level`` ("red", "yellow": a warning of that level; "none": no
    warning). An unknown value is ignored (the whole portfolio)."""
    unit = unit_param(request, units)
    stage = request.GET.get("stage", "")
    if stage not in {value for value, __ in stage_choices()}:
        stage = ""
    level = request.GET.get("level", "")
    if level not in (WarningLevel.RED, WarningLevel.YELLOW, "none"):
        level = ""
    shown = []
    for row in rows:
        if unit is not None and row.project.unit_id != unit.pk:
            continue
        if stage and (row.stage or "none") != stage:
            continue
        levels = {w.level for w in row.warnings}
        if level == "none" and levels:
            continue
        if level and level != "none" and level not in levels:
            continue
        shown.append(row)
    chosen = {"unit": str(unit.pk) if unit else "", "stage": stage, "level": level}
    return shown, chosen


leaders = LeaderList.as_view()
leader_detail = LeaderView.as_view()


# --------------------------------------------------------------------------- map


@login_required
def project_map(request):
    user = request.user
    if not policy.may(user, policy.VIEW, Project):
        raise PermissionDenied(_("您没有查看项目的权限。"))
    as_of, today = as_of_param(request)
    city = city_in_scope(user, request.GET.get("city"))
    units = _units(user)
    unit = unit_param(request, units)
    stage = request.GET.get("stage") or ""
    color = "warning" if request.GET.get("color") == "warning" else "stage"
    projects = Project.objects.restrict(user)
    if unit is not None:
        projects = projects.filter(unit=unit)
    points, without = cached(
        ("map", policy.cache_scope(user), unit.pk if unit else "", as_of),
        lambda: selectors.map_points(projects, as_of=as_of),
    )
    placed = points  # every placed project, before the filters: the zones' markers
    if stage:
        points = [p for p in points if p["stage"] == stage]
        without = [p for p in without if p["stage"] == stage]
    warning = request.GET.get("warning") or ""
    if warning:
        points = [p for p in points if p["warning"] == warning]
        without = [p for p in without if p["warning"] == warning]
    # The cached points carry the Chinese stage label; the page names it in the
    # person's language (copies: the cached dicts stay language-neutral).
    points = [{**p, "stage_label": stage_label(p["stage"])} for p in points]
    without = [{**p, "stage_label": stage_label(p["stage"])} for p in without]
    stages = stage_choices()
    outlines = selectors.outlines(user, city)
    return render(
        request,
        "dashboards/map.html",
        {
            "as_of": as_of,
            "is_today": as_of == today,
            "units": units,
            "unit": unit,
            "stage": stage,
            "stages": stages,
            "warning": warning,
            "color": color,
            "map_data": {
                "outlines": outlines,
                "zones": selectors.zone_markers(outlines, placed, units),
                # the map opens on the chosen unit, or on a unit person's own unit
                "focus": unit.code if unit else (units[0].code if len(units) == 1 else ""),
                "points": points,
                "color": color,
                "stages": [{"value": value, "label": label} for value, label in stages],
                "levels": [
                    {"value": WarningLevel.RED.value, "label": _(WarningLevel.RED.label)},
                    {"value": WarningLevel.YELLOW.value, "label": _(WarningLevel.YELLOW.label)},
                    {"value": "none", "label": _("无预警")},
                ],
                "texts": {
                    "investment": _("总投资"),
                    "wan": _("万元"),
                    "zone": _("功能区"),
                    "zone_note": _("功能区（无行政区划边界，标在其项目坐标的中心）"),
                    "zone_projects": _("图上项目"),
                },
            },
            "without": without,
            "n_points": len(points),
        },
    )


# --------------------------------------------------------------------------- targets


class TargetList(ObjectListView):
    """板块目标与完成 (/targets/): the units' targets by period and indicator with the
    actual figure and share reached beside each (read from the figures' selectors as of
    the page's date); a unit person sees their unit's. The year shown defaults to the
    date's year (an empty year: every year). The city sets targets here (the form in
    ``projects``, the import in ``imports``)."""

    model = UnitTarget
    action = "view_targets"
    denied_message = gettext_lazy("您没有查看板块目标的权限。")
    template_name = "dashboards/targets.html"
    table_class = TargetTable
    filterset_class = TargetFilterSet
    export_title = "板块目标与完成"

    def base_queryset(self):
        return UnitTarget.objects.order_by("unit__sort_order", "unit__code", "period", "indicator")

    def get_rows(self):
        self.as_of, self.today = as_of_param(self.request)
        params = self.request.GET.copy()
        if "year" not in params:
            params["year"] = str(self.as_of.year)
        self.year = params["year"] if params["year"].isdigit() else ""
        self.filterset = TargetFilterSet(
            params, queryset=self.get_queryset(), user=self.request.user
        )
        return selectors.targets_with_actuals(self.filterset.qs, as_of=self.as_of)

    def table_kwargs(self):
        return {"may_edit": policy.may_do(self.request.user, "set_targets")}

    def get_export_filename(self):
        return f"板块目标与完成-{self.year}" if self.year else "板块目标与完成"

    def get_extra_context(self, rows, **kwargs):
        return {
            "as_of": self.as_of,
            "is_today": self.as_of == self.today,
            "year": self.year,
            "may_set": policy.may_do(self.request.user, "set_targets"),
        }


targets = TargetList.as_view()
