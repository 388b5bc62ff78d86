from django.urls import path
from rest_framework.routers import SimpleRouter

from ballast.assessments.api.views import (
    ManualScoreViewSet,
    MujunEvaluationView,
    PublishedResultViewSet,
    SchemeViewSet,
)

router = SimpleRouter()
router.register("assessment-results", PublishedResultViewSet, basename="assessmentresult")
router.register("assessment-schemes", SchemeViewSet, basename="assessmentscheme")
router.register("manual-scores", ManualScoreViewSet, basename="manualscore")
urlpatterns = [
    path("mujun/", MujunEvaluationView.as_view(), name="mujun"),
    *router.urls,
]
