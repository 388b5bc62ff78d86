from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "ballast.figures"
    label = "figures"
    verbose_name = "指标"

    def ready(self):
        # in ready(): the panel reads models, loaded only once the registry is ready
        from ballast.figures.panels import progress_panel
        from ballast.projects import panels

        panels.register(progress_panel)
