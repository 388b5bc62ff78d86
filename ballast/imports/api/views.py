"""Imports (导入) through the API: upload a workbook, read its preview (the plan's rows
and errors), apply it, follow its progress — through the same job functions as the
upload page (``imports.jobs``), with the same checks. A job is its uploader's alone."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from ballast.accounts import policy
from ballast.api.idempotency import idempotent
from ballast.api.viewsets import ReadOnlyViewSet
from ballast.imports import jobs
from ballast.imports.api import serializers as s
from ballast.imports.models import ImportFile, ImportJob
from ballast.imports.plan import ACTION_LABELS, ImportRejected

SHOW = ("changes", "all", *ACTION_LABELS)


class ImportJobViewSet(ReadOnlyViewSet):
    """导入：上传台账或月度填报文件（校验与页面相同），查看预览与错误，执行导入，查看进度。"""

    queryset = ImportJob.objects.order_by("-created_at", "-pk")
    serializer_class = s.ImportJobSerializer
    parser_classes = (JSONParser, MultiPartParser, FormParser)
    policy_actions = {"apply": policy.CHANGE, "preview": policy.VIEW, "progress": policy.VIEW}

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
