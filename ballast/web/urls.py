"""The shell's own URL: the home page (each person's landing page)."""

from django.urls import path

from ballast.web.views import home

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
]
