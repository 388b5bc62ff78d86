"""URLs of the warnings page."""

from django.urls import path

from ballast.alerts import integrity_views, views

app_name = "alerts"

urlpatterns = [
    path("warnings/", views.warnings, name="warnings"),
    path("integrity/", integrity_views.integrity_page, name="integrity"),
    path("overruns/", views.overruns, name="overruns"),
]
