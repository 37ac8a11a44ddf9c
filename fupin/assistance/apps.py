from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "fupin.assistance"
    label = "assistance"
    verbose_name = "帮扶"

    def ready(self) -> None:
        from .visibility import install

        install()
