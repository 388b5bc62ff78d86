from rest_framework import serializers

from ballast.api.serializers import ScopedModelSerializer
from ballast.coordination.models import Issue, IssueStep

READ_ONLY = ("id", "created_at", "updated_at")


class IssueStepSerializer(serializers.ModelSerializer):
    """A dated step of the issue's roadmap (路线图)."""

    class Meta:
        model = IssueStep
        fields = ("id", "planned_on", "description", "done_on")
        read_only_fields = fields


class IssueSerializer(ScopedModelSerializer):
    """A coordination issue (问题协调) with its place in the flow and its roadmap."""

    steps = IssueStepSerializer(many=True, read_only=True)

    class Meta:
        model = Issue
        fields = (
            *READ_ONLY,
            "project",
            "category",
            "description",
            "raised_on",
            "raised_by",
            "is_major",
            "level",
            "department",
            "responsible_person",
            "responsible_name",
            "deadline",
            "status",
            "acknowledged_at",
            "resolved_on",
            "resolution",
            "closed_on",
            "reopen_count",
            "reopen_reason",
            "escalated_at",
            "escalation_reason",
            "visit",
            "steps",
        )
        read_only_fields = fields


class NewStepSerializer(serializers.Serializer):
    planned_on = serializers.DateField()
    description = serializers.CharField(max_length=200)


class IssueRaiseSerializer(ScopedModelSerializer):
    """A new issue: the project, what is wrong, who is to answer, and its roadmap."""

    steps = NewStepSerializer(many=True, required=False)

    class Meta:
        model = Issue
        fields = (
            "project",
            "category",
            "description",
            "raised_on",
            "is_major",
            "level",
            "department",
            "responsible_name",
            "deadline",
            "steps",
        )
        extra_kwargs = {"raised_on": {"required": False, "help_text": "默认今天"}}


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=2000)
    resolved_on = serializers.DateField(required=False, help_text="默认今天")


class CloseSerializer(serializers.Serializer):
    closed_on = serializers.DateField(required=False, help_text="默认今天")


class IssueReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
