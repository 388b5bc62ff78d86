"""Widgets of the pages."""

from django import forms


class FixedValue(forms.Widget):
    """A choice that is not a choice: the one value the person may have, shown as text.

    The field using it is ``disabled``, so the form takes its initial value and ignores
    whatever a request posts; the service re-checks the value inside its transaction.
    """

    template_name = "web/widgets/fixed.html"

    def __init__(self, text, attrs=None):
        super().__init__(attrs)
        self.text = text

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["text"] = self.text
        return context


def fix_single_choice(field, queryset) -> bool:
    """When ``queryset`` holds exactly one row, fix ``field`` to it and show it as text
    (a clerk with one unit is not asked to pick it). Returns whether it was fixed."""
    rows = list(queryset[:2])
    if len(rows) != 1:
        return False
    only = rows[0]
    field.queryset = queryset
    field.initial = only.pk
    field.disabled = True
    field.empty_label = None
    field.widget = FixedValue(getattr(only, "display_name", None) or str(only))
    return True
