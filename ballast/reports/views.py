"""/reports/: a clerk's month view, the entry form, the review queues and amendments."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ballast.accounts import policy
from ballast.attachments import views as attachment_views
from ballast.core.periods import add_months
from ballast.projects.history import project_history
from ballast.projects.models import Project
from ballast.regions.models import Region
from ballast.reports import selectors, services
from ballast.reports.choices import ReportStatus
from ballast.reports.forms import AmendForm, ReportForm
from ballast.reports.models import MonthlyReport
from ballast.reports.rules import check_month_submittable
from ballast.reports.tables import MonthTable, QueueTable
from ballast.web.clock import parse_month, reporting_month, request_today
from ballast.web.forms import apply_errors
from ballast.web.redirects import back
from ballast.web.views.generic import (
    ObjectActionView,
    ObjectEditView,
    ObjectListView,
    ObjectView,
    RestrictedView,
)


def _missing(status: str | None, return_reason: str | None) -> str:
    """What is still to do for a project's month, in the clerk's words."""
    if status is None:
        return _("未填报")
    if status == ReportStatus.DRAFT:
        return _("已退回，待修改后报送") if return_reason else _("草稿未报送")
    return ""


class ReportMonth(ObjectListView):
    """Every project of the user's scope that must report for the month, with its state;
    exported by its table (``reports.tables.MonthTable``)."""

    model = MonthlyReport
    action = "report.view"
    table_class = MonthTable
    template_name = "reports/report_month.html"
    paginate = False

    def get_rows(self):
        user = self.request.user
        self.today = request_today()
        self.month = parse_month(self.request.GET.get("month"), reporting_month(self.today))
        projects = Project.objects.restrict(user).select_related("unit")
        self.unit_id = self.request.GET.get("unit")
        if self.unit_id and self.unit_id.isdigit():
            projects = projects.filter(unit_id=int(self.unit_id))
        rows = list(
            selectors.projects_due(projects=projects, month=self.month).order_by(
                "unit__sort_order", "-total_investment", "pk"
            )
        )
        for row in rows:
            row.missing = _missing(row.report_status, row.report_return_reason)
            row.status_label = ReportStatus(row.report_status).label if row.report_status else ""
        return rows

    def table_kwargs(self):
        return {
            "month": self.month,
            "may_add": policy.may(self.request.user, policy.ADD, MonthlyReport),
        }

    def get_export_filename(self):
        return f"reports-{self.month:%Y%m}"

    def get_export_title(self):
        return f"{self.month:%Y-%m}月度填报"

    def get_extra_context(self, rows, **kwargs):
        user, month = self.request.user, self.month
        city = Region.objects.filter(pk=user.city_id_in_scope).first()
        deadline = services.deadline_for(city=city, month=month)
        done = sum(1 for r in rows if not r.missing)
        # A choice of units only where there is one to make; a single unit is shown as text.
        units = list(policy.units_for(user, policy.VIEW, MonthlyReport).order_by("sort_order"))
        fixed_unit = units[0] if len(units) == 1 else None
        if fixed_unit is not None:
            units = []
        return {
            "month": month,
            "rows": rows,
            "deadline": deadline,
            "days_left": (deadline - self.today).days,
            "done": done,
            "missing_count": len(rows) - done,
            "previous": add_months(month, -1),
            "next": add_months(month, 1),
            "units": units,
            "fixed_unit": fixed_unit,
            "unit_id": self.unit_id,
            "may_add": policy.may(user, policy.ADD, MonthlyReport),
        }


report_month = ReportMonth.as_view()


def _month_from(text: str) -> date:
    try:
        year, month = (int(p) for p in text.split("-"))
        return date(year, month, 1)
    except ValueError as exc:
        raise Http404(_("月份格式应为 YYYY-MM。")) from exc


class ReportEntry(ObjectEditView):
    """The clerk's form for one project's month: plan and sums beside the amount typed.
    Saving writes the draft; "报送" then submits it in a second step, so a month that may
    not be submitted yet keeps its draft and says why."""

    model = MonthlyReport
    form_class = ReportForm
    template_name = "reports/report_entry.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.month = _month_from(kwargs["month"])
        self.project = get_object_or_404(
            Project.objects.restrict(request.user).select_related("unit"),
            pk=kwargs["project_pk"],
        )
        self.report = self.get_queryset().filter(project=self.project, month=self.month).first()
        if self.report is not None and self.report.status != ReportStatus.DRAFT:
            return redirect("reports:report_detail", self.report.pk)
        self.creates = self.report is None
        return super().dispatch(request, *args, **kwargs)

    def get_action(self):
        return "report.add" if self.report is None else "report.change"

    def get_object(self):
        if self.report is not None:
            self.check_object(self.report)
        return self.report

    def versioned_record(self, obj):
        return self.report

    def get_form_kwargs(self, obj):
        return {"instance": obj}

    def save(self, form, obj, expected_version):
        return services.report_save(
            user=self.request.user,
            project=self.project,
            month=self.month,
            data=form.service_data(),
            expected_version=expected_version,
        )

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form(self.object)
        if not form.is_valid():
            return self.form_page(form)
        version = self.expected_version(form)
        try:
            self.report = self.write(lambda: self.save(form, self.object, version))
            if "submit" in request.POST:
                self.write(lambda: services.report_submit(user=request.user, report=self.report))
        except ValidationError as exc:
            apply_errors(form, exc)  # a refused submit keeps the saved draft
            return self.form_page(form)
        month = f"{self.month:%Y-%m}"
        if "submit" in request.POST:
            messages.success(
                request,
                _("“%(name)s” %(month)s填报已报送。") % {"name": self.project.name, "month": month},
            )
            return redirect(f"{reverse('reports:report_month')}?month={month}")
        messages.success(request, _("草稿已保存。"))
        return redirect("reports:report_entry", self.project.pk, month)

    def get_extra_context(self, form):
        project, month = self.project, self.month
        sums = selectors.report_sums(project=project, month=month)
        try:  # told before typing; the service refuses it anyway (reports/rules.py)
            check_month_submittable(month, today=request_today())
            month_notice = ""
        except ValidationError as exc:
            month_notice = "；".join(exc.messages)
        return {
            "project": project,
            "month": month,
            "report": self.report,
            "sums": sums,
            "sums_json": {k: (f"{v:.2f}" if v is not None else None) for k, v in sums.items()},
            "month_notice": month_notice,
            "deadline": services.deadline_for(city=project.unit.city, month=month),
        }


report_entry = ReportEntry.as_view()


class ReportView(ObjectView):
    """One month's report: its figures beside the plan, its flow buttons and history."""

    model = MonthlyReport
    action = "report.view"
    template_name = "reports/report_detail.html"
    context_object_name = "report"

    def base_queryset(self):
        return selectors.with_report_context(
            MonthlyReport.objects.select_related(
                "project__unit", "submitted_by", "unit_approved_by", "accepted_by"
            )
        )

    def get_extra_context(self):
        report = self.object
        report.year_to_date = report.year_before + report.investment
        report.plan_share = (
            report.year_to_date * 100 / report.plan_investment if report.plan_investment else None
        )
        actions = policy.allowed_actions(self.request.user, "report")
        status = report.status
        return {
            "may_edit": status == ReportStatus.DRAFT and policy.CHANGE in actions,
            "may_approve": status == ReportStatus.SUBMITTED and policy.APPROVE in actions,
            "may_accept": status == ReportStatus.UNIT_APPROVED and policy.ACCEPT in actions,
            "may_return": policy.RETURN in actions
            and (
                (status == ReportStatus.SUBMITTED and policy.APPROVE in actions)
                or (status == ReportStatus.UNIT_APPROVED and policy.ACCEPT in actions)
            ),
            "may_amend": status == ReportStatus.ACCEPTED and policy.AMEND in actions,
            "history": [
                row
                for row in project_history(project=report.project)
                if row.model is MonthlyReport and row.object_label == f"{report.month:%Y-%m}"
            ],
        }


