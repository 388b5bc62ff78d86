"""What the forms of every app share: the date widget, the version a form was opened at,
and :func:`apply_errors`. Forms collect input; the rules live in the services, whose
``ValidationError`` is put back on the fields by :func:`apply_errors`."""

from django import forms
from django.core.exceptions import ValidationError

from ballast.core.concurrency import StaleObjectError

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def apply_errors(form: forms.Form, exc: ValidationError, aliases: dict | None = None) -> None:
    """Show a service's ``ValidationError`` on the form's fields (others on the form).

    ``aliases`` maps a model field the service names to the form field that holds it.
    """
    aliases = aliases or {}
    if isinstance(exc, StaleObjectError):
        # Someone saved the record since this form was opened: nothing was written. Keep
        # the person's input, show what the other person changed (form.conflict), and
        # carry the stored version, so that saving again is a decision, not an accident.
        form.conflict = exc
        if "version" in form.fields and form.is_bound:
            form.data = form.data.copy()
            form.data[form.add_prefix("version")] = exc.current_version
        form.add_error(None, exc.messages)
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            field = aliases.get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def version_field():
    """The hidden version a form was opened at (see ballast.core.concurrency)."""
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class VersionedForm:
    """A form that carries the version of the record it edits; 0 when there is none."""

    conflict = None

    def init_version(self, record) -> None:
        self.fields["version"].initial = record.version if record is not None else 0

    def expected_version(self):
        return self.cleaned_data.get("version")
