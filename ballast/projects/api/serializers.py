from rest_framework import serializers

from ballast.api.serializers import ScopedModelSerializer
from ballast.projects.models import (
    AnnualPlan,
    ConfidenceAssessment,
    Node,
    Project,
    StageEvent,
    Suspension,
    Termination,
    UnitTarget,
)
from ballast.projects.services import PROJECT_FIELDS

READ_ONLY = ("id", "version", "created_at", "updated_at")


class ProjectSerializer(ScopedModelSerializer):
    """A project as the API shows it (money in 万元 as strings)."""

    class Meta:
        model = Project
        fields = (
            *READ_ONLY,
            *PROJECT_FIELDS,
            "baseline_total_investment",
            "baseline_completion",
            "leaders",
        )
        read_only_fields = fields


class ProjectWriteSerializer(ScopedModelSerializer):
    """The fields a project form may set (``projects.services.PROJECT_FIELDS``)."""

    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        # Uniqueness is the service's (full_clean inside its transaction).
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.validators = [
                v for v in field.validators if type(v).__name__ != "UniqueValidator"
            ]
        return fields


class StageEventSerializer(ScopedModelSerializer):
    class Meta:
        model = StageEvent
        fields = (*READ_ONLY, "project", "stage", "date", "evidence")
        read_only_fields = fields


class StageRecordSerializer(ScopedModelSerializer):
    """Record a stage (the page's stage form): project, stage, date, evidence; a
    correction of a recorded date needs a reason."""

    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")

    class Meta:
        model = StageEvent
        fields = ("project", "stage", "date", "evidence", "reason")
        validators = []


class StageChangeSerializer(serializers.Serializer):
    date = serializers.DateField()
    evidence = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(max_length=500)


class NodeSerializer(ScopedModelSerializer):
    class Meta:
        model = Node
        fields = (
            *READ_ONLY,
            "project",
            "kind",
            "name",
            "deadline",
            "department",
            "department_name",
            "person",
            "outcome",
            "completed_on",
            "note",
            "sort_order",
        )
        read_only_fields = READ_ONLY


class NodeChangeSerializer(NodeSerializer):
    class Meta(NodeSerializer.Meta):
        read_only_fields = (*READ_ONLY, "project")


class NodeAnswerSerializer(serializers.Serializer):
    """The responsible department's answer to a node (the page's 办理 form)."""

    outcome = serializers.ChoiceField(choices=Node._meta.get_field("outcome").choices)
    completed_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AnnualPlanSerializer(ScopedModelSerializer):
    class Meta:
        model = AnnualPlan
        fields = (*READ_ONLY, "project", "year", "planned_investment", *AnnualPlan.month_fields)
        read_only_fields = READ_ONLY
        validators = []


class AnnualPlanChangeSerializer(AnnualPlanSerializer):
    class Meta(AnnualPlanSerializer.Meta):
        read_only_fields = (*READ_ONLY, "project", "year")


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField(allow_null=True)
    new = serializers.CharField(allow_null=True)


class HistoryRowSerializer(serializers.Serializer):
    """One change of the project or one of its records (stage, node, plan, report …), as
    the project page's history shows it."""

    when = serializers.DateTimeField()
    kind = serializers.CharField(help_text="记录类别：项目、阶段节点、月度填报 …")
    object = serializers.CharField(source="object_label", allow_blank=True)
    action = serializers.CharField(help_text="新增、修改、删除")
    user = serializers.SerializerMethodField()
    source = serializers.CharField(allow_blank=True, help_text="网页、接口、导入 …")
    reason = serializers.CharField(allow_blank=True)
    changes = serializers.SerializerMethodField()

    def get_user(self, row) -> str | None:
        return str(row.user) if row.user is not None else None

    def get_changes(self, row) -> list[dict]:
        def text(value):
            return None if value is None else str(value)

        return HistoryChangeSerializer(
            [
                {"field": c["field"], "old": text(c["old"]), "new": text(c["new"])}
                for c in row.changes
            ],
            many=True,
        ).data


class SuspensionSerializer(serializers.ModelSerializer):
    """A suspension (停建/缓建) as recorded; ``resumed_on`` once resumed (复工)."""

    class Meta:
        model = Suspension
        fields = (
            "id",
            "project",
            "kind",
            "reason",
            "note",
            "started_on",
            "planned_resume_on",
            "resumed_on",
        )
        read_only_fields = fields


class SuspendSerializer(serializers.Serializer):
    """停缓建 (the page's form): kind, reason, the date, a note, the planned resumption."""

    kind = serializers.ChoiceField(choices=Suspension._meta.get_field("kind").choices)
    reason = serializers.ChoiceField(choices=Suspension._meta.get_field("reason").choices)
    on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    planned_resume_on = serializers.DateField(required=False, allow_null=True, default=None)


class ResumeSerializer(serializers.Serializer):
    """复工: the date and a note."""

    on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TerminationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Termination
        fields = ("id", "project", "terminated_on", "reason", "note")
        read_only_fields = fields


class TerminateSerializer(serializers.Serializer):
    """终止/退出: the date, the reason and a note (required)."""

    on = serializers.DateField()
    reason = serializers.ChoiceField(choices=Termination._meta.get_field("reason").choices)
    note = serializers.CharField()


class UnitTargetSerializer(ScopedModelSerializer):
    """板块目标: a unit's target of an indicator for a year (2026) or quarter (2026Q1);
    value in 万元 for amounts, a count, or a rate as a fraction (0.7 = 70%)."""

    unit_name = serializers.CharField(source="unit.display_name", read_only=True)

    class Meta:
        model = UnitTarget
        fields = (*READ_ONLY, "unit", "unit_name", "period", "indicator", "value")
        read_only_fields = READ_ONLY
        # (unit, period, indicator) is the service's (one row, created or changed).
        validators = []


class UnitTargetChangeSerializer(UnitTargetSerializer):
    class Meta(UnitTargetSerializer.Meta):
        read_only_fields = (*READ_ONLY, "unit", "period", "indicator")


class ConfidenceSerializer(ScopedModelSerializer):
    """交付信心评级: a project's rating (green/amber/red) for a month (its first day), with
    a narrative (required for amber and red)."""

    class Meta:
        model = ConfidenceAssessment
        fields = (*READ_ONLY, "project", "month", "rating", "narrative")
        read_only_fields = READ_ONLY
        validators = []


class ConfidenceChangeSerializer(ConfidenceSerializer):
    class Meta(ConfidenceSerializer.Meta):
        read_only_fields = (*READ_ONLY, "project", "month")
