from django.apps import AppConfig


class LedgersConfig(AppConfig):
    name = "fupin.ledgers"
    label = "ledgers"
    verbose_name = "台账"
