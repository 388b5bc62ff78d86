"""Searching the trail: by actor, kind, table, object, text, date range, address, source."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ballast.audit.choices import Kind, Source
from ballast.audit.models import AuditRecord


def _choices(choices):
    return [(value, _(label)) for value, label in choices]


class AuditFilterSet(django_filters.FilterSet):
    """Filters of /audit/ (and of the login log, which fixes ``kind`` to sign-in kinds)."""

    actor = django_filters.CharFilter(label=_("操作人"), method="by_actor")
    kind = django_filters.ChoiceFilter(
        label=_("类型"), choices=lambda: _choices(Kind.choices), empty_label=_("全部")
    )
    model = django_filters.CharFilter(label=_("数据表"), method="by_model")
    object_id = django_filters.CharFilter(label=_("对象编号"), field_name="object_id")
    q = django_filters.CharFilter(label=_("内容包含"), method="search")
    ip = django_filters.CharFilter(label=_("IP 地址"), field_name="ip", lookup_expr="startswith")
    source = django_filters.ChoiceFilter(
        label=_("来源"), choices=lambda: _choices(Source.choices), empty_label=_("全部")
    )
    date_from = django_filters.DateFilter(
        label=_("起始日期"), method="since", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label=_("截止日期"), method="until", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = AuditRecord
        fields = ("actor", "kind", "model", "object_id", "q", "ip", "source")

    def by_actor(self, queryset, name, value):
        return queryset.filter(actor_username__icontains=value.strip())

    def by_model(self, queryset, name, value):
        # "projects.Project", "project" or "Project" all find the project table.
        value = value.strip()
        return queryset.filter(Q(model_label__iexact=value) | Q(model_label__iendswith=f".{value}"))

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(object_repr__icontains=value)
            | Q(reason__icontains=value)
            | Q(changes__icontains=value)
            | Q(actor_username__icontains=value)
        )

    def since(self, queryset, name, value):
        start = timezone.make_aware(datetime.combine(value, time.min))
        return queryset.filter(at__gte=start)

    def until(self, queryset, name, value):
        end = timezone.make_aware(datetime.combine(value + timedelta(days=1), time.min))
        return queryset.filter(at__lt=end)
