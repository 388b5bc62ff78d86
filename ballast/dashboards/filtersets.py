"""Filters of the dashboards' lists: the linked leaders."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ballast.accounts.models import User
from ballast.projects.filtersets import ALL
from ballast.projects.models import Project
from ballast.projects.selectors import visible_units
from ballast.regions.models import Region
from ballast.web.widgets import fix_single_choice


class LeaderFilterSet(django_filters.FilterSet):
    """挂钩领导: a search over the name, and the unit of their linked projects (the
    leaders linked to a project of that unit the person may see)."""

    q = django_filters.CharFilter(label=_("搜索"), method="search")
    unit = django_filters.ModelChoiceFilter(
        label=_("挂钩项目所在板块"), queryset=Region.objects.none(), empty_label=ALL,
        method="by_unit",
    )  # fmt: skip

    class Meta:
        model = User
        fields = ("q", "unit")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        units = visible_units(user)
        self.filters["unit"].queryset = units
        fix_single_choice(self.form.fields["unit"], units)
        self.form.fields["unit"].widget.attrs.setdefault("class", "select")
        self.form.fields["q"].widget = forms.TextInput(
            attrs={"placeholder": _("姓名"), "type": "search"}
        )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(full_name__icontains=value) | Q(username__icontains=value))

    def by_unit(self, queryset, name, value):
        linked = Project.objects.restrict(self.user).filter(unit=value)
        return queryset.filter(linked_projects__in=linked).distinct()
