from django.apps import AppConfig


class AttractionConfig(AppConfig):
    name = "ballast.attraction"
    label = "attraction"
    verbose_name = "招商引资"

    def ready(self):
        # A signed lead's project shows the lead's history first (projects.history).
        from ballast.assessments.registry import register_round_keys
        from ballast.attraction.choices import CAMPAIGN_INDICATORS
        from ballast.attraction.history import register
        from ballast.attraction.panels import attraction_panel
        from ballast.projects import panels

        register()
        # A campaign round's scheme (攻坚轮次) scores the round's indicators.
        register_round_keys(CAMPAIGN_INDICATORS)
        panels.register(attraction_panel)
