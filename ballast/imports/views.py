"""/imports/: upload a ledger or monthly reports, preview, apply; templates; ledger
exports in the project list's filters."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ballast.accounts import policy
from ballast.imports import exports, jobs
from ballast.imports.forms import UploadForm
from ballast.imports.models import ImportFile, ImportJob
from ballast.imports.plan import ACTION_LABELS, ImportRejected
from ballast.imports.templates import build_template
from ballast.projects.filtersets import ProjectFilterSet
from ballast.projects.models import Project
from ballast.projects.selectors import list_queryset
from ballast.reports.models import MonthlyReport
from ballast.web.clock import parse_date, request_today
from ballast.web.views.generic import ObjectView

PREVIEW_PAGE = 200


def _file_response(data: bytes, filename: str, content_type: str = exports.XLSX_TYPE):
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _may_use(user) -> bool:
    return policy.may(user, policy.VIEW, ImportJob)


@login_required
def upload(request):
    user = request.user
    if not _may_use(user):
        raise PermissionDenied(_("您没有导入数据的权限。"))
    refused: list[str] = []
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            try:
                job = jobs.create_job(
                    user=user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
                )
            except jobs.UploadRefused as exc:
                refused = exc.errors
            else:
                if job.errors:
                    messages.error(
                        request,
                        _("文件中有 %(n)s 处错误，请修改后重新上传。") % {"n": len(job.errors)},
                    )
                return redirect("imports:job", job.pk)
    else:
        wanted = request.GET.get("kind")
        form = UploadForm(user=user, initial={"kind": wanted} if wanted else None)
    today = request_today()
    filterset = ProjectFilterSet(
        request.GET or None, queryset=list_queryset(user, today), user=user
    )
    return render(
        request,
        "imports/upload.html",
        {
            "form": form,
            "refused": refused,
            "jobs": jobs.jobs_of(user)[:20],
            "may_reports": jobs.may_import(user, ImportJob.Kind.REPORTS),
            "may_mujun": jobs.may_import(user, ImportJob.Kind.MUJUN),
            "filterset": filterset,
            "year": today.year,
            "background_rows": jobs.background_rows(),
        },
        status=400 if refused else 200,
    )


@login_required
def template_download(request, kind: str):
    if kind not in ("ledger", "reports", "mujun", "targets"):
        raise Http404
    wide = kind == "reports" and request.GET.get("wide") == "1"
    workbook = build_template(kind, wide=wide)
    out = io.BytesIO()
    workbook.save(out)
    name = {
        "ledger": "项目台账模板",
        "reports": "月度填报模板",
        "mujun": "亩均数据模板",
        "targets": "板块目标模板",
    }[kind]
    if kind == "reports":
        name += "-宽表" if wide else "-长表"
    return _file_response(out.getvalue(), f"{name}.xlsx")


def _job(request, pk: int) -> ImportJob:
    return get_object_or_404(jobs.jobs_of(request.user).select_related("user"), pk=pk)


class JobPage(ObjectView):
    """An import job of the person's (their own: ``jobs.jobs_of``)."""

    model = ImportJob
    action = "import.view"

    def get_queryset(self):
        return jobs.jobs_of(self.request.user).select_related("user")

    def get_object(self):
        job = super().get_object()
        # A job "导入中" whose worker died (its lease ran out) is shown, and recorded, as
        # interrupted, with the button to apply again (the embedded mode has no cron worker).
        if jobs.settle_expired(job):
            job.refresh_from_db()
        return job


class JobDetail(JobPage):
    """The preview of a job (the rows it would change), its errors and progress."""

    template_name = "imports/job.html"
    context_object_name = "job"

    def get_extra_context(self):
        job, request = self.object, self.request
        show = request.GET.get("show", "changes")
        rows = ImportFile.objects.values_list("preview", flat=True).get(job=job)
        if show == "changes":
            rows = [r for r in rows if r["action"] != "unchanged"]
        elif show in ACTION_LABELS:
            rows = [r for r in rows if r["action"] == show]
        return {
            "page": Paginator(rows, PREVIEW_PAGE).get_page(request.GET.get("page")),
            "show": show,
            "query": f"show={show}",
            "labels": ACTION_LABELS,
            "file_errors": [e for e in job.errors if not e["row"]],
            "progress": jobs.job_progress(job),
            "is_background": job.total_rows > jobs.background_rows(),
            "interrupted_message": jobs.INTERRUPTED_MESSAGE,
        }


class JobProgress(JobPage):
    """The job's progress as JSON (polled by its page)."""

    def get(self, request, *args, **kwargs):
        return JsonResponse(jobs.job_progress(self.get_object()))


class JobErrors(JobPage):
    """The uploaded workbook with its errors marked."""

    def get(self, request, *args, **kwargs):
        job = self.get_object()
        if not job.errors:
            raise Http404("该文件没有错误。")
        stem = job.filename.rsplit(".", 1)[0]
        return _file_response(jobs.annotated_workbook(job), f"{stem}-错误标注.xlsx")


job_detail = JobDetail.as_view()
job_progress_view = JobProgress.as_view()
job_errors = JobErrors.as_view()


@login_required
@require_POST
def job_apply(request, pk: int):
    job = _job(request, pk)
    try:
        done = jobs.request_apply(user=request.user, job=job)
    except ImportRejected as exc:
        for error in exc.errors:
            messages.error(request, error.message)
        return redirect("imports:job", job.pk)
    job.refresh_from_db()
    if not done:
        messages.info(
            request,
            _("共 %(n)s 行，已转入后台导入，本页会显示进度。") % {"n": job.total_rows},
        )
    elif job.status == ImportJob.Status.APPLIED:
        result = job.result
        messages.success(
            request,
            _("导入完成：新增 %(created)s，修改 %(updated)s，无变化 %(unchanged)s。")
            % {
                "created": result.get("created", 0),
                "updated": result.get("updated", 0),
                "unchanged": result.get("unchanged", 0),
            },
        )
    else:
        messages.error(request, _("导入未执行，没有写入任何数据。请查看错误清单。"))
    return redirect("imports:job", job.pk)


def _filtered_projects(request):
    user = request.user
    if not policy.may(user, policy.VIEW, Project):
        raise PermissionDenied(_("您没有查看项目的权限。"))
    as_of = parse_date(request.GET.get("as_of"), request_today())
    params = request.GET.copy()
    for name in ("year", "page", "export"):
        params.pop(name, None)
    filterset = ProjectFilterSet(params or None, queryset=list_queryset(user, as_of), user=user)
    return filterset.qs.order_by("unit__sort_order", "-total_investment", "pk")


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    return year if 1990 <= year <= 2100 else request_today().year


@login_required
def export_ledger_view(request):
    projects = _filtered_projects(request)
    year = _year(request)
    return _file_response(exports.export_ledger(projects, year=year), f"{year}年项目台账.xlsx")


@login_required
def export_reports_view(request):
    projects = _filtered_projects(request)
    year = _year(request)
    reports = MonthlyReport.objects.restrict(request.user).filter(
        project__in=projects.values("pk"), month__year=year
    )
    return _file_response(exports.export_reports(reports), f"{year}年月度填报.xlsx")
