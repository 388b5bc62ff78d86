from rest_framework.routers import SimpleRouter

from ballast.coordination.api import views

router = SimpleRouter()
router.register("issues", views.IssueViewSet, basename="issue")
urlpatterns = router.urls
