"""Regions (read): the person's city, its assessment units (板块) and its province."""

import django_filters

from ballast.api.viewsets import ReadOnlyViewSet
from ballast.regions.api.serializers import RegionSerializer
from ballast.regions.models import Region


class RegionFilterSet(django_filters.FilterSet):
    class Meta:
        model = Region
        fields = ("code", "kind", "parent", "is_assessment_unit")


class RegionViewSet(ReadOnlyViewSet):
    """区划与考核板块。"""

    queryset = Region.objects.order_by("sort_order", "code")
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
