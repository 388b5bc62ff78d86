from rest_framework import serializers

from ballast.api.serializers import ScopedModelSerializer
from ballast.reports.models import MonthlyReport
from ballast.reports.services import REPORT_FIELDS

READ_ONLY = ("id", "version", "created_at", "updated_at")


class MonthlyReportSerializer(ScopedModelSerializer):
    """A monthly report (月报) with its place in the flow."""

    class Meta:
        model = MonthlyReport
        fields = (
            *READ_ONLY,
            "project",
            "month",
            *REPORT_FIELDS,
            "status",
            "submitted_at",
            "submitted_by",
            "unit_approved_at",
            "unit_approved_by",
            "accepted_at",
            "accepted_by",
            "return_reason",
            "returned_at",
            "amendment_count",
        )
        read_only_fields = fields


class MonthlyReportCreateSerializer(ScopedModelSerializer):
    """A new draft: the project, the month (any day of it) and the figures."""

    class Meta:
        model = MonthlyReport
        fields = ("project", "month", *REPORT_FIELDS)
        validators = []


class MonthlyReportDraftSerializer(ScopedModelSerializer):
    """A change to a draft's figures."""

    class Meta:
        model = MonthlyReport
        fields = REPORT_FIELDS


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class AmendSerializer(MonthlyReportDraftSerializer):
    reason = serializers.CharField(max_length=2000)

    class Meta(MonthlyReportDraftSerializer.Meta):
        fields = (*REPORT_FIELDS, "reason")
