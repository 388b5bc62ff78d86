from django.urls import path

from ballast.figures.api.views import (
    FiguresCompareView,
    FiguresView,
    IntegrityView,
    OverrunsView,
)

urlpatterns = [
    path("figures/", FiguresView.as_view(), name="figures"),
    path("figures/integrity/", IntegrityView.as_view(), name="figures-integrity"),
    path("figures/compare/", FiguresCompareView.as_view(), name="figures-compare"),
    path("figures/overruns/", OverrunsView.as_view(), name="figures-overruns"),
]
