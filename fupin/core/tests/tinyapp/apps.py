from django.apps import AppConfig


class TinyConfig(AppConfig):
    name = "fupin.core.tests.tinyapp"
    label = "tinyapp"
