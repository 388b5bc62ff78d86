"""URLs of the cockpits, the leader portfolio and the map."""

from django.urls import path

from ballast.dashboards import province, views

app_name = "dashboards"

urlpatterns = [
    path("cockpit/", views.cockpit, name="cockpit"),
    path("province/", province.province_cockpit, name="province"),
    path("cockpit/projects/", views.drill, name="drill"),
    path("cockpit/<str:unit_code>/", views.unit_cockpit, name="unit_cockpit"),
    path("leaders/", views.leaders, name="leaders"),
    path("leaders/<int:pk>/", views.leader_detail, name="leader"),
    path("map/", views.project_map, name="map"),
    path("targets/", views.targets, name="targets"),
]
