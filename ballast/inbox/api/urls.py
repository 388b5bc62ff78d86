from rest_framework.routers import SimpleRouter

from ballast.inbox.api.views import NotificationViewSet

router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="notification")
urlpatterns = router.urls
