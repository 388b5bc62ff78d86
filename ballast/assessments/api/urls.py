from rest_framework.routers import SimpleRouter

from ballast.assessments.api.views import PublishedResultViewSet

router = SimpleRouter()
router.register("assessment-results", PublishedResultViewSet, basename="assessmentresult")
urlpatterns = router.urls