report_detail = ReportView.as_view()


class ReviewQueue(ObjectListView):
    """A review queue: the reports in ``status`` that wait for the person's ``action``."""

    model = MonthlyReport
    table_class = QueueTable
    template_name = "reports/review_queue.html"
    paginate = False
    status = ""
    title = ""
    url_name = ""
    batch_url_name = ""
    batch_label = ""

    def get_rows(self):
        reports = selectors.with_report_context(
            policy.restrict(MonthlyReport.objects.all(), self.request.user, self.row_action())
            .filter(status=self.status)
            .select_related("project__unit", "submitted_by", "unit_approved_by")
            .order_by("month", "project__unit__sort_order", "project_id")
        )
        rows = list(reports[:200])
        for row in rows:
            row.year_to_date = row.year_before + row.investment
            row.since_start = row.since_start_before + row.investment
            row.plan_share = (
                row.year_to_date * 100 / row.plan_investment if row.plan_investment else None
            )
        return rows

    def table_kwargs(self):
        return {
            "action": self.row_action(),
            "here": reverse(self.url_name),
            "csrf_token": get_token(self.request),
        }

    def get_export_filename(self):
        return f"review-{self.row_action()}"

    def get_export_title(self):
        return str(self.title)

    def get_extra_context(self, rows, **kwargs):
        return {
            "rows": rows,
            "title": self.title,
            "batch_url": reverse(self.batch_url_name) if self.batch_url_name else "",
            "batch_label": self.batch_label,
        }


