"""Re-check after a registry change: the registry sends `household_changed` once its
transaction has committed (every path); the touched households' rules are re-evaluated
here with the sweep's SQL (`sweep.recheck`: the instant path for a few households, one
set-based pass for a bulk change).

A re-check that fails is logged and retried in the background (a task, up to
RECHECK_RETRIES times, RETRY_DELAY apart where the task backend can defer); it never
touches the change that caused it, which is already committed.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.dispatch import receiver
from django.utils import timezone
from django_tasks import default_task_backend, task

from fupin.registry.signals import household_changed

logger = logging.getLogger("fupin.monitoring")

RECHECK_RETRIES = 3
RETRY_DELAY = dt.timedelta(minutes=2)


def _recheck(household_ids: list[int], *, source: str) -> Any:
    from .services.sweep import recheck
    return recheck(household_ids, source=source)


def _try(household_ids: list[int], source: str, attempt: int) -> None:
    try:
        _recheck(household_ids, source=source)
    except Exception as exc:
        logger.error("re-check of %d households failed (attempt %d of %d, %s): %s",
                     len(household_ids), attempt + 1, RECHECK_RETRIES + 1, source, exc,
                     exc_info=exc)
        if attempt >= RECHECK_RETRIES:
            logger.error("re-check of %d households given up after %d attempts (%s); "
                         "the nightly sweep will catch up", len(household_ids), attempt + 1, source)
            return
        retry = recheck_task
        if default_task_backend.supports_defer:
            retry = recheck_task.using(run_after=timezone.now() + RETRY_DELAY * (attempt + 1))
        retry.enqueue(household_ids, source, attempt + 1)


@task()
def recheck_task(household_ids: list[int], source: str, attempt: int) -> None:
    """A background retry of a failed re-check."""
    _try(household_ids, source, attempt)


@receiver(household_changed, dispatch_uid="monitoring_recheck")
def recheck_changed(sender: Any, household_ids: list[int], reason: str = "", **kwargs: Any) -> None:
    _try(list(household_ids), f"即时复核（{reason}）" if reason else "即时复核", 0)
