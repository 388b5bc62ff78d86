from django.urls import path

from ballast.alerts.api.views import WarningsView

urlpatterns = [path("warnings/", WarningsView.as_view(), name="warnings")]
