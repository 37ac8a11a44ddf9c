"""Test helper: a real warning on a household, raised the way users raise one."""

import datetime as dt
from typing import Any

from fupin.accounts.actors import SYSTEM

from .models import Warning
from .services import add_event


def make_warning(household: Any, kind: str = "disaster") -> Warning:
    """Record a recent disaster, which fires DISASTER_OR_ACCIDENT at once (instant re-check)."""
    add_event(actor=SYSTEM, household=household, kind=kind,
              date=dt.date.today() - dt.timedelta(days=3), amount="1200")
    return Warning.objects.get(household=household, rule__code="DISASTER_OR_ACCIDENT",
                               status="open")
