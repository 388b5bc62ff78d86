from django.apps import AppConfig


class AttractionConfig(AppConfig):
    name = "ballast.attraction"
    label = "attraction"
    verbose_name = "招商引资"

    def ready(self):
        # A signed lead's project shows the lead's history first (projects.history).
        from ballast.attraction.history import register
        from ballast.attraction.panels import attraction_panel
        from ballast.projects import panels

        register()
        panels.register(attraction_panel)
