from rest_framework.routers import SimpleRouter

from ballast.imports.api import views

router = SimpleRouter()
router.register("imports", views.ImportJobViewSet, basename="importjob")
urlpatterns = router.urls
