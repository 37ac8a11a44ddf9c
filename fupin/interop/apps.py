from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "fupin.interop"
    label = "interop"
    verbose_name = "接口"
