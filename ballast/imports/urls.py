"""URLs of the web import and the ledger exports (/imports/)."""

from django.urls import path

from ballast.imports import bureau_views, leads_views, views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("template/<str:kind>/", views.template_download, name="template"),
    path("export/ledger/", views.export_ledger_view, name="export_ledger"),
    path("export/reports/", views.export_reports_view, name="export_reports"),
    path("bureau/", bureau_views.bureau, name="bureau"),
    path("leads/", leads_views.leads_upload, name="leads_upload"),
    path("leads/template/", leads_views.leads_template, name="leads_template"),
    path("bureau/upload/", bureau_views.bureau_upload, name="bureau_upload"),
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/apply/", views.job_apply, name="apply"),
    path("<int:pk>/progress/", views.job_progress_view, name="progress"),
    path("<int:pk>/errors.xlsx", views.job_errors, name="errors"),
]
