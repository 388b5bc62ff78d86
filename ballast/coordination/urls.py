"""URLs of the coordination pages (the paths are the ones people bookmarked)."""

from django.urls import path

from ballast.coordination import views

app_name = "coordination"

urlpatterns = [
    path("issues/", views.issues, name="issues"),
    path("issues/<int:pk>/<str:action>/", views.issue_action, name="issue_action"),
    path("visits/", views.visits, name="visits"),
    path("tours/", views.tours, name="tours"),
    path("tours/<int:pk>/", views.tour_detail, name="tour_detail"),
]
