from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "ballast.coordination"
    label = "coordination"
    verbose_name = "服务与督查"
