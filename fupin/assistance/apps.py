from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "fupin.assistance"
    label = "assistance"
    verbose_name = "帮扶"

    def ready(self) -> None:
        from fupin.registry.panels import register_household_panel

        from .visibility import install

        install()
        register_household_panel("assistance/_household_panel.html")
