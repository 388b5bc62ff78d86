"""/projects/: the list with filters, saved filters and export; the project page; the
forms that create and change projects and their lifecycle."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ballast.accounts import policy
from ballast.accounts.models import User
from ballast.attachments import views as attachment_views
from ballast.projects import panels, services, tables
from ballast.projects.choices import STAGE_EVIDENCE
from ballast.projects.filtersets import ProjectFilterSet
from ballast.projects.forms import (
    NodeForm,
    PlanForm,
    ProjectForm,
    ResumeForm,
    SavedFilterForm,
    StageForm,
    SuspendForm,
    TerminateForm,
)
from ballast.projects.history import project_history
from ballast.projects.labels import stage_label
from ballast.projects.models import (
    AnnualPlan,
    Node,
    Project,
    StageEvent,
)
from ballast.projects.selectors import (
    Status,
    list_queryset,
    stage_as_of,
    status_as_of,
)
from ballast.web.clock import parse_date, request_today
from ballast.web.forms import apply_errors
from ballast.web.models import SavedFilter
from ballast.web.pages import PAGE_SIZE

# Query parameters that are not filters (kept out of saved filters).
NON_FILTER_PARAMS = ("page", "export")


def _require(user, action: str, model) -> None:
    if not policy.may(user, action, model):
        raise PermissionDenied(policy._denied_message(action))


@login_required
def project_list(request):
    user = request.user
    _require(user, policy.VIEW, Project)
    today = request_today()
    as_of = parse_date(request.GET.get("as_of"), today)
    filterset = ProjectFilterSet(
        request.GET or None, queryset=list_queryset(user, as_of), user=user
    )
    projects = filterset.qs
    if not request.GET.get("sort"):
        projects = projects.order_by("unit__sort_order", "-total_investment", "pk")
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        name = f"projects-{as_of:%Y%m%d}"
        rows = projects.iterator(chunk_size=500)
        return (
            tables.project_csv(rows, name) if export == "csv" else tables.project_xlsx(rows, name)
        )
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    leaders = User.objects.only("id", "full_name", "username")
    page.object_list = list(
        page.object_list.prefetch_related(Prefetch("leaders", queryset=leaders))
    )
    params = request.GET.copy()
    params.pop("page", None)
    filter_query = _filter_query(request.GET)
    return render(
        request,
        "projects/project_list.html",
        {
            "filterset": filterset,
            "page": page,
            "as_of": as_of,
            "query": params.urlencode(),
            "filter_query": filter_query,
            "saved_filters": SavedFilter.objects.filter(user=user),
            "save_form": SavedFilterForm(initial={"querystring": filter_query}),
            "may_add": policy.may(user, policy.ADD, Project),
            "status_labels": Status.LABELS,
        },
    )


def _filter_query(params: QueryDict) -> str:
    kept = params.copy()
    for name in NON_FILTER_PARAMS:
        kept.pop(name, None)
    return kept.urlencode()


@login_required
@require_POST
def saved_filter_save(request):
    form = SavedFilterForm(request.POST)
    if form.is_valid():
        SavedFilter.objects.update_or_create(
            user=request.user,
            name=form.cleaned_data["name"],
            defaults={"querystring": _filter_query(QueryDict(form.cleaned_data["querystring"]))},
        )
        messages.success(request, _("已保存筛选“%(name)s”。") % {"name": form.cleaned_data["name"]})
    else:
        messages.error(request, _("请填写筛选名称。"))
    return redirect(f"/projects/?{form.data.get('querystring', '')}")


@login_required
@require_POST
def saved_filter_delete(request, pk: int):
    saved = get_object_or_404(SavedFilter, pk=pk, user=request.user)
    saved.delete()
    messages.success(request, _("已删除筛选“%(name)s”。") % {"name": saved.name})
    return redirect("projects:project_list")


def _project_for(user, pk: int, action: str = policy.VIEW) -> Project:
    """The project if the user may see it; 404 otherwise (never tell outsiders it exists)."""
    return get_object_or_404(Project.objects.restrict(user).select_related("unit"), pk=pk)


@login_required
def project_detail(request, pk: int):
    user = request.user
    project = get_object_or_404(
        Project.objects.restrict(user).select_related(
            "unit", "district", "cluster", "parent", "termination"
        ),
        pk=pk,
    )
    today = request_today()
    as_of = parse_date(request.GET.get("as_of"), today)
    year = as_of.year
    plans = list(project.plans.prefetch_related("months").order_by("-year"))
    plan = next((p for p in plans if p.year == year), None)
    stage = stage_as_of(project, as_of)
    context = {
        "project": project,
        "as_of": as_of,
        "year": year,
        "stage": stage,
        "stage_label": stage_label(stage) if stage else None,
        "status": status_as_of(project, as_of),
        "status_labels": Status.LABELS,
        "events": list(project.stage_events.order_by("date")),
        "nodes": list(project.nodes.select_related("department")),
        "plans": plans,
        "plan": plan,
        "phases": list(project.phases.all()),
        "leaders": list(project.leaders.all()),
        "suspensions": list(project.suspensions.all()),
        "history": project_history(project=project),
        "may_change": policy.may(user, policy.CHANGE, Project),
        # the reports, the monthly chart and the investment progress: the panels the
        # apps above projects register (projects.panels)
        **panels.context(user=user, project=project, as_of=as_of, plan=plan),
    }
    return render(request, "projects/project_detail.html", context)


def _form_page(request, template_context: dict, form, title: str, project=None):
    return render(
        request,
        "web/form.html",
        {"form": form, "title": title, "project": project, **template_context},
    )


@login_required
def project_create(request):
    user = request.user
    _require(user, policy.ADD, Project)
    form = ProjectForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                user=user, data=form.service_data(), leaders=form.cleaned_data["leaders"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已新增项目“%(name)s”。") % {"name": project.name})
            return redirect("projects:project_detail", project.pk)
    return _form_page(request, {}, form, _("新增项目"))


@login_required
def project_edit(request, pk: int):
    user = request.user
    project = _project_for(user, pk)
    _require(user, policy.CHANGE, Project)
    form = ProjectForm(request.POST or None, instance=project, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(
                user=user,
                project=project,
                data=form.service_data(),
                leaders=form.cleaned_data["leaders"],
                reason=request.POST.get("change_reason", ""),
                expected_version=form.expected_version(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("项目信息已保存。"))
            return redirect("projects:project_detail", project.pk)
    return _form_page(
        request,
        {"reason_field": True},
        form,
        _("修改项目：%(name)s") % {"name": project.name},
        project,
    )


def _project_action(
    request, pk, form_class, title, run, aliases=None, initial=None, form_kwargs=None
):
    """A form page that runs one service on a project and returns to its page."""
    user = request.user
    project = _project_for(user, pk)
    _require(user, policy.CHANGE, Project)
    form = form_class(request.POST or None, initial=initial, **(form_kwargs or {}))
    if request.method == "POST" and form.is_valid():
        try:
            message = run(user, project, form.cleaned_data, form)
        except ValidationError as exc:
            apply_errors(form, exc, aliases)
        else:
            messages.success(request, message)
            return redirect("projects:project_detail", project.pk)
    return _form_page(request, {"evidence_hints": STAGE_EVIDENCE}, form, title, project)


@login_required
def stage_record(request, pk: int):
    # The page is opened for one stage (?stage=); the form carries that record's version,
    # checked when the same stage is saved.
    opened_stage = request.GET.get("stage")

    def run(user, project, data, form):
        event = services.stage_record(
            user=user,
            project=project,
            stage=data["stage"],
            on=data["date"],
            evidence=data["evidence"],
            reason=data["reason"],
            expected_version=form.expected_version() if data["stage"] == opened_stage else None,
        )
        return _("已记录“%(stage)s” %(date)s。") % {
            "stage": event.get_stage_display(),
            "date": event.date,
        }

    event = (
        StageEvent.objects.filter(
            project_id=pk, project__in=Project.objects.restrict(request.user), stage=opened_stage
        ).first()
        if opened_stage
        else None
    )
    initial = {"stage": opened_stage}
    if event is not None:
        initial.update({"date": event.date, "evidence": event.evidence})
    return _project_action(
        request, pk, StageForm, _("记录阶段"), run, initial=initial, form_kwargs={"event": event}
    )


@login_required
@require_POST
def stage_attach(request, pk: int):
    """Add evidence files to a recorded stage (the attachments include's form)."""
    event = get_object_or_404(
        StageEvent.objects.restrict(request.user).select_related("project"), pk=pk
    )
    back = reverse("projects:project_detail", args=[event.project_id]) + f"#stage-{event.pk}"
    return attachment_views.upload(request, owner=event, back=back, as_of=request_today())


@login_required
def project_suspend(request, pk: int):
    def run(user, project, data, form):
        services.project_suspend(
            user=user,
            project=project,
            kind=data["kind"],
            reason=data["reason"],
            on=data["on"],
            note=data["note"],
            planned_resume_on=data["planned_resume_on"],
        )
        return _("已记录停缓建。")

    return _project_action(request, pk, SuspendForm, _("停缓建"), run, aliases={"started_on": "on"})


@login_required
def project_resume(request, pk: int):
    def run(user, project, data, form):
        services.project_resume(user=user, project=project, on=data["on"], note=data["note"])
        return _("已记录复工。")

    return _project_action(request, pk, ResumeForm, _("复工"), run, aliases={"resumed_on": "on"})


@login_required
def project_terminate(request, pk: int):
    def run(user, project, data, form):
        services.project_terminate(
            user=user, project=project, on=data["on"], reason=data["reason"], note=data["note"]
        )
        return _("项目已终止。")

    return _project_action(
        request, pk, TerminateForm, _("终止项目"), run, aliases={"terminated_on": "on"}
    )


@login_required
def plan_edit(request, pk: int):
    def run(user, project, data, form):
        plan = services.plan_save(
            user=user,
            project=project,
            year=data["year"],
            planned_investment=data["planned_investment"],
            start_month=data["start_month"],
            statistics_month=data["statistics_month"],
            completion_month=data["completion_month"],
            production_month=data["production_month"],
            months=months,
            expected_version=form.expected_version() if data["year"] == opened_year else None,
        )
        return _("已保存 %(year)s 年度计划。") % {"year": plan.year}

    months = None
    if request.method == "POST":
        probe = PlanForm(request.POST)
        months = probe.months() if probe.is_valid() else None
    year = request.GET.get("year") or request_today().year
    opened_year = int(year) if str(year).isdigit() else None
    initial = {"year": year}
    existing = (
        AnnualPlan.objects.filter(project_id=pk, project__in=Project.objects.restrict(request.user))
        .filter(year=int(year) if str(year).isdigit() else 0)
        .prefetch_related("months")
        .first()
    )
    if existing is not None:
        initial.update(
            {
                "planned_investment": existing.planned_investment,
                **{f: getattr(existing, f) for f in AnnualPlan.month_fields},
                **{f"m{m.month}": m.planned_investment for m in existing.months.all()},
            }
        )
    return _project_action(
        request, pk, PlanForm, _("年度计划"), run, initial=initial, form_kwargs={"plan": existing}
    )


@login_required
def node_edit(request, pk: int, node_pk: int | None = None):
    user = request.user
    project = _project_for(user, pk)
    _require(user, policy.CHANGE, Project)
    node = get_object_or_404(Node, pk=node_pk, project=project) if node_pk else None
    form = NodeForm(request.POST or None, instance=node, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            services.node_save(
                user=user,
                project=project,
                node=node,
                data=data,
                expected_version=form.expected_version(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("节点已保存。"))
            return redirect("projects:project_detail", project.pk)
    title = _("修改节点") if node else _("新增节点")
    return _form_page(request, {}, form, title, project)
