from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "ballast.web"
    label = "web"
    verbose_name = "工作台"
