from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "fupin.reports"
    label = "reports"
    verbose_name = "报表"

    def ready(self) -> None:
        from . import aggregates, indicators

        indicators.load_families()  # every installed app's indicator families
        aggregates.connect_refresh_signals()