class ReviewUnit(ReviewQueue):
    """The unit reviewer's queue: submitted reports to approve or return."""

    action = "report.approve"
    status = ReportStatus.SUBMITTED
    title = gettext_lazy("板块审核")
    url_name = "reports:review_unit"
    batch_url_name = "reports:review_unit_batch"
    batch_label = gettext_lazy("批量通过选中的填报")


class ReviewCity(ReviewQueue):
    """The city's queue: unit-approved reports to accept or return."""

    action = "report.accept"
    status = ReportStatus.UNIT_APPROVED
    title = gettext_lazy("市级验收")
    url_name = "reports:review_city"
    batch_url_name = "reports:review_city_batch"
    batch_label = gettext_lazy("批量验收选中的填报")


review_unit = ReviewUnit.as_view()
review_city = ReviewCity.as_view()


class ReviewBatch(RestrictedView):
    """One step of the flow on several reports of a queue at once (the checked rows).

    Each ``pick`` posted is "<pk>:<version>", the version the queue showed. Every report
    goes through the same service as its own button, in its own transaction: a report
    changed since (stale version), moved on, or outside the person's scope is skipped and
    named in the message; the others are taken. Nothing of one refusal is lost to another.
    """

    model = MonthlyReport
    http_method_names = ["post"]
    fallback_url = ""
    done = ""

    def run(self, obj, expected_version):  # pragma: no cover - every batch has its own
        raise NotImplementedError

    def picks(self) -> list[tuple[int, int | None]]:
        picked = []
        for text in self.request.POST.getlist("pick"):
            pk, __, version = text.partition(":")
            if pk.isdigit():
                picked.append((int(pk), int(version) if version.isdigit() else None))
        return picked

    def post(self, request, *args, **kwargs):
        picked = self.picks()
        if not picked:
            messages.error(request, _("请先勾选要处理的填报。"))
            return back(request, self.fallback_url)
        visible = {
            r.pk: r
            for r in self.get_queryset()
            .filter(pk__in=[pk for pk, __ in picked])
            .select_related("project")
        }
        done, skipped = [], []
        for pk, version in picked:
            report = visible.get(pk)
            if report is None:
                skipped.append(_("编号 %(pk)s：无权处理或已不存在") % {"pk": pk})
                continue
            name = f"“{report.project.name}” {report.month:%Y-%m}"
            try:
                self.check_object(report)
                self.write(lambda r=report, v=version: self.run(r, v), report)
            except PermissionDenied:
                skipped.append(_("%(name)s：无权处理") % {"name": name})
            except ValidationError as exc:
                skipped.append(f"{name}：{'；'.join(exc.messages)}")
            else:
                done.append(name)
        if done:
            messages.success(
                request,
                _("%(done)s %(n)s 件：%(names)s")
                % {"done": self.done, "n": len(done), "names": "、".join(done)},
            )
        if skipped:
            messages.warning(
                request,
                _("未处理 %(n)s 件（其余不受影响）：%(names)s")
                % {"n": len(skipped), "names": "；".join(skipped)},
            )
        return back(request, self.fallback_url)


