from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "ballast.bulletins"
    label = "bulletins"
    verbose_name = "通报"
