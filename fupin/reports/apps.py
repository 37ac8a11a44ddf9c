from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "fupin.reports"
    label = "reports"
    verbose_name = "报表"

    def ready(self) -> None:
        from . import aggregates, jobs  # noqa: F401  (signal receiver, job functions)
        from .families import register_all

        register_all()
