from rest_framework.routers import SimpleRouter

from ballast.bulletins.api.views import BulletinViewSet

router = SimpleRouter()
router.register("bulletins", BulletinViewSet, basename="bulletin")
urlpatterns = router.urls
