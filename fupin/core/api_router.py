"""The one REST router, built from the `api` each installed app's plugin declares."""

from __future__ import annotations

from rest_framework.routers import DefaultRouter

from .gates import gate_viewset
from .plugins import AppPlugin, installed_plugins, resolve


def build_router(extra: list[AppPlugin] | None = None) -> DefaultRouter:
    router = DefaultRouter()
    for plugin in [*installed_plugins(), *(extra or [])]:
        if plugin.api:
            before = len(router.registry)
            resolve(plugin.api)(router)
            if plugin.deny_roles:  # the app's routes are closed to these roles
                router.registry[before:] = [
                    (prefix, gate_viewset(viewset, plugin.deny_roles), basename)
                    for prefix, viewset, basename in router.registry[before:]]
    return router
