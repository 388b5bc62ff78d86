from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "ballast.reports"
    label = "reports"
    verbose_name = "月度填报"
