"""Forms of the service loop: raising an issue (问题/诉求), assigning it (交办), its roadmap
steps (路线图), recording a visit from a phone (家家到) and scoring a tour (观摩评分).

They collect input; the rules live in :mod:`ballast.coordination.services`, whose
``ValidationError`` is put back on the fields by :func:`ballast.web.forms.apply_errors`.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ballast.accounts import policy
from ballast.accounts.models import Department
from ballast.attachments.forms import MultipleFileField, MultipleFileInput
from ballast.coordination.choices import IssueCategory, IssueLevel, VisitKind
from ballast.coordination.models import Issue
from ballast.projects.models import Project
from ballast.web.forms import DATE, VersionedForm, version_field
from ballast.web.labels import translated_choices


class IssueRaiseForm(forms.Form):
    """A clerk's issue for a project of the unit, an enterprise's need for its own project,
    a leader's finding: the project choices are the person's own (policy scope)."""

    project = forms.ModelChoiceField(label=_("项目"), queryset=Project.objects.none())
    category = forms.ChoiceField(label=_("问题类别"))
    description = forms.CharField(
        label=_("问题描述"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写问题描述。")},
    )
    is_major = forms.BooleanField(label=_("重大事项（须当日受理，重大事项不过夜）"), required=False)
    files = MultipleFileField(
        label=_("附件（照片、PDF 或 Office 文档，可多选）"),
        required=False,
        help_text=_("与问题一同保存；照片按本市规定去除定位信息。"),
    )

    def __init__(self, *args, user, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["project"].error_messages["required"] = _("请选择项目。")
        self.fields["category"].choices = translated_choices(IssueCategory.choices)


class IssueAssignForm(VersionedForm, forms.Form):
    """交办: department, person and deadline (and the level) set by a city or unit officer."""

    version = version_field()
    department = forms.ModelChoiceField(
        label=_("责任部门"), queryset=Department.objects.none(), required=False
    )
    responsible_person = forms.ModelChoiceField(
        label=_("责任人"), queryset=policy.users_for(None), required=False
    )
    responsible_name = forms.CharField(label=_("责任人（非系统用户）"), required=False)
    deadline = forms.DateField(label=_("办结期限"), widget=DATE, required=False)
    level = forms.ChoiceField(label=_("协调层级"))

    def __init__(self, *args, user, issue: Issue, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "department": issue.department_id,
                "responsible_person": issue.responsible_person_id,
                "responsible_name": issue.responsible_name,
                "deadline": issue.deadline,
                "level": issue.level,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            city_id=issue.project.unit.city_id
        ).order_by("name")
        self.fields["responsible_person"].queryset = policy.users_for(user).order_by("username")
        self.fields["level"].choices = translated_choices(IssueLevel.choices)
        self.init_version(issue)

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class StepForm(forms.Form):
    """A dated roadmap step with its owner (明确责任人、列出进度表、拿出路线图)."""

    planned_on = forms.DateField(
        label=_("计划日期"), widget=DATE, error_messages={"required": _("请填写计划日期。")}
    )
    description = forms.CharField(
        label=_("步骤"), max_length=200, error_messages={"required": _("请填写步骤内容。")}
    )
    owner = forms.CharField(label=_("责任人"), max_length=32, required=False)


class StepDoneForm(forms.Form):
    done_on = forms.DateField(label=_("完成日期"), widget=DATE)
    outcome = forms.CharField(label=_("完成情况"), max_length=200, required=False)


class VisitForm(forms.Form):
    """A visit in under a minute from a phone: the visitor's linked projects come first;
    issues found on the spot (one per line) become coordination issues."""

    project = forms.ModelChoiceField(
        label=_("项目"),
        queryset=Project.objects.none(),
        error_messages={"required": _("请选择走访的项目。")},
    )
    date = forms.DateField(label=_("日期"), widget=DATE)
    kind = forms.ChoiceField(label=_("方式"))
    findings = forms.CharField(
        label=_("发现情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    issues = forms.CharField(
        label=_("现场提出的问题（每行一个，成为协调问题）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    issue_category = forms.ChoiceField(label=_("问题类别"), required=False)
    photos = MultipleFileField(
        label=_("现场照片（可多张）"),
        required=False,
        # a phone opens its camera: capture="environment" is the back camera
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def __init__(self, *args, projects, linked_ids, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["project"]
        field.queryset = projects
        rows = list(projects.select_related("unit").order_by("unit__sort_order", "name"))
        linked = [p for p in rows if p.pk in linked_ids]
        others = [p for p in rows if p.pk not in linked_ids]
        choices = [("", "——")]
        if linked:
            choices.append((_("我挂钩的项目"), [(p.pk, p.name) for p in linked]))
        choices.append(
            (_("其他项目"), [(p.pk, f"{p.name}（{p.unit.display_name}）") for p in others])
        )
        field.choices = choices
        self.fields["kind"].choices = translated_choices(VisitKind.choices)
        self.fields["issue_category"].choices = translated_choices(IssueCategory.choices)

    def issue_lines(self) -> list[str]:
        text = self.cleaned_data.get("issues") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]
