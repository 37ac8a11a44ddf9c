from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "fupin.credit"
    label = "credit"
    verbose_name = "扶贫小额信贷"
