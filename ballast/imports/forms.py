"""Forms of the web import."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ballast.imports.jobs import may_import
from ballast.imports.models import ImportJob


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("导入内容"), choices=ImportJob.Kind.choices)
    file = forms.FileField(
        label=_("文件（.xlsx 或 .csv）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm,.csv"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (value, gettext(label))
            for value, label in ImportJob.Kind.choices
            if may_import(user, value)
        ]
        self.fields["kind"].widget.attrs["class"] = "select"
