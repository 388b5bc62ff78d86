"""The coordination pages: the issues board (a department officer's inbox) and its
actions, the visit log with its coverage (家家到), and the site tours (观摩评比) with their
scores. Querysets start from ``Model.objects.restrict(request.user)``; every action goes
through :mod:`ballast.coordination.services`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ballast.accounts import policy
from ballast.accounts.models import Department
from ballast.coordination import services
from ballast.coordination.choices import IssueCategory, IssueStatus
from ballast.coordination.forms import (
    IssueAssignForm,
    IssueRaiseForm,
    StepDoneForm,
    StepForm,
    VisitForm,
)
from ballast.coordination.models import (
    Issue,
    IssueStep,
    Tour,
    TourCriterion,
    TourJudge,
    TourProject,
    TourScore,
    Visit,
)
from ballast.coordination.selectors import (
    closed_by_q,
    issues_visible,
    major_sla,
    open_q,
    overdue_q,
    tour_project_scores,
    tour_unit_scores,
    visit_coverage,
)
from ballast.coordination.tables import ISSUE_COLUMNS, VISIT_COLUMNS
from ballast.core.db import IdIn
from ballast.figures.selectors import quarter_of
from ballast.projects.history import history_rows
from ballast.projects.models import Project
from ballast.projects.selectors import visible_units
from ballast.web.clock import parse_date, request_today
from ballast.web.exports import table_export
from ballast.web.forms import apply_errors
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
    now = timezone.now()
    for col in columns:
        for i in col["rows"]:
            i.sla = major_sla(i, now)
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
            # a department answers issues; it has no projects of its own to raise on
            "may_raise": policy.may_do(user, "raise_issue")
            and Project.objects.restrict(user).exists(),
            "workspace_enterprise": policy.holds(user, "be_project_contact"),
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
    # The version the page showed (a hidden field): a step on an issue someone changed
    # since is refused with who did what (docs/concurrency.md).
    raw = request.POST.get("version") or ""
    version = int(raw) if raw.isdigit() else None
    try:
        if action == "acknowledge":
            services.issue_acknowledge(user=user, issue=issue, expected_version=version)
        elif action == "progress":
            services.issue_start(user=user, issue=issue, expected_version=version)
        elif action == "resolve":
            services.issue_resolve(
                user=user,
                issue=issue,
                on=today,
                resolution=request.POST.get("resolution", ""),
                expected_version=version,
            )
        elif action in ("confirm", "close"):
            services.issue_close(user=user, issue=issue, on=today, expected_version=version)
        elif action == "reopen":
            services.issue_reopen(
                user=user,
                issue=issue,
                reason=request.POST.get("reason", ""),
                expected_version=version,
            )
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


def _raise_projects(user):
    """The projects ``user`` may raise an issue on: their scope's (a clerk's unit, an
    enterprise's own), not terminated."""
    return (
        Project.objects.restrict(user)
        .filter(termination__isnull=True)
        .select_related("unit")
        .order_by("unit__sort_order", "name")
    )


