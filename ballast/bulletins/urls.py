"""URLs of the bulletins on the web (/bulletins/)."""

from django.urls import path

from ballast.bulletins import views

app_name = "bulletins"

urlpatterns = [
    path("", views.bulletin_list, name="list"),
    path("compose/", views.bulletin_compose, name="compose"),
    path("compose/draft.<str:fmt>", views.bulletin_draft, name="draft"),
    path("publish/", views.bulletin_publish_view, name="publish"),
    path("rounds/<int:pk>/publish/", views.round_bulletin_publish_view, name="round_publish"),
    path("<int:pk>/", views.bulletin_detail, name="detail"),
    path("<int:pk>/download.<str:fmt>", views.bulletin_download, name="download"),
    path("<int:pk>/restatement/", views.bulletin_restatement, name="restatement"),
]
