from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "ballast.dashboards"
    label = "dashboards"
    verbose_name = "驾驶舱"
