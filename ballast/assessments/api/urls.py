from rest_framework.routers import SimpleRouter

from ballast.assessments.api.views import ManualScoreViewSet, PublishedResultViewSet, SchemeViewSet

router = SimpleRouter()
router.register("assessment-results", PublishedResultViewSet, basename="assessmentresult")
router.register("assessment-schemes", SchemeViewSet, basename="assessmentscheme")
router.register("manual-scores", ManualScoreViewSet, basename="manualscore")
urlpatterns = router.urls
