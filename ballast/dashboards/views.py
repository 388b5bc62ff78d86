"""The cockpits, warnings, issues board, rankings, visits and tours, a leader's portfolio
and the 挂图作战 map. Querysets start from ``Model.objects.restrict(request.user)``;
numbers come from the domain selectors through :mod:`ballast.dashboards.selectors`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ballast.accounts import policy
from ballast.accounts.choices import Role
from ballast.accounts.models import Department, User
from ballast.alerts import registry
from ballast.alerts.choices import Level as WarningLevel
from ballast.alerts.selectors import warnings_as_of
from ballast.assessments.models import Scheme
from ballast.assessments.services import ensure_default_schemes
from ballast.coordination import services as coordination
from ballast.coordination.choices import IssueStatus
from ballast.coordination.models import Issue, Tour, TourProject, Visit
from ballast.coordination.selectors import (
    closed_by_q,
    issues_visible,
    leader_portfolio,
    open_q,
    overdue_q,
    tour_project_scores,
    tour_unit_scores,
    visit_coverage,
)
from ballast.core.db import IdIn
from ballast.core.periods import Period
from ballast.dashboards import selectors
from ballast.dashboards.cache import cached, scope_key
from ballast.figures.selectors import quarter_of
from ballast.projects.choices import STAGE_ORDER
from ballast.projects.models import Project
from ballast.projects.selectors import batches, reached_by, reached_in, with_stage_as_of
from ballast.regions.models import Region, within
from ballast.web.clock import parse_date, request_today
from ballast.web.exports import table_export
from ballast.web.labels import stage_choices, stage_label, translated_choices
from ballast.web.views.common import back

PAGE_SIZE = 50


def _as_of(request) -> tuple[date, date]:
    today = request_today()
    return parse_date(request.GET.get("as_of"), today), today


def _city_of(user, request=None) -> Region:
    """The city of the page: the person's own, or the one a province person chose
    (``?city=CODE``, a city of their province)."""
    code = request.GET.get("city") if request is not None else None
    city = policy.city_for(user, code)
    if city is None:
        raise PermissionDenied(_("您的账号没有所属地区。"))
    return city


def _units(user):
    return list(selectors.cockpit_units(user))


def _unit_param(request, units) -> Region | None:
    """The ``unit`` query parameter (id or code) when it is one of ``units``."""
    value = (request.GET.get("unit") or "").strip()
    if not value:
        return None
    for unit in units:
        if str(unit.pk) == value or unit.code == value:
            return unit
    return None


# --------------------------------------------------------------------------- cockpits


@login_required
def cockpit(request):
    """The city cockpit; unit people are taken to their unit's cockpit."""
    user = request.user
    if not selectors.may_see_cockpit(user):
        raise PermissionDenied(_("您没有查看驾驶舱的权限。"))
    if user.is_province_level and not request.GET.get("city"):
        query = request.GET.urlencode()
        target = reverse("dashboards:province")
        return redirect(f"{target}?{query}" if query else target)
    if not (user.is_superuser or user.is_above_units):
        query = request.GET.urlencode()
        target = reverse("dashboards:unit_cockpit", args=[user.region.code])
        return redirect(f"{target}?{query}" if query else target)
    return _cockpit_page(request, _city_of(user, request))


@login_required
def unit_cockpit(request, unit_code: str):
    user = request.user
    if not selectors.may_see_cockpit(user):
        raise PermissionDenied(_("您没有查看驾驶舱的权限。"))
    unit = selectors.cockpit_units(user).filter(code=unit_code).first()
    if unit is None:
        raise Http404(_("没有这个板块，或不在您的范围内。"))
    return _cockpit_page(request, unit)


def _ensure_schemes(user, city: Region) -> None:
    """A city without assessment schemes gets the shipped ones on its administrator's
    first visit (others see no ranking until then)."""
    if policy.may(user, policy.ADD, Scheme) and not Scheme.objects.filter(city=city).exists():
        ensure_default_schemes(city, user=user)


