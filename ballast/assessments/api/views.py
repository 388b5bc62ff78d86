"""Published assessment results (考核结果), read only: what the rankings page shows once a
result is published."""

import django_filters

from ballast.api.viewsets import ReadOnlyViewSet
from ballast.assessments.api.serializers import PublishedResultSerializer
from ballast.assessments.models import PublishedResult


class PublishedResultFilterSet(django_filters.FilterSet):
    class Meta:
        model = PublishedResult
        fields = ("scheme", "period")


class PublishedResultViewSet(ReadOnlyViewSet):
    """已发布的考核结果。"""

    queryset = PublishedResult.objects.select_related("scheme").order_by("-published_at", "-id")
    serializer_class = PublishedResultSerializer
    filterset_class = PublishedResultFilterSet
