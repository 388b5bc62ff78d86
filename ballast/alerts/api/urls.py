from django.urls import path
from rest_framework.routers import SimpleRouter

from ballast.alerts.api.integrity import CheckDrawViewSet, IntegrityThresholdsView, SiteCheckViewSet
from ballast.alerts.api.views import WarningsExportView, WarningsView

router = SimpleRouter()
router.register("site-check-draws", CheckDrawViewSet, basename="checkdraw")
router.register("site-checks", SiteCheckViewSet, basename="sitecheck")

urlpatterns = [
    path("integrity/thresholds/", IntegrityThresholdsView.as_view(), name="integrity-thresholds"),
    path("warnings/", WarningsView.as_view(), name="warnings"),
    path("warnings/export/", WarningsExportView.as_view(), name="warnings-export"),
]
urlpatterns += router.urls
