from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "ballast.figures"
    label = "figures"
    verbose_name = "指标"
