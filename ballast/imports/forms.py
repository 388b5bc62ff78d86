"""Forms of the web import."""

from django import forms

from ballast.imports.jobs import may_import
from ballast.imports.models import ImportJob


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="导入内容", choices=ImportJob.Kind.choices)
    file = forms.FileField(
        label="文件（.xlsx 或 .csv）",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm,.csv"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (value, label) for value, label in ImportJob.Kind.choices if may_import(user, value)
        ]
        self.fields["kind"].widget.attrs["class"] = "select"
