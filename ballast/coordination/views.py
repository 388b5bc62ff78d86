"""The coordination pages: the issues board (a department officer's inbox) and its
actions, the visit log with its coverage (家家到), and the site tours (观摩评比) with their
scores. Querysets start from ``Model.objects.restrict(request.user)``; every action goes
through :mod:`ballast.coordination.services`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ballast.accounts import policy
from ballast.accounts.models import Department
from ballast.coordination import services
from ballast.coordination.choices import IssueStatus
from ballast.coordination.models import Issue, Tour, TourProject, Visit
from ballast.coordination.selectors import (
    closed_by_q,
    issues_visible,
    open_q,
    overdue_q,
    tour_project_scores,
    tour_unit_scores,
    visit_coverage,
)
from ballast.coordination.tables import ISSUE_COLUMNS, VISIT_COLUMNS
from ballast.core.db import IdIn
from ballast.figures.selectors import quarter_of
from ballast.projects.models import Project
from ballast.projects.selectors import visible_units
from ballast.web.clock import parse_date, request_today
from ballast.web.exports import table_export
from ballast.web.pages import PAGE_SIZE, as_of_param, query_without_page, unit_param
from ballast.web.redirects import back

# --------------------------------------------------------------------------- issues

BOARD_LIMIT = 40
STATES = {
    "open": (gettext_lazy("未销号"), open_q),
    "overdue": (gettext_lazy("逾期"), overdue_q),
    "closed": (gettext_lazy("已销号"), closed_by_q),
}


@login_required
def issues(request):
    """The issues board by state; a department officer's view is their inbox."""
    user = request.user
    if not policy.may(user, policy.VIEW, Issue):
        raise PermissionDenied(_("您没有查看问题协调的权限。"))
    as_of, today = as_of_param(request)
    units = list(visible_units(user))
    unit = unit_param(request, units)
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
        "coordination/issues.html",
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
            "is_inbox": policy.holds(user, "answer_for_department"),
            "may_progress": policy.may_do(user, f"issue.{policy.PROGRESS}"),
            "may_confirm": policy.may_do(user, f"issue.{policy.CONFIRM}"),
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
    if not policy.may_do(user, f"issue.{needed}"):
        raise PermissionDenied(policy._denied_message(needed))
    today = request_today()
    try:
        if action == "acknowledge":
            services.issue_acknowledge(user=user, issue=issue)
        elif action == "progress":
            services.issue_start(user=user, issue=issue)
        elif action == "resolve":
            services.issue_resolve(
                user=user, issue=issue, on=today, resolution=request.POST.get("resolution", "")
            )
        elif action in ("confirm", "close"):
            services.issue_close(user=user, issue=issue, on=today)
        elif action == "reopen":
            services.issue_reopen(user=user, issue=issue, reason=request.POST.get("reason", ""))
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
    return back(request, "coordination:issues")


# --------------------------------------------------------------------------- visits, tours


@login_required
def visits(request):
    user = request.user
    if not policy.may(user, policy.VIEW, Visit):
        raise PermissionDenied(_("您没有查看走访记录的权限。"))
    as_of, __ = as_of_param(request)
    quarter = quarter_of(as_of)
    start = parse_date(request.GET.get("start"), quarter.start)
    end = parse_date(request.GET.get("end"), min(quarter.end, as_of))
    units = list(visible_units(user))
    unit = unit_param(request, units)
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
    return render(
        request,
        "coordination/visits.html",
        {
            "start": start,
            "end": end,
            "units": units,
            "unit": unit,
            "coverage": coverage,
            "not_visited": not_visited,
            "page": page,
            "query": query_without_page(request),
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
    return render(request, "coordination/tours.html", {"page": page, "query": ""})


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
    own_units = {u.code: u for u in visible_units(user)}
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
        "coordination/tour_detail.html",
        {"tour": tour, "unit_rows": unit_rows, "project_rows": project_rows},
    )
