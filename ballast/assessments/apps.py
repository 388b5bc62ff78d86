from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "ballast.assessments"
    label = "assessments"
    verbose_name = "考核评比"
