"""The coordination pages: the issues board (a department officer's inbox) and its
actions, the visit log with its coverage (家家到), and the site tours (观摩评比) with their
scores.

Every page stands on the restricted base (:mod:`ballast.web.views.generic`): it declares
its model and its named policy action; rows come from the policy; every write goes
through :mod:`ballast.coordination.services`. The issues board draws its rows in columns
by status (not as a table) but is a list all the same: its table (``tables.IssueTable``)
makes its export. The judge's scoring page (``tour_score``) is none of the four kinds of
page — a grid of one form per project of the tour, each saving that project's scores by
every criterion — so it stands on the base's ``RestrictedView`` (the right, the tour) and
draws and saves its grid in a function (``_tour_score_page``).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from ballast.accounts import policy
from ballast.accounts.models import Department
from ballast.attachments import services as attachment_services
from ballast.attachments import views as attachment_views
from ballast.attachments.models import Attachment
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
from ballast.coordination.tables import IssueTable, VisitTable
from ballast.core.db import IdIn
from ballast.figures.selectors import quarter_of
from ballast.projects.history import history_rows
from ballast.projects.models import Project
from ballast.projects.selectors import visible_units
from ballast.web.clock import parse_date, request_today
from ballast.web.pages import PAGE_SIZE, as_of_param, unit_param
from ballast.web.redirects import back
from ballast.web.views.generic import (
    ObjectActionView,
    ObjectEditView,
    ObjectListView,
    ObjectView,
    RestrictedView,
)

# --------------------------------------------------------------------------- issues

BOARD_LIMIT = 40
STATES = {
    "open": (gettext_lazy("未销号"), open_q),
    "overdue": (gettext_lazy("逾期"), overdue_q),
    "closed": (gettext_lazy("已销号"), closed_by_q),
}


class IssueBoard(ObjectListView):
    """The issues board by state; a department officer's view is their inbox. The rows
    are drawn by status in columns; the table makes the export of every filtered row."""

    model = Issue
    action = "issue.view"
    denied_message = gettext_lazy("您没有查看问题协调的权限。")
    template_name = "coordination/issues.html"
    table_class = IssueTable
    paginate = False
    export_title = "问题协调"

    def get_rows(self):
        request, user = self.request, self.request.user
        self.as_of, self.today = as_of_param(request)
        self.units = list(visible_units(user))
        self.unit = unit_param(request, self.units)
        self.state = request.GET.get("state") or ""
        self.department_id = request.GET.get("department") or ""
        scoped = issues_visible(user=user).filter(raised_on__lte=self.as_of)
        if self.unit is not None:
            scoped = scoped.filter(project__unit=self.unit)
        if self.department_id.isdigit():
            scoped = scoped.filter(department_id=int(self.department_id))
        if self.state in STATES:
            scoped = scoped.filter(STATES[self.state][1](self.as_of))
        self.scoped = scoped
        return scoped

    def export(self, kind, table):
        rows = self.scoped.select_related("project__unit", "department").order_by(
            "status", "deadline", "raised_on", "pk"
        )
        return super().export(kind, self.table_class(rows))

    def get_export_filename(self):
        return f"issues-{self.as_of:%Y%m%d}"

    def get_extra_context(self, rows, **kwargs):
        user, as_of = self.request.user, self.as_of
        counts = rows.order_by().aggregate(
            **{s.value: Count("pk", filter=Q(status=s.value)) for s in IssueStatus},
            overdue=Count("pk", filter=overdue_q(as_of)),
        )
        columns = []
        for status in IssueStatus:
            shown = list(
                rows.filter(status=status.value).order_by("deadline", "raised_on", "pk")[
                    :BOARD_LIMIT
                ]
            )
            columns.append(
                {
                    "value": status.value,
                    "label": _(status.label),
                    "n": counts[status.value],
                    "rows": shown,
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
        return {
            "as_of": as_of,
            "today": self.today,
            "is_today": as_of == self.today,
            "units": self.units,
            "unit": self.unit,
            "state": self.state,
            "states": [(k, v[0]) for k, v in STATES.items()],
            "department_id": self.department_id,
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
        }


issues = IssueBoard.as_view()


ACTIONS = {
    "acknowledge": gettext_lazy("受理"),
    "progress": gettext_lazy("开始办理"),
    "resolve": gettext_lazy("办结"),
    "confirm": gettext_lazy("确认销号"),
    "close": gettext_lazy("确认销号"),
    "reopen": gettext_lazy("重新打开"),
}


class IssueAction(ObjectActionView):
    """Acknowledge / progress / resolve / confirm (close) / reopen through the services:
    the answering side works on an issue (``issue.progress``), the raising side confirms
    or reopens it (``issue.confirm``)."""

    model = Issue
    fallback_url = "coordination:issues"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and kwargs.get("action") not in ACTIONS:
            raise Http404(_("未知操作。"))
        return super().dispatch(request, *args, **kwargs)

    def get_action(self):
        step = self.kwargs.get("action")
        needed = policy.CONFIRM if step in ("confirm", "close", "reopen") else policy.PROGRESS
        return f"issue.{needed}"

    def run(self, issue, version):
        user, step, post = self.request.user, self.kwargs["action"], self.request.POST
        today = request_today()
        if step == "acknowledge":
            services.issue_acknowledge(user=user, issue=issue, expected_version=version)
        elif step == "progress":
            services.issue_start(user=user, issue=issue, expected_version=version)
        elif step == "resolve":
            services.issue_resolve(
                user=user,
                issue=issue,
                on=today,
                resolution=post.get("resolution", ""),
                expected_version=version,
            )
        elif step in ("confirm", "close"):
            services.issue_close(user=user, issue=issue, on=today, expected_version=version)
        elif step == "reopen":
            services.issue_reopen(
                user=user, issue=issue, reason=post.get("reason", ""), expected_version=version
            )

    def post(self, request, *args, **kwargs):
        issue = self.get_object()
        label = ACTIONS[kwargs["action"]]
        try:
            # The version the page showed (a hidden field): a step on an issue someone
            # changed since is refused with who did what (docs/concurrency.md).
            self.write(lambda: self.run(issue, self.posted_version()), issue)
        except ValidationError as exc:
            messages.error(
                request,
                _("%(action)s失败：%(errors)s")
                % {"action": label, "errors": "；".join(exc.messages)},
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("您没有该操作的权限。"))
        else:
            messages.success(request, _("问题已%(action)s。") % {"action": label})
        return back(request, self.fallback_url)


issue_action = IssueAction.as_view()


def _raise_projects(user):
    """The projects ``user`` may raise an issue on: their scope's (a clerk's unit, an
    enterprise's own), not terminated."""
    return (
        Project.objects.restrict(user)
        .filter(termination__isnull=True)
        .select_related("unit")
        .order_by("unit__sort_order", "name")
    )


