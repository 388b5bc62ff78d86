from django.urls import path

from ballast.figures.api.views import FiguresView

urlpatterns = [path("figures/", FiguresView.as_view(), name="figures")]
