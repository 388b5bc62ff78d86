from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from ballast.imports.api import views

router = SimpleRouter()
router.register("imports", views.ImportJobViewSet, basename="importjob")
urlpatterns = [
    re_path(
        r"^imports/templates/(?P<kind>ledger|reports|mujun|targets)/$",
        views.ImportTemplateView.as_view(),
        name="import-template",
    ),
    path("exports/ledger/", views.LedgerExportView.as_view(), name="export-ledger"),
    path("exports/reports/", views.ReportsExportView.as_view(), name="export-reports"),
    *router.urls,
]
