"""/projects/: the list with filters, saved filters and export; the project page; the
forms that create and change projects and their lifecycle."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ballast.accounts import policy
from ballast.accounts.models import User
from ballast.attachments import views as attachment_views
from ballast.attachments.selectors import prepare_panels
from ballast.projects import panels, services, tables
from ballast.projects.choices import STAGE_EVIDENCE, ConfidenceRating, NodeOutcome
from ballast.projects.filtersets import ConfidenceFilterSet, NodeFilterSet, ProjectFilterSet
from ballast.projects.forms import (
    ConfidenceForm,
    NodeAnswerForm,
    NodeForm,
    PlanForm,
    ProjectForm,
    ResumeForm,
    SavedFilterForm,
    StageForm,
    SuspendForm,
    TargetForm,
    TerminateForm,
)
from ballast.projects.history import project_history
from ballast.projects.labels import stage_label
from ballast.projects.models import (
    AnnualPlan,
    Node,
    Project,
    StageEvent,
    UnitTarget,
)
from ballast.projects.selectors import (
    Status,
    confidence_history,
    late_nodes_q,
    list_queryset,
    stage_as_of,
    status_as_of,
    with_current_rating,
)
from ballast.web.clock import parse_date, request_today
from ballast.web.models import SavedFilter
from ballast.web.views.generic import ObjectActionView, ObjectEditView, ObjectListView, ObjectView

# Query parameters that are not filters (kept out of saved filters).
NON_FILTER_PARAMS = ("page", "export")


class ProjectList(ObjectListView):
    """项目清单: the filtered list (saved filters, as-of date), its CSV/xlsx export."""

    model = Project
    action = "project.view"
    table_class = tables.ProjectTable
    filterset_class = ProjectFilterSet
    template_name = "projects/project_list.html"
    export_title = "项目清单"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.as_of = parse_date(request.GET.get("as_of"), request_today())

    def base_queryset(self):
        return list_queryset(self.request.user, self.as_of)

    def get_queryset(self):
        return self.base_queryset()  # list_queryset is restricted by the policy already

    def filterset_kwargs(self):
        return {"user": self.request.user}

    def get_rows(self):
        rows = super().get_rows()
        if not self.request.GET.get("sort"):
            rows = rows.order_by("unit__sort_order", "-total_investment", "pk")
        return rows

    def get_export_filename(self):
        return f"projects-{self.as_of:%Y%m%d}"

    def page_rows(self, rows):
        leaders = User.objects.only("id", "full_name", "username")
        return list(rows.prefetch_related(Prefetch("leaders", queryset=leaders)))

    def get_extra_context(self, **kwargs):
        user = self.request.user
        filter_query = _filter_query(self.request.GET)
        return {
            "as_of": self.as_of,
            "filter_query": filter_query,
            "saved_filters": SavedFilter.objects.filter(user=user),
            "save_form": SavedFilterForm(initial={"querystring": filter_query}),
            "may_add": policy.may(user, policy.ADD, Project),
            "status_labels": Status.LABELS,
        }


project_list = ProjectList.as_view()


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


class ProjectView(ObjectView):
    """The project page: its facts, stage, plans, nodes, history and the panels of the
    apps above projects (reports, the investment progress)."""

    model = Project
    action = "project.view"
    template_name = "projects/project_detail.html"
    context_object_name = "project"

    def base_queryset(self):
        return Project.objects.select_related(
            "unit", "district", "cluster", "parent", "termination"
        )

    def get_extra_context(self):
        user, project = self.request.user, self.object
        as_of = parse_date(self.request.GET.get("as_of"), request_today())
        year = as_of.year
        plans = list(project.plans.prefetch_related("months").order_by("-year"))
        plan = next((p for p in plans if p.year == year), None)
        stage = stage_as_of(project, as_of)
        events = list(project.stage_events.order_by("date"))
        prepare_panels(user, events)  # each event's photo panel: two queries for all
        return {
            "as_of": as_of,
            "year": year,
            "stage": stage,
            "stage_label": stage_label(stage) if stage else None,
            "status": status_as_of(project, as_of),
            "status_labels": Status.LABELS,
            "events": events,
            "nodes": list(
                project.nodes.select_related("department", "person_user").annotate(
                    late=ExpressionWrapper(late_nodes_q(as_of), output_field=BooleanField())
                )
            ),
            "may_apply_templates": policy.may_do(user, "apply_node_templates"),
            "plans": plans,
            "plan": plan,
            "phases": list(project.phases.all()),
            "leaders": list(project.leaders.all()),
            "suspensions": list(project.suspensions.all()),
            "history": project_history(project=project),
            "may_change": policy.may(user, policy.CHANGE, Project),
            # 交付信心: the current rating and the months rated (every change of them is
            # in the change log below: projects.history)
            "ratings": confidence_history(project),
            "may_rate": policy.may_do(user, "rate_confidence"),
            # the reports, the monthly chart and the investment progress: the panels the
            # apps above projects register (projects.panels)
            **panels.context(user=user, project=project, as_of=as_of, plan=plan),
        }


project_detail = ProjectView.as_view()


class ProjectFormView(ObjectEditView):
    """A form over one project (``pk``) that runs a service and returns to its page."""

    model = Project
    action = "project.change"

    def base_queryset(self):
        return Project.objects.select_related("unit")

    def get_success_url(self, saved):
        return reverse("projects:project_detail", args=[self.object.pk])

    def get_extra_context(self, form):
        return {"project": self.object, "evidence_hints": STAGE_EVIDENCE}


class ProjectCreate(ObjectEditView):
    model = Project
    action = "project.add"
    form_class = ProjectForm
    creates = True

    def get_form_kwargs(self, obj):
        return {"user": self.request.user}

    def save(self, form, obj, expected_version):
        return services.project_create(
            user=self.request.user,
            data=form.service_data(),
            leaders=form.cleaned_data["leaders"],
        )

    def get_success_message(self, saved):
        return _("已新增项目“%(name)s”。") % {"name": saved.name}

    def get_success_url(self, saved):
        return reverse("projects:project_detail", args=[saved.pk])

    def get_title(self):
        return _("新增项目")

    def get_extra_context(self, form):
        return {"project": None}


project_create = ProjectCreate.as_view()


class ProjectEdit(ProjectFormView):
    form_class = ProjectForm
    success_message = gettext_lazy("项目信息已保存。")

    def get_form_kwargs(self, obj):
        return {"instance": obj, "user": self.request.user}

    def save(self, form, obj, expected_version):
        return services.project_update(
            user=self.request.user,
            project=obj,
            data=form.service_data(),
            leaders=form.cleaned_data["leaders"],
            reason=self.request.POST.get("change_reason", ""),
            expected_version=expected_version,
        )

    def get_title(self):
        return _("修改项目：%(name)s") % {"name": self.object.name}

    def get_extra_context(self, form):
        return {"project": self.object, "reason_field": True}


project_edit = ProjectEdit.as_view()


class StageRecord(ProjectFormView):
    """记录阶段. The page is opened for one stage (?stage=); the form carries that record's
    version, checked when the same stage is saved (another stage chosen is not checked)."""

    form_class = StageForm

    def event(self, project):
        stage = self.request.GET.get("stage")
        return project.stage_events.filter(stage=stage).first() if stage else None

    def versioned_record(self, obj):
        return self.event(obj)

    def get_initial(self, obj):
        initial = {"stage": self.request.GET.get("stage")}
        event = self.event(obj)
        if event is not None:
            initial.update({"date": event.date, "evidence": event.evidence})
        return initial

    def get_form_kwargs(self, obj):
        return {"event": self.event(obj)}

    def save(self, form, obj, expected_version):
        data = form.cleaned_data
        opened = data["stage"] == self.request.GET.get("stage")
        self.saved_event = services.stage_record(
            user=self.request.user,
            project=obj,
            stage=data["stage"],
            on=data["date"],
            evidence=data["evidence"],
            reason=data["reason"],
            expected_version=expected_version if opened else None,
        )
        return self.saved_event

    def get_success_message(self, saved):
        return _("已记录“%(stage)s” %(date)s。") % {
            "stage": saved.get_stage_display(),
            "date": saved.date,
        }

    def get_title(self):
        return _("记录阶段")


stage_record = StageRecord.as_view()


class ProjectSuspend(ProjectFormView):
    carries_version = False  # the service takes no version: a lifecycle fact is added
    form_class = SuspendForm
    error_aliases = {"started_on": "on"}
    success_message = gettext_lazy("已记录停缓建。")

    def save(self, form, obj, expected_version):
        data = form.cleaned_data
        return services.project_suspend(
            user=self.request.user,
            project=obj,
            kind=data["kind"],
            reason=data["reason"],
            on=data["on"],
            note=data["note"],
            planned_resume_on=data["planned_resume_on"],
        )

    def get_title(self):
        return _("停缓建")


project_suspend = ProjectSuspend.as_view()


class ProjectResume(ProjectFormView):
    carries_version = False  # the service takes no version: a lifecycle fact is added
    form_class = ResumeForm
    error_aliases = {"resumed_on": "on"}
    success_message = gettext_lazy("已记录复工。")

    def save(self, form, obj, expected_version):
        data = form.cleaned_data
        return services.project_resume(
            user=self.request.user, project=obj, on=data["on"], note=data["note"]
        )

    def get_title(self):
        return _("复工")


project_resume = ProjectResume.as_view()


class ProjectTerminate(ProjectFormView):
    carries_version = False  # the service takes no version: a lifecycle fact is added
    form_class = TerminateForm
    error_aliases = {"terminated_on": "on"}
    success_message = gettext_lazy("项目已终止。")

    def save(self, form, obj, expected_version):
        data = form.cleaned_data
        return services.project_terminate(
            user=self.request.user,
            project=obj,
            on=data["on"],
            reason=data["reason"],
            note=data["note"],
        )

    def get_title(self):
        return _("终止项目")


project_terminate = ProjectTerminate.as_view()


class PlanEdit(ProjectFormView):
    """年度计划 of the year opened (?year=, this year by default); the form carries that
    plan's version (0: no plan yet), checked when the same year is saved."""

    form_class = PlanForm

    def opened_year(self):
        year = self.request.GET.get("year") or request_today().year
        return int(year) if str(year).isdigit() else None

    def plan(self, project):
        if not hasattr(self, "_plan"):
            self._plan = (
                project.plans.filter(year=self.opened_year() or 0)
                .prefetch_related("months")
                .first()
            )
        return self._plan

    def versioned_record(self, obj):
        return self.plan(obj)

    def get_initial(self, obj):
        initial = {"year": self.request.GET.get("year") or request_today().year}
        existing = self.plan(obj)
        if existing is not None:
            initial.update(
                {
                    "planned_investment": existing.planned_investment,
                    **{f: getattr(existing, f) for f in AnnualPlan.month_fields},
                    **{f"m{m.month}": m.planned_investment for m in existing.months.all()},
                }
            )
        return initial

    def get_form_kwargs(self, obj):
        return {"plan": self.plan(obj)}

    def save(self, form, obj, expected_version):
        data = form.cleaned_data
        return services.plan_save(
            user=self.request.user,
            project=obj,
            year=data["year"],
            planned_investment=data["planned_investment"],
            start_month=data["start_month"],
            statistics_month=data["statistics_month"],
            completion_month=data["completion_month"],
            production_month=data["production_month"],
            months=form.months(),
            expected_version=expected_version if data["year"] == self.opened_year() else None,
        )

    def get_success_message(self, saved):
        return _("已保存 %(year)s 年度计划。") % {"year": saved.year}

    def get_title(self):
        return _("年度计划")


