"""Forms of the report pages. They collect input; the rules live in
:mod:`ballast.reports.services`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ballast.reports.models import MonthlyReport
from ballast.reports.services import REPORT_FIELDS
from ballast.web.forms import VersionedForm, version_field


class ReportForm(VersionedForm, forms.ModelForm):
    """The month's report as a clerk fills it in."""

    version = version_field()

    class Meta:
        model = MonthlyReport
        fields = REPORT_FIELDS
        widgets = {
            "investment": forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
            "progress": forms.Textarea(attrs={"rows": 3}),
            "problems": forms.Textarea(attrs={"rows": 2}),
            "suggestions": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_version(self.instance if self.instance.pk else None)

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in REPORT_FIELDS}


class AmendForm(ReportForm):
    reason = forms.CharField(label=_("更正原因"), widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), max_length=500)
