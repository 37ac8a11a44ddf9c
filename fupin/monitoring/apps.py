from importlib import import_module
from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


def ensure_defaults(sender: Any, **kwargs: Any) -> None:
    """Re-create the default settings and rules when they are missing.

    The data migration creates them once (idempotently); this also restores them after a
    `flush`, which the test runner does after every transactional test.
    """
    from .models import Rule

    if not Rule.objects.exists():
        import_module("fupin.monitoring.migrations.0002_defaults").create_defaults(
            global_apps, None)


class MonitoringConfig(AppConfig):
    name = "fupin.monitoring"
    label = "monitoring"
    verbose_name = "动态监测"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (instant re-check receiver)

        post_migrate.connect(ensure_defaults, sender=self)
