"""Forms of the project pages. They collect input; the rules live in
:mod:`ballast.projects.services`, whose ``ValidationError`` is put back on the fields by
:func:`ballast.web.forms.apply_errors`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ballast.accounts import policy
from ballast.accounts.models import Department, User
from ballast.projects.choices import (
    ConfidenceRating,
    NodeKind,
    NodeOutcome,
    SuspensionKind,
    SuspensionReason,
    TargetIndicator,
    TerminationReason,
)
from ballast.projects.labels import stage_choices
from ballast.projects.models import IndustryCluster, Node, Project, UnitTarget
from ballast.projects.services import PROJECT_FIELDS
from ballast.regions.models import Region, within
from ballast.web.forms import DATE, VersionedForm, version_field
from ballast.web.labels import translated_choices
from ballast.web.widgets import fix_single_choice


class ProjectForm(VersionedForm, forms.ModelForm):
    """Create or edit a project; the choices offered are those inside the user's scope."""

    leaders = forms.ModelMultipleChoiceField(
        label=_("挂钩领导"), queryset=User.objects.none(), required=False
    )
    version = version_field()

    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        widgets = {
            "planned_start": DATE,
            "planned_completion": DATE,
            "planned_full_output": DATE,
            "content": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = Region.objects.restrict(user).filter(is_assessment_unit=True)
        if not user.is_superuser and not user.is_above_units:
            units = units.filter(within("", user.region))
            self.fields["unit"].initial = user.region_id
        self.fields["unit"].queryset = units
        fix_single_choice(self.fields["unit"], units)
        city_id = user.city_id_in_scope
        self.fields["district"].queryset = (
            Region.objects.get(pk=city_id).subtree().exclude(pk=city_id)
            if city_id
            else Region.objects.none()
        )
        self.fields["cluster"].queryset = IndustryCluster.objects.restrict(user)
        parents = Project.objects.restrict(user).filter(parent__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents.only("id", "name")
        self.fields["leaders"].queryset = policy.leaders_for(user, active=False)
        if self.instance.pk:
            self.fields["leaders"].initial = list(self.instance.leaders.all())
        self.init_version(self.instance if self.instance.pk else None)
        for field in self.fields.values():
            if isinstance(field, forms.TypedChoiceField):  # the model's choices, in Chinese
                field.choices = translated_choices(field.choices)

    def _post_clean(self):
        # The service validates the whole object (full_clean) and reports on the fields.
        pass

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in PROJECT_FIELDS}


class StageForm(VersionedForm, forms.Form):
    """Record a stage, or correct its date; ``event`` is the stage's record the page was
    opened for (its version is carried, 0 when the stage is not recorded yet)."""

    version = version_field()
    stage = forms.ChoiceField(label=_("阶段"), choices=lambda: stage_choices()[1:])
    date = forms.DateField(label=_("日期"), widget=DATE)
    evidence = forms.CharField(
        label=_("佐证说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(
        label=_("变更原因"), required=False, help_text=_("更正已记录日期时填写")
    )

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_version(event)


class SuspendForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"), choices=lambda: translated_choices(SuspensionKind.choices)
    )
    reason = forms.ChoiceField(
        label=_("原因"), choices=lambda: translated_choices(SuspensionReason.choices)
    )
    on = forms.DateField(label=_("停缓建日期"), widget=DATE)
    planned_resume_on = forms.DateField(label=_("计划复工日期"), required=False, widget=DATE)
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResumeForm(forms.Form):
    on = forms.DateField(label=_("复工日期"), widget=DATE)
    note = forms.CharField(label=_("说明"), required=False)


class TerminateForm(forms.Form):
    on = forms.DateField(label=_("终止日期"), widget=DATE)
    reason = forms.ChoiceField(
        label=_("原因"), choices=lambda: translated_choices(TerminationReason.choices)
    )
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}))


