from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class ReportsConfig(AppConfig):
    name = "ballast.reports"
    label = "reports"
    verbose_name = "月度填报"

    def ready(self):
        # in ready(): the models are loaded only once the registry is ready
        from ballast.projects import panels
        from ballast.projects.history import register_history
        from ballast.reports.models import MonthlyReport
        from ballast.reports.panels import reports_panel

        register_history(MonthlyReport, pgettext_lazy("history", "月度填报"))
        panels.register(reports_panel)
