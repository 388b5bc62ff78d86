from django.urls import path

from ballast.alerts.api.views import WarningsExportView, WarningsView

urlpatterns = [
    path("warnings/", WarningsView.as_view(), name="warnings"),
    path("warnings/export/", WarningsExportView.as_view(), name="warnings-export"),
]