class NodeForm(VersionedForm, forms.ModelForm):
    version = version_field()

    class Meta:
        model = Node
        fields = (
            "kind",
            "name",
            "deadline",
            "department",
            "department_name",
            "person",
            "person_user",
            "outcome",
            "completed_on",
            "note",
            "sort_order",
        )
        widgets = {
            "deadline": DATE,
            "completed_on": DATE,
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            city_id=user.city_id_in_scope
        )
        self.fields["person_user"].queryset = policy.users_for(user).order_by("username")
        self.fields["kind"].choices = translated_choices(NodeKind.choices)
        self.fields["outcome"].choices = translated_choices(NodeOutcome.choices)
        self.init_version(self.instance if self.instance.pk else None)

    def _post_clean(self):
        pass


class PlanForm(VersionedForm, forms.Form):
    version = version_field()
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    planned_investment = forms.DecimalField(
        label=_("年度计划投资（万元）"), max_digits=16, decimal_places=2
    )
    start_month = forms.IntegerField(label=_("计划开工月份"), required=False)
    statistics_month = forms.IntegerField(label=_("计划列统月份"), required=False)
    completion_month = forms.IntegerField(label=_("计划竣工月份"), required=False)
    production_month = forms.IntegerField(label=_("计划投产月份"), required=False)

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_version(plan)
        # The plan's own monthly curve (optional): when filled, 序时进度 follows it.
        for month in range(1, 13):
            self.fields[f"m{month}"] = forms.DecimalField(
                label=_("%(month)s月计划（万元）") % {"month": month},
                max_digits=16,
                decimal_places=2,
                required=False,
            )

    def months(self) -> dict | None:
        curve = {
            month: self.cleaned_data[f"m{month}"]
            for month in range(1, 13)
            if self.cleaned_data.get(f"m{month}") is not None
        }
        return curve or None


class SavedFilterForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=64)
    querystring = forms.CharField(max_length=1000, required=False, widget=forms.HiddenInput)


class TargetForm(VersionedForm, forms.Form):
    """板块目标: a unit's target of one indicator for a year or a quarter (the city's)."""

    version = version_field()
    unit = forms.ModelChoiceField(label=_("板块"), queryset=Region.objects.none())
    period = forms.CharField(
        label=_("期间"), max_length=8, help_text=_("年度如 2026，季度如 2026Q1")
    )
    indicator = forms.ChoiceField(label=_("指标"), choices=())
    value = forms.DecimalField(
        label=_("目标值"),
        max_digits=16,
        decimal_places=4,
        min_value=0,
        help_text=_("个数、万元；比率填 0–1 之间的小数（如 0.7 表示 70%）"),
    )

    def __init__(self, *args, user, target=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_version(target)
        units = policy.units_for(user, policy.CHANGE, UnitTarget).order_by("sort_order", "code")
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda unit: unit.display_name
        self.fields["indicator"].choices = translated_choices(TargetIndicator.choices)
        if target is not None:
            # The row is (unit, period, indicator): only its value changes here.
            for name in ("unit", "period", "indicator"):
                self.fields[name].disabled = True


class ConfidenceForm(VersionedForm, forms.Form):
    """交付信心评级 of a project for a month: green, amber or red with a narrative."""

    version = version_field()
    month = forms.DateField(
        label=_("月份"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    rating = forms.ChoiceField(
        label=_("交付信心"), choices=(), widget=forms.Select(attrs={"class": "select"})
    )
    narrative = forms.CharField(
        label=_("说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("黄色或红色须写明原因与措施"),
    )

    def __init__(self, *args, assessment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_version(assessment)
        self.fields["rating"].choices = translated_choices(ConfidenceRating.choices)


class NodeAnswerForm(forms.Form):
    """The responsible department's answer to a node: 已办结 on a date, 无需办理, or back
    to 未办结, with a note (``services.node_answer``)."""

    outcome = forms.ChoiceField(label=_("办理结果"))
    completed_on = forms.DateField(label=_("办结日期"), required=False, widget=DATE)
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = translated_choices(NodeOutcome.choices)
        self.fields["outcome"].widget.attrs["class"] = "select"

    def clean(self):
        data = super().clean()
        if data.get("outcome") == NodeOutcome.DONE and not data.get("completed_on"):
            self.add_error("completed_on", _("已办结的节点须填写办结日期。"))
        return data
