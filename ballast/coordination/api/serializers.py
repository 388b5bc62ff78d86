from rest_framework import serializers

from ballast.api.serializers import ScopedModelSerializer
from ballast.coordination.models import Issue, IssueStep, Tour, TourCriterion, Visit

READ_ONLY = ("id", "created_at", "updated_at")


class IssueStepSerializer(serializers.ModelSerializer):
    """A dated step of the issue's roadmap (路线图)."""

    class Meta:
        model = IssueStep
        fields = ("id", "planned_on", "description", "owner", "done_on", "outcome")
        read_only_fields = fields


class IssueSerializer(ScopedModelSerializer):
    """A coordination issue (问题协调) with its place in the flow and its roadmap."""

    steps = IssueStepSerializer(many=True, read_only=True)

    class Meta:
        model = Issue
        fields = (
            *READ_ONLY,
            "version",
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
    owner = serializers.CharField(max_length=32, required=False, allow_blank=True)


class StepDoneSerializer(serializers.Serializer):
    done_on = serializers.DateField(required=False, help_text="默认今天")
    outcome = serializers.CharField(max_length=200, required=False, allow_blank=True)


class IssueUpdateSerializer(ScopedModelSerializer):
    """What may change after raising: category, description, and the assignment (交办:
    department, person, deadline, level — a city or unit officer's)."""

    class Meta:
        model = Issue
        fields = (
            "category",
            "description",
            "is_major",
            "level",
            "department",
            "responsible_person",
            "responsible_name",
            "deadline",
        )


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


class VisitSerializer(ScopedModelSerializer):
    """A visit to a project (家家到): who, when, what kind, what was found."""

    class Meta:
        model = Visit
        fields = ("id", "created_at", "project", "visitor", "date", "kind", "findings")
        read_only_fields = fields


class VisitRecordSerializer(ScopedModelSerializer):
    """A visit one made: the project, the day, the kind and what was found."""

    class Meta:
        model = Visit
        fields = ("project", "date", "kind", "findings")


class CoverageRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="板块代码或领导的用户 id")
    name = serializers.CharField()
    active = serializers.IntegerField(help_text="期末在建（未停缓建、未终止）的项目数")
    visited = serializers.IntegerField(help_text="其中由挂钩领导在期内走访过的项目数")
    share = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class CoverageSerializer(serializers.Serializer):
    """家家到覆盖率: overall, per unit and per linked leader, over [start, end]."""

    start = serializers.DateField()
    end = serializers.DateField()
    total = CoverageRowSerializer()
    units = CoverageRowSerializer(many=True)
    leaders = CoverageRowSerializer(many=True)


class TourSerializer(serializers.ModelSerializer):
    """A site tour (观摩评比): its name, day, assessment period and how many projects."""

    n_projects = serializers.IntegerField(read_only=True)

    class Meta:
        model = Tour
        fields = ("id", "created_at", "city", "name", "date", "period", "n_projects")
        read_only_fields = fields


class TourCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = TourCriterion
        fields = ("id", "name", "max_points")
        read_only_fields = fields


class TourProjectRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="观摩项目（评分时的 tour_project）")
    project = serializers.IntegerField()
    project_name = serializers.CharField()
    unit = serializers.CharField(help_text="板块代码")
    score = serializers.DecimalField(
        max_digits=8, decimal_places=2, allow_null=True, help_text="去掉最高最低分后的平均"
    )


class TourUnitRowSerializer(serializers.Serializer):
    unit = serializers.CharField(help_text="板块代码")
    name = serializers.CharField()
    score = serializers.DecimalField(max_digits=8, decimal_places=2)


class OwnScoreSerializer(serializers.Serializer):
    judge = serializers.IntegerField()
    tour_project = serializers.IntegerField()
    criterion = serializers.IntegerField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2)


class TourDetailSerializer(serializers.Serializer):
    """A tour as its page shows it: the criteria, the projects one may see with their
    scores, the units' scores (one's own units), and one's own scores as a judge — never
    another judge's."""

    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    city = serializers.IntegerField(source="city_id")
    name = serializers.CharField()
    date = serializers.DateField()
    period = serializers.CharField()
    n_projects = serializers.IntegerField()
    criteria = TourCriterionSerializer(many=True)
    projects = TourProjectRowSerializer(many=True)
    unit_scores = TourUnitRowSerializer(many=True)
    my_judges = serializers.ListField(
        child=serializers.IntegerField(), help_text="本人在此观摩中的评委身份"
    )
    my_scores = OwnScoreSerializer(many=True)


class ScoreEntrySerializer(serializers.Serializer):
    """One judge's points for one criterion of one shown project."""

    tour_project = serializers.IntegerField()
    criterion = serializers.IntegerField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0)
    judge = serializers.IntegerField(
        required=False, help_text="默认本人；市级管理员可为非系统用户的评委录入纸质评分"
    )


class TourCloseSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text="截止评分日期（默认今天），不早于观摩日期")
