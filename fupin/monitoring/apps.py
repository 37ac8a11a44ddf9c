from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "fupin.monitoring"
    label = "monitoring"
    verbose_name = "动态监测"

    def ready(self) -> None:
        from . import jobs, signals  # noqa: F401
