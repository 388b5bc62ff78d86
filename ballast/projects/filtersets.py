"""The project list's filters. The queryset handed in is already restricted to the user
and annotated with ``stage_seq`` (as of the page's date) and ``size``."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from ballast.accounts import policy
from ballast.accounts.models import Department, User
from ballast.projects.choices import (
    STAGE_ORDER,
    ConfidenceRating,
    Level,
    NodeKind,
    NodeOutcome,
    SizeClass,
    TargetIndicator,
)
from ballast.projects.labels import stage_choices
from ballast.projects.models import AnnualPlan, IndustryCluster, Node, Project, UnitTarget
from ballast.regions.models import Region, within
from ballast.web.labels import translated_choices
from ballast.web.widgets import fix_single_choice

SORT_FIELDS = (
    ("name", "name"),
    ("code", "code"),
    ("unit__sort_order", "unit"),
    ("total_investment", "investment"),
    ("stage_seq", "stage"),
    ("planned_start", "planned_start"),
)
SORT_LABELS = {
    "name": _("项目名称"),
    "code": _("项目代码"),
    "unit": _("板块"),
    "investment": _("总投资"),
    "stage": _("阶段"),
    "planned_start": _("计划开工"),
}


# The empty choice of every select: "全部" (All), never Django's "---------".
ALL = _("全部")


class ProjectFilterSet(django_filters.FilterSet):
    """Filters of /projects/: unit, stage as of the date, cluster, level, size class,
    linked leader, plan year, and a search over name, code and investor."""

    q = django_filters.CharFilter(label=_("搜索"), method="search")
    unit = django_filters.ModelChoiceFilter(
        label=_("板块"), queryset=Region.objects.none(), empty_label=ALL
    )
    stage = django_filters.ChoiceFilter(
        label=_("阶段"), choices=stage_choices, method="by_stage", empty_label=ALL
    )
    cluster = django_filters.ModelChoiceFilter(
        label=_("产业集群"), queryset=IndustryCluster.objects.none(), empty_label=ALL
    )
    level = django_filters.ChoiceFilter(
        label=_("层级"), choices=lambda: translated_choices(Level.choices), empty_label=ALL
    )
    size = django_filters.ChoiceFilter(
        label=_("规模"), choices=lambda: translated_choices(SizeClass.choices), empty_label=ALL
    )
    leader = django_filters.ModelChoiceFilter(
        label=_("挂钩领导"),
        field_name="leaders",
        queryset=User.objects.none(),
        distinct=False,
        empty_label=ALL,
    )
    plan_year = django_filters.NumberFilter(label=_("计划年度"), method="by_plan_year")
    sort = django_filters.OrderingFilter(
        label=_("排序"), fields=SORT_FIELDS, field_labels=SORT_LABELS, empty_label=ALL
    )

    class Meta:
        model = Project
        fields = ("q", "unit", "stage", "cluster", "level", "size", "leader", "plan_year")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The sort choices again, in the person's language: the filter's own were named
        # once, when the class was defined ("… (descending)" is formatted there).
        sort = self.filters["sort"]
        sort.extra["choices"] = sort.build_choices(sort.normalize_fields(SORT_FIELDS), SORT_LABELS)
        units = Region.objects.restrict(user).filter(is_assessment_unit=True)
        if not user.is_superuser and not user.is_above_units:
            units = units.filter(within("", user.region))
        self.filters["unit"].queryset = units
        self.filters["cluster"].queryset = IndustryCluster.objects.restrict(user).filter(
            is_active=True
        )
        self.filters["leader"].queryset = policy.leaders_for(user, active=False)
        # (The form is built here, once every filter has its queryset.) One unit in scope
        # (a clerk): shown as text, not offered as a choice.
        fix_single_choice(self.form.fields["unit"], units)
        for name, field in self.form.fields.items():
            if name != "q" and not field.disabled:
                field.widget.attrs.setdefault("class", "select")
        self.form.fields["q"].widget = forms.TextInput(
            attrs={"placeholder": _("名称、代码或投资主体"), "type": "search"}
        )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(code__icontains=value) | Q(investor__icontains=value)
        )

    def by_stage(self, queryset, name, value):
        if value == "none":
            return queryset.filter(stage_seq__isnull=True)
        return queryset.filter(stage_seq=STAGE_ORDER[value])

    def by_plan_year(self, queryset, name, value):
        return queryset.filter(
            Exists(AnnualPlan.objects.filter(project=OuterRef("pk"), year=int(value)))
        )


def _units_of(user):
    units = Region.objects.restrict(user).filter(is_assessment_unit=True)
    if not user.is_superuser and not user.is_above_units:
        units = units.filter(within("", user.region))
    return units.order_by("sort_order", "code")


class ConfidenceFilterSet(django_filters.FilterSet):
    """Filters of the delivery-confidence list: unit, current rating (or 未评级), and a
    search over name and code. The month (as of which "current" is read) is the page's."""

    q = django_filters.CharFilter(label=_("搜索"), method="search")
    unit = django_filters.ModelChoiceFilter(
        label=_("板块"), queryset=Region.objects.none(), empty_label=ALL
    )
    rating = django_filters.ChoiceFilter(
        label=_("交付信心"), choices=(), method="by_rating", empty_label=ALL
    )

    class Meta:
        model = Project
        fields = ("q", "unit", "rating")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = _units_of(user)
        self.filters["unit"].queryset = units
        self.filters["rating"].extra["choices"] = [
            *translated_choices(ConfidenceRating.choices),
            ("none", _("未评级")),
        ]
        fix_single_choice(self.form.fields["unit"], units)
        for name, field in self.form.fields.items():
            if name != "q" and not field.disabled:
                field.widget.attrs.setdefault("class", "select")
        self.form.fields["q"].widget = forms.TextInput(
            attrs={"placeholder": _("名称或代码"), "type": "search"}
        )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))

    def by_rating(self, queryset, name, value):
        if value == "none":
            return queryset.filter(rating__isnull=True)
        return queryset.filter(rating=value)


