"""Regions (read): the person's city, its assessment units (板块) and its province."""

import django_filters

from ballast.api.viewsets import ReadOnlyViewSet
from ballast.regions.api.serializers import RegionSerializer
from ballast.regions.models import Region, within


class RegionFilterSet(django_filters.FilterSet):
    within = django_filters.CharFilter(label="某地区（代码）及其下级，任意层级", method="by_within")

    class Meta:
        model = Region
        fields = ("code", "kind", "parent", "is_assessment_unit", "depth")

    def by_within(self, queryset, name, value: str):
        area = Region.objects.filter(code=value.strip()).first()
        return queryset.filter(within("", area)) if area is not None else queryset.none()


class RegionViewSet(ReadOnlyViewSet):
    """区划与考核板块。"""

    queryset = Region.objects.order_by("sort_order", "code")
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
