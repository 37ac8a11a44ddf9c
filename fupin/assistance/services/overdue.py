"""Overdue visits, set-based: one query annotates every visible household with its visit
kind, the start of its current visit period (per the applicable rule, month boundaries in
Asia/Shanghai), its last visit and its current helper."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone

from fupin.registry.models import Household, HouseholdQuerySet

from ..models import Assignment, Visit
from .rules import due_since_expr, visit_kind_expr


def local_today(now: dt.datetime | None = None) -> dt.date:
    """Today in Asia/Shanghai (settings.TIME_ZONE) for an aware `now` (default: now)."""
    return timezone.localdate(now) if now is not None else timezone.localdate()


def with_visit_status(qs: HouseholdQuerySet, day: dt.date) -> HouseholdQuerySet:
    current = Assignment.objects.filter(household=OuterRef("pk"), ended_on__isnull=True)
    last_visit = Visit.objects.filter(household=OuterRef("pk")).order_by("-visited_on", "-id")
    return (qs.annotate(visit_kind=visit_kind_expr())
            .filter(visit_kind__isnull=False)
            .annotate(due_since=due_since_expr(day),
                      last_visit=Subquery(last_visit.values("visited_on")[:1]),
                      helper_id=Subquery(current.values("helper_id")[:1]),
                      helper_name=Subquery(current.values("helper__name")[:1])))


def overdue_households(user: Any, *, now: dt.datetime | None = None, area: str = "",
                       helper: int | None = None) -> HouseholdQuerySet:
    """Households the user sees that have no visit in their current visit period."""
    day = local_today(now)
    qs = Household.objects.visible_to(user)
    if area:
        qs = qs.in_area(area)
    qs = with_visit_status(qs, day).filter(Q(last_visit__isnull=True) | Q(last_visit__lt=F("due_since")))
    if helper:
        lookup = "helper_id"  # an annotation, not a field
        qs = qs.filter(**{lookup: helper})  # type: ignore[misc]
    return qs.select_related("area").order_by("area_id", "household_no")


def overdue_by_helper(qs: HouseholdQuerySet) -> list[dict[str, Any]]:
    rows: Any = qs.order_by().values(  # type: ignore[misc]
        "helper_id", "helper_name").annotate(n=Count("pk")).order_by("-n")
    return list(rows)


def overdue_by_village(qs: HouseholdQuerySet) -> list[dict[str, Any]]:
    rows: Any = qs.order_by().values("area_id", "area__name").annotate(n=Count("pk")).order_by("area_id")
    return list(rows)
