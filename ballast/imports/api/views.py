"""Imports (导入) through the API: upload a workbook, read its preview (the plan's rows
and errors), download the file with its errors marked, apply it, follow its progress —
through the same job functions as the upload page (``imports.jobs``), with the same
checks. A job is its uploader's alone.

Exports (导出): the standard project ledger and the monthly reports, in the project
list's filters, as the page's buttons download them (``imports.exports``) — xlsx or csv."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from ballast.accounts import policy
from ballast.api.idempotency import idempotent
from ballast.api.params import query_date, query_year
from ballast.api.renderers import CSV_TYPE, TABLE_RENDERERS, XLSX_TYPE, table_format
from ballast.api.viewsets import ReadOnlyViewSet
from ballast.imports import exports, jobs
from ballast.imports.api import serializers as s
from ballast.imports.models import ImportFile, ImportJob
from ballast.imports.plan import ACTION_LABELS, ImportRejected
from ballast.imports.templates import build_template
from ballast.projects.api.views import ApiProjectFilterSet
from ballast.projects.models import Project
from ballast.projects.selectors import list_queryset
from ballast.reports.models import MonthlyReport

SHOW = ("changes", "all", *ACTION_LABELS)


def file_response(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class ImportJobViewSet(ReadOnlyViewSet):
    """导入：上传台账或月度填报文件（校验与页面相同），查看预览与错误，执行导入，查看进度。"""

    queryset = ImportJob.objects.order_by("-created_at", "-pk")
    serializer_class = s.ImportJobSerializer
    parser_classes = (JSONParser, MultiPartParser, FormParser)
    policy_actions = {
        "apply": policy.CHANGE,
        "preview": policy.VIEW,
        "progress": policy.VIEW,
        "errors": policy.VIEW,
    }

    def get_serializer_class(self):
        return {
            "create": s.UploadSerializer,
            "preview": s.PreviewRowSerializer,
            "progress": s.ProgressSerializer,
            "apply": None,
        }.get(self.action, s.ImportJobSerializer)

    def get_object(self):
        job = super().get_object()
        # A job "导入中" whose worker died is shown, and recorded, as interrupted (as the
        # page does).
        if jobs.settle_expired(job):
            job.refresh_from_db()
        return job

    @extend_schema(
        request={"multipart/form-data": s.UploadSerializer},
        responses={201: s.ImportJobSerializer},
    )
    @idempotent
    def create(self, request, *args, **kwargs):
        """上传文件：读取、校验并生成预览（不写入数据）；整个文件被拒时 400。"""
        data = self.validated(s.UploadSerializer)
        try:
            job = jobs.create_job(user=request.user, kind=data["kind"], upload=data["file"])
        except jobs.UploadRefused as exc:
            raise exceptions.ValidationError({"file": exc.errors}) from exc
        return self.object_response(job, status.HTTP_201_CREATED, s.ImportJobSerializer)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "show",
                enum=SHOW,
                description="changes（默认：有变化或有错误的行）、all，或某一种处理方式",
            )
        ],
        responses={200: s.PreviewRowSerializer(many=True)},
    )
    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None):
        """预览：计划的每一行（新增、修改、无变化、有错误）及其变化和错误，分页。"""
        job = self.get_object()
        show = request.query_params.get("show") or "changes"
        if show not in SHOW:
            raise exceptions.ValidationError({"show": [f"应为 {'、'.join(SHOW)} 之一。"]})
        rows = ImportFile.objects.values_list("preview", flat=True).get(job=job)
        if show == "changes":
            rows = [r for r in rows if r["action"] != "unchanged"]
        elif show != "all":
            rows = [r for r in rows if r["action"] == show]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.PreviewRowSerializer(page, many=True).data)

    @extend_schema(
        request=None,
        responses={200: s.ProgressSerializer, 202: s.ProgressSerializer},
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def apply(self, request, pk=None):
        """执行导入：小文件当即完成（200），大文件转入后台（202，随后查看进度）。
        带 Idempotency-Key 重试不会重复导入。"""
        job = self.get_object()
        try:
            done = jobs.request_apply(user=request.user, job=job)
        except ImportRejected as exc:
            raise exceptions.ValidationError(
                {"file": [error.message for error in exc.errors]}
            ) from exc
        job.refresh_from_db()
        return Response(
            s.ProgressSerializer(jobs.job_progress(job)).data,
            status=status.HTTP_200_OK if done else status.HTTP_202_ACCEPTED,
        )

    @extend_schema(responses={200: s.ProgressSerializer})
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        """进度：状态、已处理行数、结果。"""
        job = self.get_object()
        return Response(s.ProgressSerializer(jobs.job_progress(job)).data)

    @extend_schema(responses={(200, XLSX_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=TABLE_RENDERERS[:2])
    def errors(self, request, pk=None):
        """错误标注文件：上传的文件，有错误的行在新增的一列中写明错误、出错的单元格标红
        （与页面“下载错误标注文件”相同）；没有错误时 404。"""
        job = self.get_object()
        if not job.errors:
            raise exceptions.NotFound(_("该文件没有错误。"))
        stem = job.filename.rsplit(".", 1)[0]
        return file_response(jobs.annotated_workbook(job), f"{stem}-错误标注.xlsx", XLSX_TYPE)


class _ExportView(generics.GenericAPIView):
    """A download of the person's projects in the project list's filters (the same
    filterset as ``/projects/`` and ``/api/v1/projects/``), as xlsx or csv."""

    renderer_classes = TABLE_RENDERERS
    filterset_class = ApiProjectFilterSet
    filterset_takes_user = True
    pagination_class = None

    def get_queryset(self):
        user = self.request.user
        fake = getattr(self, "swagger_fake_view", False)  # the schema's generator
        if not fake and not policy.may(user, policy.VIEW, Project):
            raise exceptions.PermissionDenied(policy._denied_message(policy.VIEW))
        return list_queryset(user, query_date(self.request))

    def projects(self):
        projects = self.filter_queryset(self.get_queryset())
        return projects.order_by("unit__sort_order", "-total_investment", "pk")


def _export_schema(summary: str):
    return extend_schema(
        summary=summary,
        filters=True,
        parameters=[
            OpenApiParameter("year", int, description="年度（默认为统计日期所在年）"),
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="统计日期（阶段按此判断）"),
            OpenApiParameter(
                "format", str, enum=["xlsx", "csv"], description="xlsx（默认）或 csv；亦可用 Accept"
            ),
        ],
        responses={
            (200, XLSX_TYPE): OpenApiTypes.BINARY,
            (200, CSV_TYPE): OpenApiTypes.BINARY,
        },
    )


def _typed(fmt: str) -> str:
    return XLSX_TYPE if fmt == "xlsx" else exports.CSV_TYPE


class LedgerExportView(_ExportView):
    """项目台账导出（标准台账，可修改后再导入）。"""

    @_export_schema("导出项目台账")
    def get(self, request):
        fmt = table_format(request)
        year = query_year(request, default=query_date(request).year)
        data = exports.export_ledger(self.projects(), year=year, fmt=fmt)
        return file_response(data, f"{year}年项目台账.{fmt}", _typed(fmt))


class ReportsExportView(_ExportView):
    """月度填报导出（长表：每个项目每月一行，可修改后再导入）。"""

    @_export_schema("导出月度填报")
    def get(self, request):
        fmt = table_format(request)
        year = query_year(request, default=query_date(request).year)
        reports = MonthlyReport.objects.restrict(request.user).filter(
            project__in=self.projects().values("pk"), month__year=year
        )
        data = exports.export_reports(reports, fmt=fmt)
        return file_response(data, f"{year}年月度填报.{fmt}", _typed(fmt))


class ImportTemplateView(generics.GenericAPIView):
    """导入模板（空白工作簿，与上传页的模板相同）：ledger 为项目台账；reports 为月度填报，
    ?wide=1 为宽表（每月一列）；mujun 为亩均数据；targets 为板块目标。"""

    renderer_classes = TABLE_RENDERERS[:2]
    pagination_class = None
    filter_backends = []

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "kind", str, OpenApiParameter.PATH, enum=["ledger", "reports", "mujun", "targets"]
            ),
            OpenApiParameter("wide", str, enum=["1"], description="月度填报的宽表（每月一列）"),
        ],
        responses={(200, XLSX_TYPE): OpenApiTypes.BINARY},
    )
    def get(self, request, kind: str):
        wide = kind == "reports" and request.query_params.get("wide") == "1"
        book = io.BytesIO()
        build_template(kind, wide=wide).save(book)
        name = {
            "ledger": "项目台账模板",
            "reports": "月度填报模板",
            "mujun": "亩均数据模板",
            "targets": "板块目标模板",
        }[kind]
        if kind == "reports":
            name += "-宽表" if wide else "-长表"
        return file_response(book.getvalue(), f"{name}.xlsx", XLSX_TYPE)
