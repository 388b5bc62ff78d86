"""URLs of the audit trail (the auditor's pages)."""

from django.urls import path

from ballast.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.trail, name="trail"),
    path("logins/", views.logins, name="logins"),
    path("<int:seq>/", views.record, name="record"),
]
