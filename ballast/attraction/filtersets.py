"""The lead list's filters, shared by the page and the API."""

import django_filters
from django.db.models import Q

from ballast.attraction.choices import LeadStage, SourceTeam
from ballast.attraction.models import Lead


class LeadFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="关键词")
    unit = django_filters.CharFilter(field_name="unit__code", label="板块代码")
    stage = django_filters.ChoiceFilter(choices=LeadStage.choices, label="阶段")
    channel = django_filters.NumberFilter(field_name="channel_id", label="招商渠道")
    cluster = django_filters.NumberFilter(field_name="cluster_id", label="产业集群")
    source_team = django_filters.ChoiceFilter(choices=SourceTeam.choices, label="来源团队")
    signed_from = django_filters.DateFilter(
        field_name="signed_on", lookup_expr="gte", label="签约起"
    )
    signed_to = django_filters.DateFilter(field_name="signed_on", lookup_expr="lte", label="签约止")

    class Meta:
        model = Lead
        fields = ("q", "unit", "stage", "channel", "cluster", "source_team", "confidential")

    def search(self, queryset, name, value):
        return queryset.filter(Q(project_name__icontains=value) | Q(investor__icontains=value))
