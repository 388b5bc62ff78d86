from django.urls import path

from ballast.figures.api.views import FiguresCompareView, FiguresView

urlpatterns = [
    path("figures/", FiguresView.as_view(), name="figures"),
    path("figures/compare/", FiguresCompareView.as_view(), name="figures-compare"),
]
