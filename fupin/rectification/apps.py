from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "fupin.rectification"
    label = "rectification"
    verbose_name = "问题整改"

    def ready(self) -> None:
        from . import jobs  # noqa: F401  (registers the job functions)
