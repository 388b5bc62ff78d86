from django import forms
from django.utils.translation import gettext_lazy as _

from ballast.inbox.choices import Delivery, Kind


class PreferencesForm(forms.Form):
    """One choice of delivery per kind of notification."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=_(kind.label), choices=[(d.value, _(d.label)) for d in Delivery],
                initial=current.get(kind.value),
            )  # fmt: skip
