"""The one REST router, built from the `api` each installed app's plugin declares."""

from __future__ import annotations

from rest_framework.routers import DefaultRouter

from .plugins import AppPlugin, installed_plugins, resolve


def build_router(extra: list[AppPlugin] | None = None) -> DefaultRouter:
    router = DefaultRouter()
    for plugin in [*installed_plugins(), *(extra or [])]:
        if plugin.api:
            resolve(plugin.api)(router)
    return router
