from django.apps import AppConfig


class FieldConfig(AppConfig):
    name = "fupin.field"
    label = "field"
    verbose_name = "田野工作（手机端）"
