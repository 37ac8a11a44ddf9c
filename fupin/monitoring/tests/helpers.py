"""Shared helpers of the monitoring tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fupin.accounts.actors import SYSTEM
from fupin.core.testing import make_household, member_data
from fupin.monitoring.models import Warning
from fupin.registry import services as registry


def live_codes(household: Any) -> set[str]:
    return set(Warning.objects.filter(household=household, status__in=["open", "dismissed", "decided"])
               .values_list("rule__code", flat=True))


def warning(household: Any, code: str) -> Warning:
    return Warning.objects.get(household=household, rule__code=code, status__in=["open", "dismissed", "decided"])


def income(household: Any, year: int, per_capita: Any, members: int = 1) -> None:
    registry.set_income(actor=SYSTEM, household=household, year=year,
                        components={"wage_income": str(per_capita * members)},
                        members_counted=members)


def child(birth: dt.date, **extra: Any) -> dict[str, Any]:
    data = member_data("小明", "son", birth=birth, labour="none", schooling="primary",
                       education="primary")
    data.update(extra)
    return data


def household_with(*members: dict[str, Any], **fields: Any) -> Any:
    return make_household(members=[member_data(), *members], **fields)
