"""The REST API, version 1 (``/api/v1/``, docs/api.md): each domain app's ``api/urls.py``,
the OpenAPI schema and its two readers (Swagger UI, Redoc) served from local files."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from ballast.api.docs import RedocView, SwaggerView
from ballast.api.exceptions import not_found

app_name = "api"

urlpatterns = [
    path("", include("ballast.regions.api.urls")),
    path("", include("ballast.projects.api.urls")),
    path("", include("ballast.reports.api.urls")),
    path("", include("ballast.figures.api.urls")),
    path("", include("ballast.alerts.api.urls")),
    path("", include("ballast.assessments.api.urls")),
    path("", include("ballast.bulletins.api.urls")),
    path("", include("ballast.coordination.api.urls")),
    path("", include("ballast.attraction.api.urls")),
    path("", include("ballast.imports.api.urls")),
    path("", include("ballast.attachments.api.urls")),
    path("", include("ballast.inbox.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", RedocView.as_view(url_name="api:schema"), name="redoc"),
    # Last: every other address under /api/v1/ is a 404 problem.
    # ([\s\S]: a generated address may hold a line break, which "." does not match.)
    re_path(r"^(?P<rest>[\s\S]*)$", not_found, name="not_found"),
]
