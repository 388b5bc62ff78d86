from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from ballast.imports.api import views
from ballast.imports.api.bureau import BureauDifferencesView
from ballast.imports.api.leads import LeadsImportView

router = SimpleRouter()
router.register("imports", views.ImportJobViewSet, basename="importjob")
urlpatterns = [
    re_path(
        r"^imports/templates/(?P<kind>ledger|reports|mujun|targets)/$",
        views.ImportTemplateView.as_view(),
        name="import-template",
    ),
    path("imports/leads/", LeadsImportView.as_view(), name="import-leads"),
    path("integrity/bureau/", BureauDifferencesView.as_view(), name="bureau-differences"),
    path("exports/ledger/", views.LedgerExportView.as_view(), name="export-ledger"),
    path("exports/reports/", views.ReportsExportView.as_view(), name="export-reports"),
    *router.urls,
]