class TargetFilterSet(django_filters.FilterSet):
    """Filters of the targets page: unit, year (its year and quarters), indicator."""

    unit = django_filters.ModelChoiceFilter(
        label=_("板块"), queryset=Region.objects.none(), empty_label=ALL
    )
    year = django_filters.NumberFilter(label=_("年度"), method="by_year")
    indicator = django_filters.ChoiceFilter(label=_("指标"), choices=(), empty_label=ALL)

    class Meta:
        model = UnitTarget
        fields = ("unit", "year", "indicator")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = _units_of(user)
        self.filters["unit"].queryset = units
        self.filters["indicator"].extra["choices"] = translated_choices(TargetIndicator.choices)
        fix_single_choice(self.form.fields["unit"], units)
        for field in self.form.fields.values():
            if not field.disabled:
                field.widget.attrs.setdefault("class", "select")

    def by_year(self, queryset, name, value):
        return queryset.filter(period__startswith=str(int(value)))


NODE_STATES = (
    ("late", _("已逾期")),
    ("pending", _("未办结")),
    ("done", _("已办结")),
    ("not_needed", _("无需办理")),
)


class NodeFilterSet(django_filters.FilterSet):
    """Filters of the node list (节点计划): state (逾期 = pending past its deadline on the
    page's date), unit, node kind, responsible department, and a search over the
    project's name and code and the node's name. The queryset handed in is restricted
    and annotated with ``late``."""

    q = django_filters.CharFilter(label=_("搜索"), method="search")
    state = django_filters.ChoiceFilter(
        label=_("办理状态"), choices=NODE_STATES, method="by_state", empty_label=ALL
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("板块"),
        field_name="project__unit",
        queryset=Region.objects.none(),
        empty_label=ALL,
    )
    kind = django_filters.ChoiceFilter(label=_("节点"), choices=(), empty_label=ALL)
    department = django_filters.ModelChoiceFilter(
        label=_("责任部门"), queryset=Department.objects.none(), empty_label=ALL
    )

    class Meta:
        model = Node
        fields = ("q", "state", "unit", "kind", "department")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = _units_of(user)
        self.filters["unit"].queryset = units
        self.filters["kind"].extra["choices"] = translated_choices(NodeKind.choices)
        departments = Department.objects.filter(city_id=user.city_id_in_scope)
        if user.department_id is not None and not user.is_superuser:
            departments = departments.filter(pk=user.department_id)
        self.filters["department"].queryset = departments.order_by("name")
        fix_single_choice(self.form.fields["unit"], units)
        fix_single_choice(self.form.fields["department"], departments)
        for name, field in self.form.fields.items():
            if name != "q" and not field.disabled:
                field.widget.attrs.setdefault("class", "select")
        self.form.fields["q"].widget = forms.TextInput(
            attrs={"placeholder": _("项目名称、代码或节点名称"), "type": "search"}
        )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(project__name__icontains=value)
            | Q(project__code__icontains=value)
            | Q(name__icontains=value)
        )

    def by_state(self, queryset, name, value):
        if value == "late":
            return queryset.filter(late=True)
        if value == NodeOutcome.PENDING:
            return queryset.filter(outcome=NodeOutcome.PENDING)
        return queryset.filter(outcome=value)
