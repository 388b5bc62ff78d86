"""URLs of the warnings page."""

from django.urls import path

from ballast.alerts import views

app_name = "alerts"

urlpatterns = [
    path("warnings/", views.warnings, name="warnings"),
]
