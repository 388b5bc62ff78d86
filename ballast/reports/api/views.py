"""Monthly reports and their flow (报送 → 板块审核 → 市级验收, 退回, 更正) — through
``reports.services``; every step needs the report's ETag in ``If-Match``."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action

from ballast.accounts import policy
from ballast.api.viewsets import WritableViewSet
from ballast.reports import services
from ballast.reports.api import serializers as s
from ballast.reports.choices import ReportStatus
from ballast.reports.models import MonthlyReport


class MonthlyReportFilterSet(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="project__unit__code", label="板块代码")
    month = django_filters.DateFilter(label="月份（当月第一天）")
    month_from = django_filters.DateFilter(field_name="month", lookup_expr="gte", label="起始月份")
    month_to = django_filters.DateFilter(field_name="month", lookup_expr="lte", label="截止月份")
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label="状态")

    class Meta:
        model = MonthlyReport
        fields = ("project", "unit", "month", "month_from", "month_to", "status")


class MonthlyReportViewSet(WritableViewSet):
    """月报：草稿的新增与修改（板块填报员），报送、审核、验收、退回、更正。"""

    queryset = MonthlyReport.objects.select_related("project").order_by("-month", "project", "pk")
    serializer_class = s.MonthlyReportSerializer
    read_serializer_class = s.MonthlyReportSerializer
    filterset_class = MonthlyReportFilterSet
    policy_actions = {
        "submit": policy.SUBMIT,
        "approve": policy.APPROVE,
        "accept": policy.ACCEPT,
        "return_": policy.RETURN,
        "amend": policy.AMEND,
    }

    def get_serializer_class(self):
        if self.action == "create":
            return s.MonthlyReportCreateSerializer
        if self.action in ("update", "partial_update"):
            return s.MonthlyReportDraftSerializer
        if self.action == "return_":
            return s.ReasonSerializer
        if self.action == "amend":
            return s.AmendSerializer
        if self.action in ("submit", "approve", "accept"):
            return None
        return s.MonthlyReportSerializer

    def create_object(self, data):
        project, month = data.pop("project"), data.pop("month")
        # 0: no report for that month yet; a second client creating it is told (412).
        return services.report_save(
            user=self.request.user, project=project, month=month, data=data, expected_version=0
        )

    def update_object(self, obj, data, version):
        return services.report_save(
            user=self.request.user,
            project=obj.project,
            month=obj.month,
            data=data,
            expected_version=version,
        )

    def _step(self, service, **extra):
        version = self.expected_version()
        report = self.get_object()
        done = service(user=self.request.user, report=report, expected_version=version, **extra)
        return self.object_response(done)

    @extend_schema(request=None, responses={200: s.MonthlyReportSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """报送（板块填报员）。"""
        return self._step(services.report_submit)

    @extend_schema(request=None, responses={200: s.MonthlyReportSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """板块审核通过。"""
        return self._step(services.report_approve)

    @extend_schema(request=None, responses={200: s.MonthlyReportSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """市级验收（验收后锁定）。"""
        return self._step(services.report_accept)

    @extend_schema(request=s.ReasonSerializer, responses={200: s.MonthlyReportSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """退回（须填写原因）。"""
        version = self.expected_version()
        report = self.get_object()
        reason = self.validated(s.ReasonSerializer)["reason"]
        done = services.report_return(
            user=request.user, report=report, reason=reason, expected_version=version
        )
        return self.object_response(done)

    @extend_schema(request=s.AmendSerializer, responses={200: s.MonthlyReportSerializer})
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        """更正已验收的月报（须填写原因）。"""
        version = self.expected_version()
        report = self.get_object()
        data = dict(self.validated(s.AmendSerializer))
        reason = data.pop("reason")
        done = services.report_amend(
            user=request.user, report=report, data=data, reason=reason, expected_version=version
        )
        return self.object_response(done, status.HTTP_200_OK)