def _cockpit_page(request, region: Region):
    as_of, today = _as_of(request)
    city = region.city
    _ensure_schemes(request.user, city)
    user = request.user
    data = cached(
        ("cockpit", scope_key(user), region.pk, as_of),
        lambda: selectors.cockpit(user=user, region=region, as_of=as_of),
    )
    return render(
        request,
        "dashboards/cockpit.html",
        {
            **data,
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
    unit = _unit_param(request, units)
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
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "dashboards/drill.html",
        {
            "title": title,
            "unit": unit,
            "page": page,
            "query": params.urlencode(),
            "stage_of": {n: stage_label(s) for s, n in STAGE_ORDER.items()},
            "end": end,
        },
    )


# --------------------------------------------------------------------------- warnings


@login_required
def warnings(request):
    user = request.user
    if not policy.may(user, policy.VIEW, Project) or user.role == Role.ENTERPRISE:
        raise PermissionDenied(_("您没有查看预警的权限。"))
    as_of, today = _as_of(request)
    units = _units(user)
    unit = _unit_param(request, units)
    rule = request.GET.get("rule") or ""
    level = request.GET.get("level") or ""
    projects = Project.objects.restrict(user)
    if unit is not None:
        projects = projects.filter(unit=unit)
    known = set(registry.keys())
    rules = [rule] if rule in known else None
    found = cached(
        ("warnings", scope_key(user), unit.pk if unit else "", rules, as_of),
        lambda: warnings_as_of(projects=projects, as_of=as_of, rules=rules),
    )
    counts = {lv.value: sum(1 for w in found if w.level == lv.value) for lv in WarningLevel}
    if level in counts:
        found = [w for w in found if w.level == level]
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _warnings_export(found, f"warnings-{as_of:%Y%m%d}", export)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "dashboards/warnings.html",
        {
            "as_of": as_of,
            "is_today": as_of == today,
            "units": units,
            "unit": unit,
            "rules": [(r.key, _(r.label)) for r in registry.all_rules()],
            "rule": rule,
            "levels": translated_choices(WarningLevel.choices),
            "level": level,
            "counts": counts,
            "total": len(found),
            "page": page,
            "query": params.urlencode(),
        },
    )


WARNING_COLUMNS = (
    ("项目代码", lambda w: w.project_code or ""),
    ("项目名称", lambda w: w.project_name),
    ("板块", lambda w: w.unit_name),
    ("挂钩领导", lambda w: "、".join(w.leaders)),
    ("预警规则", lambda w: w.rule_label),
    ("预警等级", lambda w: w.level_label),
    ("起始日期", lambda w: w.since.isoformat()),
    ("说明", lambda w: w.detail),
)


def _warnings_export(found, name: str, kind: str) -> HttpResponse:
    """The filtered warnings as CSV or xlsx (frozen header, fitted widths, escaped text)."""
    return table_export(kind, WARNING_COLUMNS, found, name, "预警清单")


# --------------------------------------------------------------------------- issues

BOARD_LIMIT = 40
STATES = {
    "open": (gettext_lazy("未销号"), open_q),
    "overdue": (gettext_lazy("逾期"), overdue_q),
    "closed": (gettext_lazy("已销号"), closed_by_q),
}


def _date(value) -> str:
    return value.isoformat() if value else ""


ISSUE_COLUMNS = (
    ("项目代码", lambda i: (i.project.code or "") if i.project else ""),
    ("项目名称", lambda i: i.project.name if i.project else ""),
    ("板块", lambda i: i.project.unit.display_name if i.project else ""),
    ("问题类别", lambda i: i.get_category_display()),
    ("重大事项", lambda i: "是" if i.is_major else ""),
    ("问题描述", lambda i: i.description),
    ("责任部门", lambda i: i.department.name if i.department else ""),
    ("责任人", lambda i: i.responsible_name),
    ("提出日期", lambda i: _date(i.raised_on)),
    ("办结期限", lambda i: _date(i.deadline)),
    ("状态", lambda i: i.get_status_display()),
    ("办结日期", lambda i: _date(i.resolved_on)),
    ("办理结果", lambda i: i.resolution),
    ("销号日期", lambda i: _date(i.closed_on)),
)


