from django.apps import AppConfig


class DciConfig(AppConfig):
    name = "fupin.dci"
    label = "dci"
    verbose_name = "DCI 社会登记接口"

    def ready(self) -> None:
        from . import events  # noqa: F401  (registry change -> subscription events)
