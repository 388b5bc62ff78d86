from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ballast.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from django.apps import apps

        # in ready(): history and the models need the loaded registry
        from ballast.core import history  # noqa: F401  (connects the history signal)
        from ballast.core.models import BallastModel

        # Historical rows are scoped like the objects they record: the same unit or city
        # path (the historical table keeps the same foreign keys), under group "history".
        for model in apps.get_models():
            if issubclass(model, BallastModel) and hasattr(model, "history"):
                historical = model.history.model
                historical.access_group = "history"
                historical.unit_path = model.unit_path
                historical.city_path = getattr(model, "city_path", None)

        # The task queue's own admin (procrastinate) is a plain ModelAdmin outside the
        # access policy: off. The queue is operated with `manage.py procrastinate`.
        if apps.is_installed("procrastinate.contrib.django"):
            from django.contrib import admin
            from procrastinate.contrib.django.models import ProcrastinateJob

            if admin.site.is_registered(ProcrastinateJob):
                admin.site.unregister(ProcrastinateJob)