class IssueNew(ObjectEditView):
    """提出问题（板块）/ 提出诉求（企业）/ 现场发现（领导）: the raiser's own projects only."""

    model = Issue
    action = "raise_issue"
    denied_message = gettext_lazy("您没有提出问题的权限。")
    form_class = IssueRaiseForm
    template_name = "coordination/issue_new.html"
    creates = True
    carries_version = False
    success_message = gettext_lazy("已提出，等待交办和受理。")

    def get_form_kwargs(self, obj):
        return {"user": self.request.user, "projects": _raise_projects(self.request.user)}

    def get_initial(self, obj):
        project = self.request.GET.get("project") or ""
        return {"project": int(project)} if project.isdigit() else {}

    def save(self, form, obj, expected_version):
        data = form.cleaned_data
        try:
            issue = services.issue_raise(
                user=self.request.user,
                project=data["project"],
                data={
                    "category": data["category"],
                    "description": data["description"].strip(),
                    "is_major": data["is_major"],
                    "raised_on": request_today(),
                },
            )
        except PermissionDenied as exc:
            raise ValidationError({"project": str(exc)}) from exc
        # the files of the same form, in the same transaction: a refused file raises
        # nothing at all (the form comes back with its text and the reason)
        _attach_all(self.request.user, issue, data.get("files") or [], field="files")
        return issue

    def get_success_url(self, saved):
        return reverse("coordination:issue_detail", args=[saved.pk])

    def get_title(self):
        enterprise = policy.holds(self.request.user, "be_project_contact")
        return _("提出诉求") if enterprise else _("提出问题")


issue_new = IssueNew.as_view()


