"""URLs of the rankings page."""

from django.urls import path

from ballast.assessments import views

app_name = "assessments"

urlpatterns = [
    path("rankings/", views.rankings, name="rankings"),
    path("mujun/", views.mujun, name="mujun"),
]
