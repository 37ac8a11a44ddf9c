from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_bundled_divisions(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """Reload the bundled division codes when the table is empty.

    The data migration loads them once; this also restores them after a `flush` (which the
    test runner does after every transactional test), so areas always exist.
    """
    from .models import Area
    from .services import load_bundled_divisions

    if not Area.objects.using(using).exists():
        load_bundled_divisions()


class AreasConfig(AppConfig):
    name = "fupin.areas"
    label = "areas"
    verbose_name = "行政区划"

    def ready(self) -> None:
        post_migrate.connect(ensure_bundled_divisions, sender=self)
