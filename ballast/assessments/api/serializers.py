from rest_framework import serializers

from ballast.assessments.models import PublishedResult


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
