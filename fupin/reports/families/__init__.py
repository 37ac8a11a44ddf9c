"""Indicator families of the apps that land after the registry. Each module registers
itself with `indicators.register_family` when its app is installed (see `register_all`)."""

from __future__ import annotations

import importlib

from django.apps import apps

# app label -> module of this package
FAMILY_MODULES = {"cases": "cases", "monitoring": "monitoring", "assistance": "assistance",
                  "rectification": "rectification"}


def register_all() -> list[str]:
    done = []
    for label, module in FAMILY_MODULES.items():
        if apps.is_installed(f"fupin.{label}"):
            importlib.import_module(f"{__name__}.{module}").register()
            done.append(label)
    return done
