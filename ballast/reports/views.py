"""/reports/: a clerk's month view, the entry form, the review queues and amendments."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ballast.accounts import policy
from ballast.attachments import views as attachment_views
from ballast.core.periods import add_months
from ballast.projects.history import project_history
from ballast.projects.models import Project
from ballast.regions.models import Region
from ballast.reports import selectors, services
from ballast.reports.choices import ReportStatus
from ballast.reports.forms import AmendForm, ReportForm, ReturnForm
from ballast.reports.models import MonthlyReport
from ballast.reports.rules import check_month_submittable
from ballast.web.clock import parse_month, reporting_month, request_today
from ballast.web.exports import table_export
from ballast.web.forms import apply_errors
from ballast.web.redirects import back


def _require(user, action: str) -> None:
    if not policy.may(user, action, MonthlyReport):
        raise PermissionDenied(policy._denied_message(action))


def _missing(status: str | None, return_reason: str | None) -> str:
    """What is still to do for a project's month, in the clerk's words."""
    if status is None:
        return _("未填报")
    if status == ReportStatus.DRAFT:
        return _("已退回，待修改后报送") if return_reason else _("草稿未报送")
    return ""


MONTH_COLUMNS = (
    ("项目代码", lambda p: p.code or ""),
    ("项目名称", lambda p: p.name),
    ("板块", lambda p: p.unit.display_name),
    ("总投资（万元）", lambda p: p.total_investment),
    ("当月完成投资（万元）", lambda p: p.report_investment),
    ("填报状态", lambda p: p.status_label),
    ("待办", lambda p: p.missing),
    ("退回原因", lambda p: p.report_return_reason or ""),
)

QUEUE_COLUMNS = (
    ("月份", lambda r: f"{r.month:%Y-%m}"),
    ("项目代码", lambda r: r.project.code or ""),
    ("项目名称", lambda r: r.project.name),
    ("板块", lambda r: r.project.unit.display_name),
    ("当月完成投资（万元）", lambda r: r.investment),
    ("本年累计（万元）", lambda r: r.year_to_date),
    ("年度计划投资（万元）", lambda r: r.plan_investment),
    ("占年度计划（%）", lambda r: round(r.plan_share, 1) if r.plan_share is not None else None),
    ("开工以来累计（万元）", lambda r: r.since_start),
    ("形象进度", lambda r: r.progress),
)


@login_required
def report_month(request):
    """Every project of the user's scope that must report for the month, with its state."""
    user = request.user
    _require(user, policy.VIEW)
    today = request_today()
    month = parse_month(request.GET.get("month"), reporting_month(today))
    projects = Project.objects.restrict(user).select_related("unit")
    unit_id = request.GET.get("unit")
    if unit_id and unit_id.isdigit():
        projects = projects.filter(unit_id=int(unit_id))
    rows = list(
        selectors.projects_due(projects=projects, month=month).order_by(
            "unit__sort_order", "-total_investment", "pk"
        )
    )
    for row in rows:
        row.missing = _missing(row.report_status, row.report_return_reason)
        row.status_label = ReportStatus(row.report_status).label if row.report_status else ""
    city = Region.objects.filter(pk=user.city_id_in_scope).first()
    deadline = services.deadline_for(city=city, month=month)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return table_export(
            export, MONTH_COLUMNS, rows, f"reports-{month:%Y%m}", f"{month:%Y-%m}月度填报"
        )
    done = sum(1 for r in rows if not r.missing)
    # A choice of units only where there is one to make; a single unit is shown as text.
    units = list(policy.units_for(user, policy.VIEW, MonthlyReport).order_by("sort_order"))
    fixed_unit = units[0] if len(units) == 1 else None
    if fixed_unit is not None:
        units = []
    return render(
        request,
        "reports/report_month.html",
        {
            "month": month,
            "rows": rows,
            "deadline": deadline,
            "days_left": (deadline - today).days,
            "done": done,
            "missing_count": len(rows) - done,
            "previous": add_months(month, -1),
            "next": add_months(month, 1),
            "units": units,
            "fixed_unit": fixed_unit,
            "unit_id": unit_id,
            "may_add": policy.may(user, policy.ADD, MonthlyReport),
        },
    )


def _month_from(text: str) -> date:
    try:
        year, month = (int(p) for p in text.split("-"))
        return date(year, month, 1)
    except ValueError as exc:
        from django.http import Http404

        raise Http404(_("月份格式应为 YYYY-MM。")) from exc


