from rest_framework import serializers

from ballast.api.serializers import ScopedModelSerializer
from ballast.assessments.choices import Method
from ballast.assessments.models import Indicator, ManualScore, PublishedResult, Scheme


class PublishedResultSerializer(serializers.ModelSerializer):
    """A published assessment result (考核结果): each unit's scores as published, and the
    figures they were computed from."""

    scheme_name = serializers.CharField(source="scheme.name", read_only=True)

    class Meta:
        model = PublishedResult
        fields = (
            "id",
            "scheme",
            "scheme_name",
            "period",
            "as_of",
            "published_at",
            "published_by",
            "results",
            "figures",
        )
        read_only_fields = fields


class IndicatorSerializer(serializers.ModelSerializer):
    """One indicator of a scheme: its figure key, weight (分) and scoring method."""

    class Meta:
        model = Indicator
        fields = ("id", "order", "key", "label", "weight", "method", "params")
        read_only_fields = fields


class SchemeSerializer(serializers.ModelSerializer):
    """An assessment scheme (考核方案) of a city, with its indicators."""

    city_code = serializers.CharField(source="city.code", read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)
    total_weight = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True)

    class Meta:
        model = Scheme
        fields = (
            "id",
            "city",
            "city_code",
            "name",
            "slug",
            "period_kind",
            "description",
            "active",
            "total_weight",
            "indicators",
        )
        read_only_fields = fields


class RankingRowSerializer(serializers.Serializer):
    unit = serializers.CharField()
    unit_name = serializers.CharField(allow_null=True)
    score = serializers.CharField(help_text="总分")
    rank = serializers.IntegerField(allow_null=True)
    rank_change = serializers.IntegerField(allow_null=True, help_text="较上期名次变化，升为正")
    indicators = serializers.DictField(allow_null=True, help_text="各指标的值、目标与得分")


class RankingSerializer(serializers.Serializer):
    """A scheme's ranking for a period: the published result, else computed as of the date
    (the rankings page's table, the ``assess --json`` command's rows)."""

    scheme = serializers.CharField()
    period = serializers.CharField()
    as_of = serializers.DateField()
    published = serializers.BooleanField()
    published_at = serializers.CharField(allow_null=True)
    rows = RankingRowSerializer(many=True)
    figures = serializers.DictField(help_text="所用数据：指标值、目标、人工评分")


class ManualScoreSerializer(ScopedModelSerializer):
    """One judge's score of a unit (or one of its projects) on a manual indicator
    (人工评分, e.g. a site tour's) for a period."""

    unit_code = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = ManualScore
        fields = (
            "id",
            "version",
            "created_at",
            "updated_at",
            "indicator",
            "period",
            "unit",
            "unit_code",
            "project",
            "judge",
            "score",
        )
        read_only_fields = ("id", "version", "created_at", "updated_at")

    def get_fields(self):
        fields = super().get_fields()
        indicator = fields.get("indicator")
        if indicator is not None and not indicator.read_only:
            request = self.context.get("request")
            from ballast.accounts import policy

            indicator.queryset = policy.restrict(
                Indicator.objects.filter(method=Method.MANUAL), request.user, policy.VIEW
            )
        return fields


class ManualScoreChangeSerializer(ManualScoreSerializer):
    """A correction: the score, the judge's name or the project."""

    class Meta(ManualScoreSerializer.Meta):
        read_only_fields = (
            "id",
            "version",
            "created_at",
            "updated_at",
            "indicator",
            "period",
            "unit",
        )
