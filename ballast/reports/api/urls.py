from rest_framework.routers import SimpleRouter

from ballast.reports.api.views import MonthlyReportViewSet

router = SimpleRouter()
router.register("reports", MonthlyReportViewSet, basename="report")
urlpatterns = router.urls
