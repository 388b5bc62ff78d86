from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "ballast.projects"
    label = "projects"
    verbose_name = "项目"
