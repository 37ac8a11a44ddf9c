from django.apps import AppConfig


class LedgersConfig(AppConfig):
    name = "fupin.ledgers"
    label = "ledgers"
    verbose_name = "台账"

    def ready(self) -> None:
        from . import jobs  # noqa: F401  (registers the job functions)
        from .views import register_result_urls
        register_result_urls()
