from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "ballast.alerts"
    label = "alerts"
    verbose_name = "预警"

    def ready(self):
        # The built-in rules register themselves on import (in ready(): they read models).
        from ballast.alerts import rules  # noqa: F401
