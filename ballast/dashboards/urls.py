"""URLs of the cockpits and the supervision pages."""

from django.urls import path

from ballast.dashboards import province, views

app_name = "dashboards"

urlpatterns = [
    path("cockpit/", views.cockpit, name="cockpit"),
    path("province/", province.province_cockpit, name="province"),
    path("cockpit/projects/", views.drill, name="drill"),
    path("cockpit/<str:unit_code>/", views.unit_cockpit, name="unit_cockpit"),
    path("warnings/", views.warnings, name="warnings"),
    path("issues/", views.issues, name="issues"),
    path("issues/<int:pk>/<str:action>/", views.issue_action, name="issue_action"),
    path("rankings/", views.rankings, name="rankings"),
    path("visits/", views.visits, name="visits"),
    path("tours/", views.tours, name="tours"),
    path("tours/<int:pk>/", views.tour_detail, name="tour_detail"),
    path("leaders/", views.leaders, name="leaders"),
    path("leaders/<int:pk>/", views.leader_detail, name="leader"),
    path("map/", views.project_map, name="map"),
]
