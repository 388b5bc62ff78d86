from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "ballast.bulletins"
    label = "bulletins"
    verbose_name = "通报"

    def ready(self):
        # A campaign round's page shows its bulletin (attraction.documents).
        from ballast.attraction import documents
        from ballast.bulletins.documents import round_bulletin_panel

        documents.register(round_bulletin_panel)