plan_edit = PlanEdit.as_view()


class NodeEdit(ProjectFormView):
    """A node of the project's node plan (节点计划): new, or the one of ``node_pk``."""

    form_class = NodeForm
    success_message = gettext_lazy("节点已保存。")

    def node(self, project):
        node_pk = self.kwargs.get("node_pk")
        return get_object_or_404(Node, pk=node_pk, project=project) if node_pk else None

    def get_object(self):
        project = super().get_object()
        self.node_object = self.node(project)
        return project

    def versioned_record(self, obj):
        return self.node_object

    def get_form_kwargs(self, obj):
        return {"instance": self.node_object, "user": self.request.user}

    def save(self, form, obj, expected_version):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return services.node_save(
            user=self.request.user,
            project=obj,
            node=self.node_object,
            data=data,
            expected_version=expected_version,
        )

    def get_title(self):
        return _("修改节点") if self.node_object else _("新增节点")


node_edit = NodeEdit.as_view()


class NodeList(ObjectListView):
    """节点计划: the nodes in the person's scope — a unit's, the city's, or, for a
    department officer, those their department is responsible for — with the late ones
    (pending past their deadline on the page's date) first; filtered, exported by the same
    table. A department officer answers a node here (办理); a project's editor goes to the
    project's node form."""

    model = Node
    action = "node.view"
    table_class = tables.NodeTable
    filterset_class = NodeFilterSet
    template_name = "projects/node_list.html"
    export_title = "节点计划"

    def base_queryset(self):
        return Node.objects.select_related("project", "project__unit", "department", "person_user")

    def get_queryset(self):
        self.as_of = parse_date(self.request.GET.get("as_of"), request_today())
        late = ExpressionWrapper(late_nodes_q(self.as_of), output_field=BooleanField())
        return (
            super()
            .get_queryset()
            .filter(project__termination__isnull=True)
            .annotate(late=late)
            .order_by("-late", "outcome", "deadline", "project__name", "pk")
        )

    def filterset_kwargs(self):
        return {"user": self.request.user}

    def table_kwargs(self):
        user = self.request.user
        return {
            "as_of": self.as_of,
            "sees_projects": policy.may(user, policy.VIEW, Project),
            "answers": policy.may(user, policy.PROGRESS, Node),
            "changes_projects": policy.may(user, policy.CHANGE, Project),
        }

    def get_export_filename(self):
        return f"节点计划-{self.as_of:%Y-%m-%d}"

    def get_extra_context(self, rows, **kwargs):
        # the late ones by their condition, not by the annotation's alias (PostgreSQL
        # cannot read a SELECT alias inside an aggregate's FILTER)
        counts = rows.aggregate(
            pending=Count("pk", filter=Q(outcome=NodeOutcome.PENDING)),
            late=Count("pk", filter=late_nodes_q(self.as_of)),
            done=Count("pk", filter=Q(outcome=NodeOutcome.DONE)),
        )
        return {"as_of": self.as_of, "counts": counts}


