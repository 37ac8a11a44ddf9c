"""The one REST router. Each app registers its viewsets in its `api.py`, imported here."""

from importlib import import_module

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

for app in ("areas", "registry", "ledgers", "monitoring", "cases", "assistance",
            "rectification", "reports"):
    try:
        module = import_module(f"fupin.{app}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"fupin.{app}.api":
            raise
        continue
    register = getattr(module, "register", None)
    if register is not None:
        register(router)
