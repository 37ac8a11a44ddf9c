from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fupin.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from . import plugins

        plugins.load_jobs()  # every app's job kinds, so any process can run any job