node_list = NodeList.as_view()


class NodeAnswer(ObjectEditView):
    """办理节点: the responsible department records the outcome of one of its nodes
    (``services.node_answer``); the form carries the node's version."""

    model = Node
    action = "node.progress"
    denied_message = gettext_lazy("您没有办理该节点的权限。")
    form_class = NodeAnswerForm
    template_name = "projects/node_answer.html"
    success_message = gettext_lazy("节点办理结果已保存。")

    def base_queryset(self):
        return Node.objects.select_related("project", "project__unit", "department", "person_user")

    def get_initial(self, obj):
        return {"outcome": obj.outcome, "completed_on": obj.completed_on, "note": obj.note}

    def save(self, form, obj, expected_version):
        data = form.cleaned_data
        return services.node_answer(
            user=self.request.user,
            node=obj,
            outcome=data["outcome"],
            completed_on=data.get("completed_on"),
            note=data.get("note", ""),
            today=request_today(),
            expected_version=expected_version,
        )

    def get_success_url(self, saved):
        return reverse("projects:nodes")

    def get_title(self):
        return _("办理节点")

    def get_extra_context(self, form):
        return {"node": self.object, "as_of": request_today()}


node_answer = NodeAnswer.as_view()


class NodeTemplatesApply(ObjectActionView):
    """Make the project's node plan from the city's templates for its category."""

    model = Project
    action = "apply_node_templates"

    def run(self, obj, expected_version):
        self.made = services.node_templates_apply(user=self.request.user, project=obj)

    def done_message(self, obj) -> str:
        return _("已按节点模板生成 %(n)d 个节点，期限由计划开工日期推算。") % {"n": len(self.made)}

    def post(self, request, *args, **kwargs):
        super().post(request, *args, **kwargs)
        return redirect("projects:project_detail", self.kwargs["pk"])


