"""URLs of the coordination pages (the paths are the ones people bookmarked)."""

from django.urls import path

from ballast.coordination import views

app_name = "coordination"

urlpatterns = [
    path("issues/", views.issues, name="issues"),
    path("issues/new/", views.issue_new, name="issue_new"),
    path("issues/<int:pk>/", views.issue_detail, name="issue_detail"),
    path("issues/<int:pk>/assign/", views.issue_assign, name="issue_assign"),
    path("issues/<int:pk>/steps/", views.issue_step_add, name="issue_step_add"),
    path(
        "issues/<int:pk>/steps/<int:step_pk>/done/",
        views.issue_step_done,
        name="issue_step_done",
    ),
    path("issues/<int:pk>/attachments/", views.issue_attach, name="issue_attach"),
    path("issues/<int:pk>/<str:action>/", views.issue_action, name="issue_action"),
    path("visits/", views.visits, name="visits"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/attachments/", views.visit_attach, name="visit_attach"),
    path("tours/", views.tours, name="tours"),
    path("tours/<int:pk>/", views.tour_detail, name="tour_detail"),
    path("tours/<int:pk>/score/", views.tour_score, name="tour_score"),
    path("tours/<int:pk>/close/", views.tour_close, name="tour_close"),
]