@login_required
def issues(request):
    """The issues board by state; a department officer's view is their inbox."""
    user = request.user
    if not policy.may(user, policy.VIEW, Issue):
        raise PermissionDenied(_("您没有查看问题协调的权限。"))
    as_of, today = _as_of(request)
    units = _units(user)
    unit = _unit_param(request, units)
    state = request.GET.get("state") or ""
    department_id = request.GET.get("department") or ""
    scoped = issues_visible(user=user).filter(raised_on__lte=as_of)
    if unit is not None:
        scoped = scoped.filter(project__unit=unit)
    if department_id.isdigit():
        scoped = scoped.filter(department_id=int(department_id))
    if state in STATES:
        scoped = scoped.filter(STATES[state][1](as_of))
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = scoped.select_related("project__unit", "department").order_by(
            "status", "deadline", "raised_on", "pk"
        )
        return table_export(export, ISSUE_COLUMNS, rows, f"issues-{as_of:%Y%m%d}", "问题协调")
    counts = scoped.order_by().aggregate(
        **{s.value: Count("pk", filter=Q(status=s.value)) for s in IssueStatus},
        overdue=Count("pk", filter=overdue_q(as_of)),
    )
    columns = []
    for status in IssueStatus:
        rows = list(
            scoped.filter(status=status.value).order_by("deadline", "raised_on", "pk")[:BOARD_LIMIT]
        )
        columns.append(
            {
                "value": status.value,
                "label": _(status.label),
                "n": counts[status.value],
                "rows": rows,
            }
        )
    # A department officer sees the issues sent to them, not every project page behind
    # them: link only the projects this person may open.
    on_board = {i.project_id for col in columns for i in col["rows"] if i.project_id}
    viewable = set(
        Project.objects.restrict(user).filter(IdIn("pk", on_board)).values_list("pk", flat=True)
    )
    city_id = user.city_id_in_scope
    departments = Department.objects.filter(city_id=city_id).order_by("name") if city_id else []
    return render(
        request,
        "dashboards/issues.html",
        {
            "as_of": as_of,
            "today": today,
            "is_today": as_of == today,
            "units": units,
            "unit": unit,
            "state": state,
            "states": [(k, v[0]) for k, v in STATES.items()],
            "department_id": department_id,
            "departments": departments,
            "columns": columns,
            "viewable": viewable,
            "overdue": counts["overdue"],
            "limit": BOARD_LIMIT,
            "is_inbox": user.role == Role.DEPARTMENT,
            "may_progress": policy.PROGRESS in policy.allowed_actions(user, "issue"),
            "may_confirm": policy.CONFIRM in policy.allowed_actions(user, "issue"),
        },
    )


ACTIONS = {
    "acknowledge": gettext_lazy("受理"),
    "progress": gettext_lazy("开始办理"),
    "resolve": gettext_lazy("办结"),
    "confirm": gettext_lazy("确认销号"),
    "close": gettext_lazy("确认销号"),
    "reopen": gettext_lazy("重新打开"),
}


