from rest_framework.routers import SimpleRouter

from ballast.projects.api import views

router = SimpleRouter()
router.register("projects", views.ProjectViewSet, basename="project")
router.register("stage-events", views.StageEventViewSet, basename="stageevent")
router.register("nodes", views.NodeViewSet, basename="node")
router.register("annual-plans", views.AnnualPlanViewSet, basename="annualplan")
router.register("unit-targets", views.UnitTargetViewSet, basename="unittarget")
router.register("confidence-ratings", views.ConfidenceViewSet, basename="confidence")
urlpatterns = router.urls
