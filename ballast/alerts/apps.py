from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "ballast.alerts"
    label = "alerts"
    verbose_name = "预警"

    def ready(self):
        # The built-in rules register themselves on import (in ready(): they read models).
        from ballast.alerts import rules  # noqa: F401
        from ballast.alerts.integrity_services import city_thresholds
        from ballast.figures.integrity import register_city_thresholds

        # The integrity checks (figures, below) read each city's thresholds from here.
        register_city_thresholds(city_thresholds)