node_templates_apply = NodeTemplatesApply.as_view()


@login_required
@require_POST
def stage_attach(request, pk: int):
    """Add evidence files to a recorded stage (the attachments include's form)."""
    event = get_object_or_404(
        StageEvent.objects.restrict(request.user).select_related("project"), pk=pk
    )
    back = reverse("projects:project_detail", args=[event.project_id]) + f"#stage-{event.pk}"
    return attachment_views.upload(request, owner=event, back=back, as_of=request_today())


# --------------------------------------------------------------------------- confidence


def _month_param(request):
    """The month of ``?month=YYYY-MM`` (its first day), or the request's today's month."""
    today = request_today()
    raw = (request.GET.get("month") or "").strip()
    try:
        year, month = (int(part) for part in raw.split("-")[:2])
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


class ConfidenceList(ObjectListView):
    """交付信心: the projects in scope by their current rating (the latest up to the month
    chosen), filtered by unit, rating and month; exported by the same table."""

    model = Project
    action = "view_confidence"
    denied_message = gettext_lazy("您没有查看交付信心评级的权限。")
    table_class = tables.ConfidenceTable
    filterset_class = ConfidenceFilterSet
    template_name = "projects/confidence_list.html"
    export_title = "交付信心评级"

    def base_queryset(self):
        return Project.objects.select_related("unit")

    def get_queryset(self):
        self.month = _month_param(self.request)
        rated = with_current_rating(super().get_queryset(), as_of=self.month)
        return rated.order_by("unit__sort_order", "-total_investment", "pk")

    def filterset_kwargs(self):
        return {"user": self.request.user}

    def get_export_filename(self):
        return f"交付信心评级-{self.month:%Y-%m}"

    def get_extra_context(self, rows, **kwargs):
        counts = dict.fromkeys([*ConfidenceRating.values, "none"], 0)
        for rating in rows.values_list("rating", flat=True):
            counts[rating or "none"] += 1
        return {"month": self.month, "counts": counts}


