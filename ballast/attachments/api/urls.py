from rest_framework.routers import SimpleRouter

from ballast.attachments.api.views import AttachmentViewSet

router = SimpleRouter()
router.register("attachments", AttachmentViewSet, basename="attachment")
urlpatterns = router.urls