@login_required
def issue_new(request):
    """提出问题（板块）/ 提出诉求（企业）/ 现场发现（领导）: the raiser's own projects only."""
    user = request.user
    if not policy.may_do(user, "raise_issue"):
        raise PermissionDenied(_("您没有提出问题的权限。"))
    projects = _raise_projects(user)
    initial = {}
    if (request.GET.get("project") or "").isdigit():
        initial["project"] = int(request.GET["project"])
    form = IssueRaiseForm(request.POST or None, user=user, projects=projects, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issue = services.issue_raise(
                user=user,
                project=data["project"],
                data={
                    "category": data["category"],
                    "description": data["description"].strip(),
                    "is_major": data["is_major"],
                    "raised_on": request_today(),
                },
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("project", str(exc))
        else:
            messages.success(request, _("已提出，等待交办和受理。"))
            return redirect("coordination:issue_detail", issue.pk)
    enterprise = policy.holds(user, "be_project_contact")
    return render(
        request,
        "coordination/issue_new.html",
        {"form": form, "title": _("提出诉求") if enterprise else _("提出问题")},
    )


def _issue_for(user, pk: int) -> Issue:
    return get_object_or_404(
        Issue.objects.restrict(user).select_related(
            "project",
            "project__unit",
            "department",
            "responsible_person",
            "raised_by",
            "visit",
        ),
        pk=pk,
    )


def _issue_page(request, issue: Issue, *, assign_form=None, step_form=None):
    user = request.user
    steps = list(issue.steps.order_by("planned_on", "pk"))
    history = history_rows(
        [
            (Issue.history.filter(id=issue.pk), Issue, _("问题")),
            (IssueStep.history.filter(issue_id=issue.pk), IssueStep, _("路线图")),
        ]
    )
    may_assign = policy.may_do(user, "assign_issue") and policy.may_do(
        user, f"issue.{policy.CHANGE}", issue
    )
    may_progress = policy.may_do(user, f"issue.{policy.PROGRESS}", issue)
    raiser_side = policy.may_do(user, f"issue.{policy.CONFIRM}", issue) and (
        policy.holds(user, "confirm_any_issue") or issue.raised_by_id == user.pk
    )
    today = request_today()
    return render(
        request,
        "coordination/issue_detail.html",
        {
            "issue": issue,
            "steps": steps,
            "history": history,
            "today": today,
            "sla": major_sla(issue, timezone.now()),
            "project_viewable": Project.objects.restrict(user).filter(pk=issue.project_id).exists(),
            "assign_form": (assign_form or IssueAssignForm(user=user, issue=issue))
            if may_assign and issue.status != IssueStatus.CLOSED
            else None,
            "step_form": (step_form or StepForm())
            if may_progress
            and policy.may_do(user, "edit_roadmap")
            and issue.status != IssueStatus.CLOSED
            else None,
            "done_form": StepDoneForm(initial={"done_on": today}),
            "may_progress": may_progress,
            "raiser_side": raiser_side,
        },
    )


@login_required
@require_GET
def issue_detail(request, pk: int):
    """One issue: its state and SLA clock, the assignment, the roadmap, the steps of the
    flow for the person's side, and every step in its history."""
    return _issue_page(request, _issue_for(request.user, pk))


@login_required
@require_POST
def issue_assign(request, pk: int):
    """交办: department, person, deadline and level (a city or unit officer)."""
    user = request.user
    issue = _issue_for(user, pk)
    if not policy.may_do(user, "assign_issue"):
        raise PermissionDenied(_("只有市级或板块的管理人员可以交办。"))
    form = IssueAssignForm(request.POST, user=user, issue=issue)
    if form.is_valid():
        try:
            services.issue_update(
                user=user,
                issue=issue,
                data=form.service_data(),
                reason=_("交办"),
                expected_version=form.expected_version(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已交办，责任部门和责任人会收到通知。"))
            return redirect("coordination:issue_detail", issue.pk)
    return _issue_page(request, _issue_for(user, pk), assign_form=form)


@login_required
@require_POST
def issue_step_add(request, pk: int):
    """路线图: a dated step with its owner (the answering side)."""
    user = request.user
    issue = _issue_for(user, pk)
    if not policy.may_do(user, "edit_roadmap"):
        raise PermissionDenied(policy._denied_message(policy.PROGRESS))
    form = StepForm(request.POST)
    if form.is_valid():
        try:
            services.issue_step_add(user=user, issue=issue, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("路线图已更新，提出人会收到通知。"))
            return redirect("coordination:issue_detail", issue.pk)
    return _issue_page(request, issue, step_form=form)


@login_required
@require_POST
def issue_step_done(request, pk: int, step_pk: int):
    """Mark a roadmap step done with its outcome."""
    user = request.user
    issue = _issue_for(user, pk)
    step = get_object_or_404(IssueStep, pk=step_pk, issue=issue)
    if not policy.may_do(user, "edit_roadmap"):
        raise PermissionDenied(policy._denied_message(policy.PROGRESS))
    form = StepDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写完成日期。"))
    else:
        try:
            services.issue_step_done(
                user=user,
                step=step,
                on=form.cleaned_data["done_on"],
                outcome=form.cleaned_data["outcome"],
                today=request_today(),
            )
        except (ValidationError, PermissionDenied) as exc:
            text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, _("未能标记完成：%(e)s") % {"e": text})
        else:
            messages.success(request, _("步骤已完成。"))
    return redirect("coordination:issue_detail", issue.pk)


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
    is_judge = TourJudge.objects.filter(tour=tour, user=user).exists()
    return render(
        request,
        "coordination/tour_detail.html",
        {
            "tour": tour,
            "unit_rows": unit_rows,
            "project_rows": project_rows,
            "is_judge": is_judge and policy.may_do(user, "score_tour"),
            # a judge does not see the others' scores (nor their averages) before closing
            "scores_hidden": is_judge and tour.closed_on is None,
            "may_close": policy.may_do(user, "close_tour"),
        },
    )


@login_required
def visit_new(request):
    """家家到 on a phone: the visitor's linked projects first, findings, issues raised on
    the spot (each becomes a coordination issue of the project)."""
    user = request.user
    if not policy.may_do(user, "record_visit"):
        raise PermissionDenied(_("您没有记录走访的权限。"))
    projects = Project.objects.restrict(user).filter(termination__isnull=True)
    linked_ids = set(projects.filter(leaders=user).values_list("pk", flat=True))
    form = VisitForm(
        request.POST or None,
        projects=projects,
        linked_ids=linked_ids,
        initial={"date": request_today(), "issue_category": IssueCategory.OTHER},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lines = form.issue_lines()
        if lines and not policy.may_do(user, "raise_issue"):
            form.add_error("issues", _("您没有提出问题的权限。"))
        else:
            category = data.get("issue_category") or IssueCategory.OTHER
            try:
                visit = services.visit_record(
                    user=user,
                    project=data["project"],
                    on=data["date"],
                    kind=data["kind"],
                    findings=data["findings"].strip(),
                    issues=[({"category": category, "description": line}, ()) for line in lines],
                )
            except ValidationError as exc:
                apply_errors(form, exc, aliases={"description": "issues", "category": "issues"})
            except PermissionDenied as exc:
                form.add_error("project", str(exc))
            else:
                n = visit.issues.count()
                messages.success(
                    request,
                    _("走访已记录：%(p)s，现场提出问题 %(n)d 个。")
                    % {"p": visit.project.name, "n": n},
                )
                return redirect("coordination:visit_new")
    recent = list(
        Visit.objects.restrict(user)
        .filter(visitor=user)
        .select_related("project")
        .annotate(n_issues=Count("issues"))
        .order_by("-date", "-pk")[:5]
    )
    return render(request, "coordination/visit_new.html", {"form": form, "recent": recent})


@login_required
def tour_score(request, pk: int):
    """A judge's phone page: the tour's projects in visiting order, each scored by the
    tour's criteria. Other judges' scores stay hidden until the tour is closed."""
    user = request.user
    tour = get_object_or_404(Tour.objects.restrict(user), pk=pk)
    if not policy.may_do(user, "score_tour"):
        raise PermissionDenied(_("您没有观摩评分的权限。"))
    judge = TourJudge.objects.filter(tour=tour, user=user).first()
    if judge is None:
        raise PermissionDenied(_("您不是该观摩的评委。"))
    criteria = list(TourCriterion.objects.filter(tour=tour).order_by("sort_order", "pk"))
    shown = list(
        TourProject.objects.filter(tour=tour)
        .select_related("project", "project__unit")
        .order_by("visit_order", "pk")
    )
    mine = {
        (sc.tour_project_id, sc.criterion_id): sc.points
        for sc in TourScore.objects.filter(judge=judge)
    }
    errors = {}
    if request.method == "POST":
        tp = next((t for t in shown if str(t.pk) == request.POST.get("tour_project")), None)
        if tp is None:
            messages.error(request, _("该观摩中没有这个项目。"))
            return redirect(request.path)
        entered = {}
        for c in criteria:
            raw = (request.POST.get(f"c{c.pk}") or "").strip()
            if raw:
                entered[c] = raw
        try:
            with transaction.atomic():
                for c, raw in entered.items():
                    try:
                        points = Decimal(raw)
                    except InvalidOperation:
                        raise ValidationError(
                            {"points": _("“%(c)s”的得分应为数字。") % {"c": c.name}}
                        ) from None
                    services.tour_score_set(
                        user=user, judge=judge, tour_project=tp, criterion=c, points=points
                    )
        except ValidationError as exc:
            errors[tp.pk] = "；".join(exc.messages)
            for c, raw in entered.items():
                mine[(tp.pk, c.pk)] = raw
        else:
            messages.success(request, _("已保存“%(p)s”的评分。") % {"p": tp.project.name})
            return redirect(f"{request.path}#tp-{tp.pk}")
    others = {}
    if tour.closed_on is not None:
        for sc in TourScore.objects.filter(tour_project__tour=tour).exclude(judge=judge):
            key = (sc.tour_project_id, sc.judge_id)
            others[key] = others.get(key, 0) + sc.points
    judges = list(TourJudge.objects.filter(tour=tour).exclude(pk=judge.pk).order_by("pk"))
    rows = []
    for tp in shown:
        cells = [{"c": c, "points": mine.get((tp.pk, c.pk))} for c in criteria]
        entered = [cell["points"] for cell in cells if cell["points"] not in (None, "")]
        rows.append(
            {
                "tp": tp,
                "cells": cells,
                "done": len(entered) == len(criteria),
                "error": errors.get(tp.pk),
                "others": [(j, others.get((tp.pk, j.pk))) for j in judges]
                if tour.closed_on
                else [],
            }
        )
    return render(
        request,
        "coordination/tour_score.html",
        {
            "tour": tour,
            "judge": judge,
            "criteria": criteria,
            "rows": rows,
            "closed": tour.closed_on is not None,
            "scores": tour_project_scores(tour) if tour.closed_on else {},
        },
    )


@login_required
@require_POST
def tour_close(request, pk: int):
    """截止评分 (the city): scores are final and the judges see each other's."""
    user = request.user
    tour = get_object_or_404(Tour.objects.restrict(user), pk=pk)
    if not policy.may_do(user, "close_tour"):
        raise PermissionDenied(policy._denied_message(policy.CHANGE))
    try:
        services.tour_close(user=user, tour=tour, on=request_today())
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已截止评分。"))
    return redirect("coordination:tour_detail", tour.pk)
