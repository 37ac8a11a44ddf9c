from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "fupin.projects"
    label = "projects"
    verbose_name = "项目与资金"
