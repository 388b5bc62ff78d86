"""Small template helpers of the dashboards."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when absent)."""
    if not isinstance(mapping, dict):
        return None
    return mapping.get(key)
