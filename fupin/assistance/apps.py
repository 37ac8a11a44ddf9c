from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "fupin.assistance"
    label = "assistance"
    verbose_name = "帮扶"

    def ready(self) -> None:
        from fupin.rectification.models import SpotCheckKind
        from fupin.rectification.sampling import register_population

        from .visibility import active_helpers, install

        install()  # helpers see only the households assigned to them
        register_population(SpotCheckKind.HELPER, active_helpers)