@login_required
@require_POST
def issue_action(request, pk: int, action: str):
    """Acknowledge / progress / resolve / confirm (close) / reopen through the services."""
    user = request.user
    issue = get_object_or_404(Issue.objects.restrict(user), pk=pk)
    if action not in ACTIONS:
        raise Http404(_("未知操作。"))
    # the answering side works on an issue, the raising side confirms or reopens it
    needed = policy.CONFIRM if action in ("confirm", "close", "reopen") else policy.PROGRESS
    if needed not in policy.allowed_actions(user, "issue"):
        raise PermissionDenied(policy._denied_message(needed))
    today = request_today()
    try:
        if action == "acknowledge":
            coordination.issue_acknowledge(user=user, issue=issue)
        elif action == "progress":
            coordination.issue_start(user=user, issue=issue)
        elif action == "resolve":
            coordination.issue_resolve(
                user=user, issue=issue, on=today, resolution=request.POST.get("resolution", "")
            )
        elif action in ("confirm", "close"):
            coordination.issue_close(user=user, issue=issue, on=today)
        elif action == "reopen":
            coordination.issue_reopen(user=user, issue=issue, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(
            request,
            _("%(action)s失败：%(errors)s")
            % {"action": ACTIONS[action], "errors": "；".join(exc.messages)},
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("您没有该操作的权限。"))
    else:
        messages.success(request, _("问题已%(action)s。") % {"action": ACTIONS[action]})
    return back(request, "dashboards:issues")


# --------------------------------------------------------------------------- rankings


def _number(value):
    """A score as a Decimal for the spreadsheet; blanks stay blank."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return str(value)


def _points(row, key):
    cell = (row.get("indicators") or {}).get(key)
    if cell is None:
        return None
    points = cell.get("points") if isinstance(cell, dict) else getattr(cell, "points", None)
    return _number(points)


def _move(row) -> str:
    if row.get("move") == "up":
        return f"进{row['move_abs']}"
    if row.get("move") == "down":
        return f"退{row['move_abs']}"
    return ""


def _ranking_columns(indicators):
    columns = [
        ("名次", lambda r: r.get("rank")),
        ("板块", lambda r: r.get("unit_name")),
        ("总分（分）", lambda r: _number(r.get("score"))),
        ("进位/退位", _move),
    ]
    for ind in indicators:
        title = f"{ind.label or ind.key}（分，权重{ind.weight.normalize():f}）"
        columns.append((title, lambda r, key=ind.key: _points(r, key)))
    return columns


@login_required
def rankings(request):
    user = request.user
    if not selectors.may_see_cockpit(user):
        raise PermissionDenied(_("您没有查看考核排名的权限。"))
    as_of, today = _as_of(request)
    city = _city_of(user, request)
    _ensure_schemes(user, city)
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
            ("ranking", scope_key(user), scheme.pk, str(period), as_of),
            lambda: selectors.ranking(
                user=user, city=city, as_of=as_of, scheme=scheme, period=period, highlight=own
            ),
        )
        indicators = list(scheme.indicators.all())
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            return table_export(
                export,
                _ranking_columns(indicators),
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
    return render(request, "dashboards/rankings.html", context)


# --------------------------------------------------------------------------- visits, tours


VISIT_COLUMNS = (
    ("日期", lambda v: _date(v.date)),
    ("项目代码", lambda v: v.project.code or ""),
    ("项目名称", lambda v: v.project.name),
    ("板块", lambda v: v.project.unit.display_name),
    ("走访人", lambda v: str(v.visitor)),
    ("方式", lambda v: v.get_kind_display()),
    ("发现情况", lambda v: v.findings),
)


@login_required
def visits(request):
    user = request.user
    if not policy.may(user, policy.VIEW, Visit):
        raise PermissionDenied(_("您没有查看走访记录的权限。"))
    as_of, today = _as_of(request)
    quarter = quarter_of(as_of)
    start = parse_date(request.GET.get("start"), quarter.start)
    end = parse_date(request.GET.get("end"), min(quarter.end, as_of))
    units = _units(user)
    unit = _unit_param(request, units)
    projects = Project.objects.restrict(user)
    log = (
        Visit.objects.restrict(user)
        .filter(date__gte=start, date__lte=end)
        .select_related("project", "project__unit", "visitor")
        .order_by("-date", "-pk")
    )
    if unit is not None:
        projects = projects.filter(unit=unit)
        log = log.filter(project__unit=unit)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return table_export(
            export, VISIT_COLUMNS, log, f"visits-{start:%Y%m%d}-{end:%Y%m%d}", "走访记录"
        )
    coverage = visit_coverage(projects=projects, start=start, end=end)
    not_visited = list(
        coverage.not_visited.select_related("unit").order_by(
            "unit__sort_order", "-total_investment"
        )[:PAGE_SIZE]
    )
    page = Paginator(log, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "dashboards/visits.html",
        {
            "start": start,
            "end": end,
            "units": units,
            "unit": unit,
            "coverage": coverage,
            "not_visited": not_visited,
            "page": page,
            "query": params.urlencode(),
        },
    )


@login_required
def tours(request):
    user = request.user
    if not policy.may(user, policy.VIEW, Tour):
        raise PermissionDenied(_("您没有查看观摩评比的权限。"))
    rows = (
        Tour.objects.restrict(user)
        .annotate(n_projects=Count("tour_projects", distinct=True))
        .order_by("-date", "-pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dashboards/tours.html", {"page": page, "query": ""})


@login_required
def tour_detail(request, pk: int):
    user = request.user
    tour = get_object_or_404(Tour.objects.restrict(user), pk=pk)
    visible = Project.objects.restrict(user).values("pk")
    shown = list(
        TourProject.objects.restrict(user)
        .filter(tour=tour, project__in=visible)
        .select_related("project", "project__unit")
        .order_by("project__unit__sort_order", "pk")
    )
    scores = tour_project_scores(tour)
    unit_scores = tour_unit_scores(tour)
    own_units = {u.code: u for u in _units(user)}
    unit_rows = sorted(
        (
            {"code": code, "name": own_units[code].display_name, "score": score}
            for code, score in unit_scores.items()
            if code in own_units
        ),
        key=lambda r: -r["score"],
    )
    project_rows = sorted(
        ({"tp": tp, "score": scores.get(tp.pk)} for tp in shown),
        key=lambda r: (r["score"] is None, -(r["score"] or 0)),
    )
    return render(
        request,
        "dashboards/tour_detail.html",
        {"tour": tour, "unit_rows": unit_rows, "project_rows": project_rows},
    )


# --------------------------------------------------------------------------- leaders


def _leaders(user):
    """The linked leaders of ``user``'s area (a leader sees themselves among them)."""
    if policy.scope_root(user) is None:
        return User.objects.none()
    return User.objects.filter(role=Role.LEADER, is_active=True).filter(
        within("region", policy.scope_root(user))
    )


@login_required
def leaders(request):
    user = request.user
    if not policy.may(user, policy.VIEW, Project) or user.role == Role.ENTERPRISE:
        raise PermissionDenied(_("您没有查看挂钩领导的权限。"))
    visible = Project.objects.restrict(user)
    rows = (
        _leaders(user)
        .select_related("region")
        .annotate(n=Count("linked_projects", filter=Q(linked_projects__in=visible), distinct=True))
        .filter(n__gt=0)
        .order_by("-n", "full_name")
    )
    return render(request, "dashboards/leaders.html", {"leaders": rows})


@login_required
def leader_detail(request, pk: int):
    user = request.user
    if not policy.may(user, policy.VIEW, Project) or user.role == Role.ENTERPRISE:
        raise PermissionDenied(_("您没有查看挂钩领导的权限。"))
    leader = get_object_or_404(_leaders(user), pk=pk)
    as_of, today = _as_of(request)
    visible = set(
        Project.objects.restrict(user).filter(leaders=leader).values_list("pk", flat=True)
    )
    portfolio = cached(
        ("portfolio", leader.pk, as_of), lambda: leader_portfolio(leader=leader, as_of=as_of)
    )
    rows = [r for r in portfolio if r.project.pk in visible]
    if not rows and not (user.is_above_units or user.is_superuser or user.pk == leader.pk):
        raise Http404(_("没有这位领导挂钩的、您可查看的项目。"))
    return render(
        request,
        "dashboards/leader.html",
        {
            "leader": leader,
            "rows": rows,
            "as_of": as_of,
            "is_today": as_of == today,
            "n_warnings": sum(1 for r in rows if r.warnings),
            "n_issues": sum(r.open_issues for r in rows),
        },
    )


# --------------------------------------------------------------------------- map


@login_required
def project_map(request):
    user = request.user
    if not policy.may(user, policy.VIEW, Project):
        raise PermissionDenied(_("您没有查看项目的权限。"))
    as_of, today = _as_of(request)
    city = _city_of(user, request)
    units = _units(user)
    unit = _unit_param(request, units)
    stage = request.GET.get("stage") or ""
    color = "warning" if request.GET.get("color") == "warning" else "stage"
    projects = Project.objects.restrict(user)
    if unit is not None:
        projects = projects.filter(unit=unit)
    points, without = cached(
        ("map", scope_key(user), unit.pk if unit else "", as_of),
        lambda: selectors.map_points(projects, as_of=as_of),
    )
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
                "outlines": selectors.outlines(user, city),
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
                },
            },
            "without": without,
            "n_points": len(points),
        },
    )
