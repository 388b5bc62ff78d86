from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "ballast.alerts"
    label = "alerts"
    verbose_name = "预警"