confidence_list = ConfidenceList.as_view()


class ConfidenceRate(ProjectFormView):
    """评定交付信心: the month's rating of the project (?month=YYYY-MM, this month by
    default); the form carries that rating's version (0: not rated yet)."""

    action = "rate_confidence"
    denied_message = gettext_lazy("您没有评定交付信心的权限。")
    form_class = ConfidenceForm
    hide_when_refused = True

    def assessment(self, project):
        if not hasattr(self, "_assessment"):
            month = _month_param(self.request)
            self._assessment = project.confidence_ratings.filter(month=month).first()
        return self._assessment

    def versioned_record(self, obj):
        return self.assessment(obj)

    def get_initial(self, obj):
        initial = {"month": _month_param(self.request)}
        current = self.assessment(obj)
        if current is not None:
            initial.update({"rating": current.rating, "narrative": current.narrative})
        return initial

    def get_form_kwargs(self, obj):
        return {"assessment": self.assessment(obj)}

    def save(self, form, obj, expected_version):
        data = form.cleaned_data
        opened = data["month"].replace(day=1) == _month_param(self.request)
        return services.confidence_rate(
            user=self.request.user,
            project=obj,
            month=data["month"],
            rating=data["rating"],
            narrative=data["narrative"],
            expected_version=expected_version if opened else None,
        )

    def get_success_message(self, saved):
        return _("已评定 %(month)s 的交付信心：%(rating)s。") % {
            "month": saved.month.strftime("%Y-%m"),
            "rating": _(saved.get_rating_display()),
        }

    def get_title(self):
        return _("评定交付信心")


confidence_rate = ConfidenceRate.as_view()


# --------------------------------------------------------------------------- targets


class TargetFormView(ObjectEditView):
    """板块目标: the city sets a unit's target of an indicator for a year or quarter
    (new, or the value of the one of ``pk``); the page with the actual figures beside the
    targets is the dashboards' (/targets/)."""

    model = UnitTarget
    action = "set_targets"
    denied_message = gettext_lazy("您没有设定板块目标的权限。")
    form_class = TargetForm

    def get_form_kwargs(self, obj):
        return {"user": self.request.user, "target": obj}

    def get_initial(self, obj):
        if obj is None:
            return {"period": str(request_today().year)}
        return {
            "unit": obj.unit_id,
            "period": obj.period,
            "indicator": obj.indicator,
            "value": obj.value.normalize(),
        }

    def save(self, form, obj, expected_version):
        data = form.cleaned_data
        return services.target_set(
            user=self.request.user,
            unit=obj.unit if obj else data["unit"],
            period=obj.period if obj else data["period"],
            indicator=obj.indicator if obj else data["indicator"],
            value=data["value"],
            expected_version=expected_version,
        )

    def get_success_message(self, saved):
        return _("已保存 %(unit)s %(period)s 的目标。") % {
            "unit": saved.unit.display_name,
            "period": saved.period,
        }

    def get_success_url(self, saved):
        return f"{reverse('dashboards:targets')}?year={saved.period[:4]}"

    def get_title(self):
        return _("修改板块目标") if self.object else _("设定板块目标")


class TargetCreate(TargetFormView):
    creates = True


target_create = TargetCreate.as_view()
target_edit = TargetFormView.as_view()
