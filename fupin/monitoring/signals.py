"""Instant re-check: the registry says which households changed; their rules are
re-evaluated in the same transaction with the sweep's SQL restricted to those ids."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from fupin.registry.signals import household_changed


@receiver(household_changed, dispatch_uid="monitoring_recheck")
def recheck_changed(sender: Any, household_ids: list[int], reason: str = "", **kwargs: Any) -> None:
    from .services.sweep import recheck
    recheck(household_ids, source=f"即时复核（{reason}）" if reason else "即时复核")
