from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "ballast.regions"
    label = "regions"
    verbose_name = "区划与板块"
