"""Signals the registry sends after its services change a household.

`household_changed` is sent once the writing transaction has committed (every path: the
single services and the bulk service), never inside it: a listener that fails can then
never undo or mark failed a change that is already stored. Monitoring listens to re-check
the households' rules (the instant re-check; a bulk re-check for large sets); reports
listen to refresh the touched villages' snapshots in the background.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger("fupin.registry")

# sender=Household class; kwargs: household_ids (list[int]), reason (str)
household_changed = Signal()


def notify_changed(household_ids: Iterable[int], reason: str) -> None:
    """Send `household_changed` for these households after the current transaction commits
    (at once when there is none). A listener's error is logged, not raised: the change is
    committed; listeners retry on their own (see fupin.monitoring.signals)."""
    ids = sorted({int(i) for i in household_ids})
    if not ids:
        return
    from .models import Household

    def send() -> None:
        for receiver, result in household_changed.send_robust(
                sender=Household, household_ids=ids, reason=reason):
            if isinstance(result, Exception):
                logger.error("household_changed listener %r failed for %d households (%s): %s",
                             receiver, len(ids), reason, result, exc_info=result)

    transaction.on_commit(send, robust=True)