@login_required
def report_entry(request, project_pk: int, month: str):
    """The clerk's form for one project's month: plan and sums beside the amount typed."""
    user = request.user
    month = _month_from(month)
    project = get_object_or_404(
        Project.objects.restrict(user).select_related("unit"), pk=project_pk
    )
    report = MonthlyReport.objects.restrict(user).filter(project=project, month=month).first()
    if report is not None and report.status != ReportStatus.DRAFT:
        return redirect("reports:report_detail", report.pk)
    _require(user, policy.ADD if report is None else policy.CHANGE)
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_save(
                user=user,
                project=project,
                month=month,
                data=form.service_data(),
                expected_version=form.expected_version(),
            )
            if "submit" in request.POST:
                services.report_submit(user=user, report=report)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if "submit" in request.POST:
                messages.success(
                    request,
                    _("“%(name)s” %(month)s填报已报送。")
                    % {"name": project.name, "month": f"{month:%Y-%m}"},
                )
                return redirect(f"{reverse('reports:report_month')}?month={month:%Y-%m}")
            messages.success(request, _("草稿已保存。"))
            return redirect("reports:report_entry", project.pk, f"{month:%Y-%m}")
    sums = selectors.report_sums(project=project, month=month)
    try:  # told before typing; the service refuses it anyway (reports/rules.py)
        check_month_submittable(month, today=request_today())
        month_notice = ""
    except ValidationError as exc:
        month_notice = "；".join(exc.messages)
    return render(
        request,
        "reports/report_entry.html",
        {
            "project": project,
            "month": month,
            "report": report,
            "form": form,
            "sums": sums,
            "sums_json": {k: (f"{v:.2f}" if v is not None else None) for k, v in sums.items()},
            "month_notice": month_notice,
            "deadline": services.deadline_for(city=project.unit.city, month=month),
        },
    )


@login_required
def report_detail(request, pk: int):
    user = request.user
    report = get_object_or_404(
        selectors.with_report_context(
            MonthlyReport.objects.restrict(user).select_related(
                "project__unit", "submitted_by", "unit_approved_by", "accepted_by"
            )
        ),
        pk=pk,
    )
    report.year_to_date = report.year_before + report.investment
    report.plan_share = (
        report.year_to_date * 100 / report.plan_investment if report.plan_investment else None
    )
    actions = policy.allowed_actions(user, "report")
    status = report.status
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
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
        },
    )


@login_required
@require_POST
def report_attach(request, pk: int):
    """Add 形象进度 photos to a draft report (the attachments include's form)."""
    report = get_object_or_404(MonthlyReport.objects.restrict(request.user), pk=pk)
    back = reverse("reports:report_detail", args=[report.pk])
    return attachment_views.upload(request, owner=report, back=back, as_of=request_today())


def _queue(request, action: str, status: str, template_title: str, url_name: str):
    user = request.user
    _require(user, action)
    reports = selectors.with_report_context(
        MonthlyReport.objects.restrict(user, action)
        .filter(status=status)
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
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return table_export(export, QUEUE_COLUMNS, rows, f"review-{action}", template_title)
    return render(
        request,
        "reports/review_queue.html",
        {
            "rows": rows,
            "title": template_title,
            "action": action,
            "return_form": ReturnForm(),
            "here": reverse(url_name),
        },
    )


@login_required
def review_unit(request):
    """The unit reviewer's queue: submitted reports to approve or return."""
    return _queue(
        request, policy.APPROVE, ReportStatus.SUBMITTED, _("板块审核"), "reports:review_unit"
    )


@login_required
def review_city(request):
    """The city's queue: unit-approved reports to accept or return."""
    return _queue(
        request, policy.ACCEPT, ReportStatus.UNIT_APPROVED, _("市级验收"), "reports:review_city"
    )


def _report_for(user, pk: int) -> MonthlyReport:
    return get_object_or_404(MonthlyReport.objects.restrict(user), pk=pk)


def _posted_version(request):
    """The version of the report the page showed (None from a page that did not send it)."""
    text = request.POST.get("version", "")
    return int(text) if text.isdigit() else None


def _flow(request, pk: int, run, done: str, fallback: str):
    report = _report_for(request.user, pk)
    try:
        run(report, _posted_version(request))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request,
            _("“%(name)s” %(month)s：%(done)s")
            % {"name": report.project.name, "month": f"{report.month:%Y-%m}", "done": done},
        )
    return back(request, fallback)


@login_required
@require_POST
def report_submit(request, pk: int):
    return _flow(
        request,
        pk,
        lambda r, v: services.report_submit(user=request.user, report=r, expected_version=v),
        _("已报送。"),
        "reports:report_month",
    )


@login_required
@require_POST
def report_approve(request, pk: int):
    return _flow(
        request,
        pk,
        lambda r, v: services.report_approve(user=request.user, report=r, expected_version=v),
        _("审核通过。"),
        "reports:review_unit",
    )


@login_required
@require_POST
def report_accept(request, pk: int):
    return _flow(
        request,
        pk,
        lambda r, v: services.report_accept(user=request.user, report=r, expected_version=v),
        _("已验收。"),
        "reports:review_city",
    )


@login_required
@require_POST
def report_return(request, pk: int):
    reason = request.POST.get("reason", "")
    return _flow(
        request,
        pk,
        lambda r, v: services.report_return(
            user=request.user, report=r, reason=reason, expected_version=v
        ),
        _("已退回。"),
        "web:home",
    )


@login_required
def report_amend(request, pk: int):
    """更正 of an accepted report, with a reason kept in its history."""
    user = request.user
    report = get_object_or_404(
        MonthlyReport.objects.restrict(user).select_related("project__unit"), pk=pk
    )
    _require(user, policy.AMEND)
    form = AmendForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_amend(
                user=user,
                report=report,
                data=form.service_data(),
                reason=form.cleaned_data["reason"],
                expected_version=form.expected_version(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("更正已保存。"))
            return redirect("reports:report_detail", report.pk)
    return render(
        request,
        "web/form.html",
        {
            "form": form,
            "title": _("更正：%(report)s")
            % {"report": f"{report.project} {date_format(report.month, _('Y年m月'))}"},
            "project": report.project,
        },
    )
