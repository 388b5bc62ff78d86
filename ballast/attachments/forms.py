from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (a list of uploads)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


# What the file dialog offers (the content is checked again on the server).
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx"


class AttachmentForm(forms.Form):
    """The upload form of the attachments include (``attachments/_panel.html``)."""

    files = MultipleFileField(label=_("文件"))
    caption = forms.CharField(label=_("说明"), max_length=200, required=False)
    taken_on = forms.DateField(
        label=_("拍摄日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("照片带有拍摄时间时以照片为准"),
    )  # fmt: skip
