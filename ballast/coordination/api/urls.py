from rest_framework.routers import SimpleRouter

from ballast.coordination.api import views

router = SimpleRouter()
router.register("issues", views.IssueViewSet, basename="issue")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("tours", views.TourViewSet, basename="tour")
urlpatterns = router.urls
