"""The health endpoint's URL (no login, so a balancer can probe it)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from ballast.health.views import HealthView

urlpatterns = [
    path("healthz", login_not_required(HealthView.as_view()), name="healthz"),
]
