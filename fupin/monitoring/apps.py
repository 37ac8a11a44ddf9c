from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "fupin.monitoring"
    label = "monitoring"
    verbose_name = "动态监测"

    def ready(self) -> None:
        from . import jobs, signals  # noqa: F401  (sweep job; instant re-check receiver)

        try:  # the household page shows warnings and risk events
            from fupin.registry.panels import register_household_panel
        except ImportError:  # older registry without panels
            return
        register_household_panel("monitoring/_household_panel.html")