def _attach_all(user, owner, files, *, field: str) -> None:
    """Attach each uploaded file to ``owner`` (the attachments app's service); a refused
    file is the form's error on ``field`` (the caller's transaction then keeps nothing)."""
    attachment_services.attach_all(
        user=user, owner=owner, files=files, field=field, as_of=request_today()
    )


@login_required
@require_POST
def issue_attach(request, pk: int):
    """Add documents or photos to an issue (the attachments panel of its page): the
    raiser's side, the department and the officers the policy lets attach."""
    issue = get_object_or_404(Issue.objects.restrict(request.user), pk=pk)
    back = reverse("coordination:issue_detail", args=[issue.pk]) + "#attachments"
    return attachment_views.upload(request, owner=issue, back=back, as_of=request_today())


@login_required
@require_POST
def visit_attach(request, pk: int):
    """Add photos to a recorded visit (the attachments panel of its page)."""
    visit = get_object_or_404(Visit.objects.restrict(request.user), pk=pk)
    back = reverse("coordination:visit_detail", args=[visit.pk]) + "#attachments"
    return attachment_views.upload(request, owner=visit, back=back, as_of=request_today())


def _issue_page(request, issue: Issue, *, assign_form=None, step_form=None):
    user = request.user
    steps = list(issue.steps.order_by("planned_on", "pk"))
    history = history_rows(
        [
            (Issue.history.filter(id=issue.pk), Issue, _("问题")),
            (IssueStep.history.filter(issue_id=issue.pk), IssueStep, _("路线图")),
            (
                Attachment.history.filter(
                    owner_type=ContentType.objects.get_for_model(Issue), owner_id=issue.pk
                ),
                Attachment,
                pgettext("history", "附件"),
            ),
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


class IssuePageMixin:
    """The issue's page and the forms posted from it: the issue with what its page shows."""

    model = Issue

    def base_queryset(self):
        return Issue.objects.select_related(
            "project",
            "project__unit",
            "department",
            "responsible_person",
            "raised_by",
            "visit",
        )


class IssueDetail(IssuePageMixin, ObjectView):
    """One issue: its state and SLA clock, the assignment, the roadmap, the steps of the
    flow for the person's side, and every step in its history."""

    action = "issue.view"

    def get(self, request, *args, **kwargs):
        return _issue_page(request, self.get_object())


issue_detail = IssueDetail.as_view()


class IssueFormOnPage(IssuePageMixin, ObjectEditView):
    """A form of the issue's page, posted to its own URL: saved through a service, or the
    page shown again with the form's errors."""

    http_method_names = ["post"]
    form_class = None
    page_form = ""  # the name of the form in the page's context

    def get_success_url(self, saved):
        return reverse("coordination:issue_detail", args=[self.object.pk])

    def refused(self, exc: PermissionDenied) -> ValidationError:
        """A service's refusal, shown on the form (not a 403 page)."""
        return ValidationError(str(exc))

    def form_page(self, form):
        return _issue_page(self.request, self.page_issue(), **{self.page_form: form})

    def page_issue(self):
        return self.object


class IssueAssign(IssueFormOnPage):
    """交办: department, person, deadline and level (a city or unit officer)."""

    action = "assign_issue"
    denied_message = gettext_lazy("只有市级或板块的管理人员可以交办。")
    form_class = IssueAssignForm
    page_form = "assign_form"
    success_message = gettext_lazy("已交办，责任部门和责任人会收到通知。")

    def get_form_kwargs(self, obj):
        return {"user": self.request.user, "issue": obj}

    def save(self, form, obj, expected_version):
        try:
            services.issue_update(
                user=self.request.user,
                issue=obj,
                data=form.service_data(),
                reason=_("交办"),
                expected_version=expected_version,
            )
        except PermissionDenied as exc:
            raise self.refused(exc) from exc
        return obj

    def page_issue(self):
        # the page as stored (the refused assignment is not on it)
        return self.get_object()


issue_assign = IssueAssign.as_view()


class IssueStepAdd(IssueFormOnPage):
    """路线图: a dated step with its owner (the answering side)."""

    action = "edit_roadmap"
    form_class = StepForm
    carries_version = False  # a step is a new fact of the issue, not a change of it
    page_form = "step_form"
    success_message = gettext_lazy("路线图已更新，提出人会收到通知。")

    @property
    def denied_message(self):
        return policy._denied_message(policy.PROGRESS)

    def save(self, form, obj, expected_version):
        try:
            services.issue_step_add(user=self.request.user, issue=obj, **form.cleaned_data)
        except PermissionDenied as exc:
            raise self.refused(exc) from exc
        return obj


issue_step_add = IssueStepAdd.as_view()


class IssueStepDone(IssuePageMixin, ObjectActionView):
    """Mark a roadmap step done with its outcome."""

    action = "edit_roadmap"

    @property
    def denied_message(self):
        return policy._denied_message(policy.PROGRESS)

    def post(self, request, *args, **kwargs):
        issue = self.get_object()
        step = get_object_or_404(IssueStep, pk=kwargs["step_pk"], issue=issue)
        form = StepDoneForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请填写完成日期。"))
            return redirect("coordination:issue_detail", issue.pk)
        try:
            self.write(
                lambda: services.issue_step_done(
                    user=request.user,
                    step=step,
                    on=form.cleaned_data["done_on"],
                    outcome=form.cleaned_data["outcome"],
                    today=request_today(),
                ),
                issue,
            )
        except (ValidationError, PermissionDenied) as exc:
            text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, _("未能标记完成：%(e)s") % {"e": text})
        else:
            messages.success(request, _("步骤已完成。"))
        return redirect("coordination:issue_detail", issue.pk)


issue_step_done = IssueStepDone.as_view()


# --------------------------------------------------------------------------- visits, tours


class VisitList(ObjectListView):
    """The visit log of a period with its coverage (家家到): which projects were visited,
    which not yet. The table makes the log's export."""

    model = Visit
    action = "service.view"
    denied_message = gettext_lazy("您没有查看走访记录的权限。")
    template_name = "coordination/visits.html"
    table_class = VisitTable
    export_title = "走访记录"

    def get_rows(self):
        request, user = self.request, self.request.user
        as_of, __ = as_of_param(request)
        quarter = quarter_of(as_of)
        self.start = parse_date(request.GET.get("start"), quarter.start)
        self.end = parse_date(request.GET.get("end"), min(quarter.end, as_of))
        self.units = list(visible_units(user))
        self.unit = unit_param(request, self.units)
        self.projects = Project.objects.restrict(user)
        log = (
            self.get_queryset()
            .filter(date__gte=self.start, date__lte=self.end)
            .select_related("project", "project__unit", "visitor")
            .order_by("-date", "-pk")
        )
        if self.unit is not None:
            self.projects = self.projects.filter(unit=self.unit)
            log = log.filter(project__unit=self.unit)
        return log

    def get_export_filename(self):
        return f"visits-{self.start:%Y%m%d}-{self.end:%Y%m%d}"

    def get_extra_context(self, **kwargs):
        coverage = visit_coverage(projects=self.projects, start=self.start, end=self.end)
        not_visited = list(
            coverage.not_visited.select_related("unit").order_by(
                "unit__sort_order", "-total_investment"
            )[:PAGE_SIZE]
        )
        return {
            "start": self.start,
            "end": self.end,
            "units": self.units,
            "unit": self.unit,
            "coverage": coverage,
            "not_visited": not_visited,
        }


visits = VisitList.as_view()


class TourList(ObjectListView):
    """The site tours (观摩评比), newest first, with their number of projects."""

    model = Tour
    action = "tour.view"
    denied_message = gettext_lazy("您没有查看观摩评比的权限。")
    template_name = "coordination/tours.html"

    def base_queryset(self):
        return Tour.objects.annotate(n_projects=Count("tour_projects", distinct=True)).order_by(
            "-date", "-pk"
        )


tours = TourList.as_view()


class TourDetail(ObjectView):
    """A tour: the units' and projects' scores the person may see; a judge's link to
    score, the city's button to close the scoring."""

    model = Tour
    action = "tour.view"
    context_object_name = "tour"
    template_name = "coordination/tour_detail.html"

    def get_extra_context(self):
        user, tour = self.request.user, self.object
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
        return {
            "unit_rows": unit_rows,
            "project_rows": project_rows,
            "is_judge": is_judge and policy.may_do(user, "score_tour"),
            # a judge does not see the others' scores (nor their averages) before closing
            "scores_hidden": is_judge and tour.closed_on is None,
            "may_close": policy.may_do(user, "close_tour"),
        }


tour_detail = TourDetail.as_view()


class VisitNew(ObjectEditView):
    """家家到 on a phone: the visitor's linked projects first, findings, issues raised on
    the spot (each becomes a coordination issue of the project)."""

    model = Visit
    action = "record_visit"
    denied_message = gettext_lazy("您没有记录走访的权限。")
    form_class = VisitForm
    template_name = "coordination/visit_new.html"
    creates = True
    carries_version = False
    error_aliases = {"description": "issues", "category": "issues"}

    def get_form_kwargs(self, obj):
        user = self.request.user
        projects = Project.objects.restrict(user).filter(termination__isnull=True)
        return {
            "projects": projects,
            "linked_ids": set(projects.filter(leaders=user).values_list("pk", flat=True)),
        }

    def get_initial(self, obj):
        return {"date": request_today(), "issue_category": IssueCategory.OTHER}

    def save(self, form, obj, expected_version):
        user, data = self.request.user, form.cleaned_data
        lines = form.issue_lines()
        if lines and not policy.may_do(user, "raise_issue"):
            raise ValidationError({"issues": _("您没有提出问题的权限。")})
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
        except PermissionDenied as exc:
            raise ValidationError({"project": str(exc)}) from exc
        # the photos taken on the spot, in the visit's transaction
        _attach_all(user, visit, data.get("photos") or [], field="photos")
        return visit

    def get_success_message(self, visit):
        return _("走访已记录：%(p)s，现场提出问题 %(n)d 个，照片 %(m)d 张。") % {
            "p": visit.project.name,
            "n": visit.issues.count(),
            "m": len(self.request.FILES.getlist("photos")),
        }

    def get_success_url(self, saved):
        return reverse("coordination:visit_detail", args=[saved.pk])

    def get_extra_context(self, form):
        recent = list(
            Visit.objects.restrict(self.request.user)
            .filter(visitor=self.request.user)
            .select_related("project")
            .annotate(n_issues=Count("issues"))
            .order_by("-date", "-pk")[:5]
        )
        return {"recent": recent}


visit_new = VisitNew.as_view()


class VisitDetail(ObjectView):
    """One visit (fits a phone): project, date, findings, the issues raised on the spot,
    its photos, and the upload for whoever may add to it."""

    model = Visit
    action = "service.view"
    context_object_name = "visit"
    template_name = "coordination/visit_detail.html"

    def base_queryset(self):
        return Visit.objects.select_related("project", "project__unit", "visitor")

    def get_extra_context(self):
        user = self.request.user
        return {
            "issues": list(Issue.objects.restrict(user).filter(visit=self.object).order_by("pk")),
            "project_viewable": Project.objects.restrict(user)
            .filter(pk=self.object.project_id)
            .exists(),
        }


visit_detail = VisitDetail.as_view()


class TourScorePage(RestrictedView):
    """A judge's phone page: the tour's projects in visiting order, each scored by the
    tour's criteria. Other judges' scores stay hidden until the tour is closed.

    Not one of the four kinds of page (a grid of one form per project, each saving that
    project's scores by every criterion): the base gives it the right and the tour, the
    page is :func:`_tour_score_page`."""

    model = Tour
    action = "score_tour"
    denied_message = gettext_lazy("您没有观摩评分的权限。")

    def get(self, request, *args, **kwargs):
        return _tour_score_page(request, self.get_object())

    post = get


tour_score = TourScorePage.as_view()


def _tour_score_page(request, tour: Tour):
    user = request.user
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


class TourClose(ObjectActionView):
    """截止评分 (the city): scores are final and the judges see each other's."""

    model = Tour
    action = "close_tour"

    @property
    def denied_message(self):
        return policy._denied_message(policy.CHANGE)

    def run(self, tour, expected_version):
        services.tour_close(user=self.request.user, tour=tour, on=request_today())

    def done_message(self, tour):
        return _("已截止评分。")

    def post(self, request, *args, **kwargs):
        super().post(request, *args, **kwargs)
        return redirect("coordination:tour_detail", kwargs["pk"])


tour_close = TourClose.as_view()
