"""Forms of the attraction pages. They collect input; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ballast.accounts import policy
from ballast.attraction.choices import LeadTerminationReason
from ballast.attraction.models import ChainLink, Channel, Lead, LeadContact
from ballast.attraction.services import CONTACT_FIELDS, LEAD_FIELDS
from ballast.projects.choices import Category, Level
from ballast.projects.models import IndustryCluster
from ballast.web.forms import DATE, VersionedForm, version_field


class LeadForm(VersionedForm, forms.ModelForm):
    """A lead's own fields (``services.LEAD_FIELDS``); units, clusters and channels are
    those of the person's scope and city."""

    version = version_field()

    class Meta:
        model = Lead
        fields = LEAD_FIELDS
        widgets = {
            "info_on": DATE,
            "expected_signing_month": forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_signing_month"].input_formats = ["%Y-%m", "%Y-%m-%d"]
        units = policy.units_for(
            user, policy.ADD if self.instance.pk is None else policy.CHANGE, Lead
        )
        self.fields["unit"].queryset = units.order_by("sort_order")
        city_id = user.city_id_in_scope
        clusters = IndustryCluster.objects.filter(is_active=True)
        channels = Channel.objects.filter(is_active=True)
        if city_id is not None:
            clusters = clusters.filter(city_id=city_id)
            channels = channels.filter(city_id=city_id)
        self.fields["cluster"].queryset = clusters.order_by("sort_order")
        self.fields["channel"].queryset = channels.order_by("sort_order")
        links = ChainLink.objects.select_related("cluster")
        if city_id is not None:
            links = links.filter(cluster__city_id=city_id)
        self.fields["link"].queryset = links
        if units.count() == 1 and not self.instance.pk:
            self.fields["unit"].initial = units.first()
        self.init_version(self.instance if self.instance.pk else None)

    def clean_expected_signing_month(self):
        month = self.cleaned_data.get("expected_signing_month")
        return month.replace(day=1) if month else month

    def service_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in LEAD_FIELDS}


class ContactForm(forms.ModelForm):
    class Meta:
        model = LeadContact
        fields = CONTACT_FIELDS
        widgets = {
            "date": DATE,
            "next_on": DATE,
            "content": forms.Textarea(attrs={"rows": 2}),
        }


class AdvanceForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("推进到"), choices=(("contact", _("接洽")), ("negotiating", _("洽谈")))
    )
    on = forms.DateField(label=_("日期"), widget=DATE)


class TerminateForm(forms.Form):
    on = forms.DateField(label=_("终止日期"), widget=DATE)
    reason = forms.ChoiceField(label=_("终止原因"), choices=LeadTerminationReason.choices)
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("终止说明（原因为“其他”时必填）")}),
    )


class SignForm(forms.Form):
    on = forms.DateField(label=_("签约日期"), widget=DATE)
    category = forms.ChoiceField(label=_("项目类别"), choices=Category.choices)
    level = forms.ChoiceField(label=_("项目层级"), choices=Level.choices, initial=Level.UNIT)
    code = forms.CharField(
        label=_("项目代码"), required=False, max_length=24, help_text=_("已赋码的填写，可留空")
    )


class ReserveForm(forms.Form):
    tier = forms.ModelChoiceField(label=_("梯次"), queryset=None)
    land_ready = forms.BooleanField(label=_("用地已落实"), required=False)
    filing_ready = forms.BooleanField(label=_("立项备案已完成"), required=False)
    funding_ready = forms.BooleanField(label=_("资金已落实"), required=False)
    on = forms.DateField(label=_("入库日期"), widget=DATE)

    def __init__(self, *args, tiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].queryset = tiers
