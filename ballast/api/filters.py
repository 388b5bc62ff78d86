"""Filtering through the same django-filter filtersets as the pages (``web/filtersets.py``
and the apps' own); a filterset that narrows its choices to the person takes ``user``."""

from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        if getattr(view, "filterset_takes_user", False):
            kwargs["user"] = request.user
            kwargs.pop("request", None)
        return kwargs
