from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ballast.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from ballast.core import history  # noqa: F401  (connects the history signal)