class ReviewUnitBatch(ReviewBatch):
    action = "report.approve"
    done = gettext_lazy("已审核通过")
    fallback_url = "reports:review_unit"

    def run(self, obj, expected_version):
        return services.report_approve(
            user=self.request.user, report=obj, expected_version=expected_version
        )


class ReviewCityBatch(ReviewBatch):
    action = "report.accept"
    done = gettext_lazy("已验收")
    fallback_url = "reports:review_city"

    def run(self, obj, expected_version):
        return services.report_accept(
            user=self.request.user, report=obj, expected_version=expected_version
        )


review_unit_batch = ReviewUnitBatch.as_view()
review_city_batch = ReviewCityBatch.as_view()


class ReportStep(ObjectActionView):
    """A button of the report's flow: the version the page showed is checked by the
    service; the person goes back to the page they came from."""

    model = MonthlyReport
    done = ""

    def done_message(self, obj):
        return _("“%(name)s” %(month)s：%(done)s") % {
            "name": obj.project.name,
            "month": f"{obj.month:%Y-%m}",
            "done": self.done,
        }


class ReportSubmit(ReportStep):
    action = "report.submit"
    done = gettext_lazy("已报送。")
    fallback_url = "reports:report_month"

    def run(self, obj, expected_version):
        return services.report_submit(
            user=self.request.user, report=obj, expected_version=expected_version
        )


class ReportApprove(ReportStep):
    action = "report.approve"
    done = gettext_lazy("审核通过。")
    fallback_url = "reports:review_unit"

    def run(self, obj, expected_version):
        return services.report_approve(
            user=self.request.user, report=obj, expected_version=expected_version
        )


class ReportAccept(ReportStep):
    action = "report.accept"
    done = gettext_lazy("已验收。")
    fallback_url = "reports:review_city"

    def run(self, obj, expected_version):
        return services.report_accept(
            user=self.request.user, report=obj, expected_version=expected_version
        )


class ReportReturn(ReportStep):
    action = "report.return"
    done = gettext_lazy("已退回。")

    def run(self, obj, expected_version):
        return services.report_return(
            user=self.request.user,
            report=obj,
            reason=self.request.POST.get("reason", ""),
            expected_version=expected_version,
        )


report_submit = ReportSubmit.as_view()
report_approve = ReportApprove.as_view()
report_accept = ReportAccept.as_view()
report_return = ReportReturn.as_view()


class ReportAmend(ObjectEditView):
    """更正 of an accepted report, with a reason kept in its history."""

    model = MonthlyReport
    action = "report.amend"
    form_class = AmendForm
    success_message = gettext_lazy("更正已保存。")

    def base_queryset(self):
        return MonthlyReport.objects.select_related("project__unit")

    def get_form_kwargs(self, obj):
        return {"instance": obj}

    def save(self, form, obj, expected_version):
        return services.report_amend(
            user=self.request.user,
            report=obj,
            data=form.service_data(),
            reason=form.cleaned_data["reason"],
            expected_version=expected_version,
        )

    def get_success_url(self, saved):
        return reverse("reports:report_detail", args=[self.object.pk])

    def get_title(self):
        report = self.object
        return _("更正：%(report)s") % {
            "report": f"{report.project} {date_format(report.month, _('Y年m月'))}"
        }

    def get_extra_context(self, form):
        return {"project": self.object.project}


report_amend = ReportAmend.as_view()


@login_required
@require_POST
def report_attach(request, pk: int):
    """Add 形象进度 photos to a draft report (the attachments include's form)."""
    report = get_object_or_404(MonthlyReport.objects.restrict(request.user), pk=pk)
    back = reverse("reports:report_detail", args=[report.pk])
    return attachment_views.upload(request, owner=report, back=back, as_of=request_today())
