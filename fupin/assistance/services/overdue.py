"""Due and overdue visits, set-based: one query annotates every visible household with its
visit kind, the start of its current visit period and of the last ENDED period (per the
applicable rule, month boundaries in Asia/Shanghai), its last visit, its current helper and
its visit state:

- ``done``: visited in the current period;
- ``due`` (本期待走访): not yet visited in the current period, but the last ended period had
  a visit: nothing is late, the household is on this period's to-do list;
- ``overdue`` (逾期未走访): the last ended period ended without a visit (and none since).

So on 3 December a monthly household visited in November is *due*, not overdue; it becomes
overdue on 1 January if December passes without a visit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, CharField, Count, F, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from fupin.registry.models import Household, HouseholdQuerySet

from ..models import Assignment, Visit
from .rules import due_since_expr, prev_since_expr, visit_kind_expr

DONE, DUE, OVERDUE = "done", "due", "overdue"
STATE_LABELS = {DONE: "本期已走访", DUE: "本期待走访", OVERDUE: "逾期未走访"}
OVERDUE_Q = Q(last_visit__isnull=True) | Q(last_visit__lt=F("prev_since"))
DUE_Q = Q(last_visit__gte=F("prev_since"), last_visit__lt=F("due_since"))


def local_today(now: dt.datetime | None = None) -> dt.date:
    """Today in Asia/Shanghai (settings.TIME_ZONE) for an aware `now` (default: now)."""
    return timezone.localdate(now) if now is not None else timezone.localdate()


def with_visit_status(qs: HouseholdQuerySet, day: dt.date) -> HouseholdQuerySet:
    current = Assignment.objects.filter(household=OuterRef("pk"), ended_on__isnull=True)
    last_visit = Visit.objects.filter(household=OuterRef("pk"), visited_on__lte=day).order_by(
        "-visited_on", "-id")
    return (qs.annotate(visit_kind=visit_kind_expr())
            .filter(visit_kind__isnull=False)
            .annotate(due_since=due_since_expr(day), prev_since=prev_since_expr(day),
                      last_visit=Subquery(last_visit.values("visited_on")[:1]),
                      helper_id=Subquery(current.values("helper_id")[:1]),
                      helper_name=Subquery(current.values("helper__name")[:1]))
            .annotate(visit_state=Case(When(OVERDUE_Q, then=Value(OVERDUE)),
                                       When(DUE_Q, then=Value(DUE)),
                                       default=Value(DONE), output_field=CharField())))


def _households(user: Any, state_q: Q, *, now: dt.datetime | None, area: str,
                helper: int | None) -> HouseholdQuerySet:
    day = local_today(now)
    qs = Household.objects.visible_to(user)
    if area:
        qs = qs.in_area(area)
    qs = with_visit_status(qs, day).filter(state_q)
    if helper:
        lookup = "helper_id"  # an annotation, not a field
        qs = qs.filter(**{lookup: helper})  # type: ignore[misc]
    return qs.select_related("area").order_by("area_id", "household_no")


def overdue_households(user: Any, *, now: dt.datetime | None = None, area: str = "",
                       helper: int | None = None) -> HouseholdQuerySet:
    """Households the user sees whose last ended visit period passed without a visit."""
    return _households(user, OVERDUE_Q, now=now, area=area, helper=helper)


def due_households(user: Any, *, now: dt.datetime | None = None, area: str = "",
                   helper: int | None = None) -> HouseholdQuerySet:
    """Households the user sees to visit in the current period (not late yet)."""
    return _households(user, DUE_Q, now=now, area=area, helper=helper)


def visit_state_of(household: Household, day: dt.date | None = None) -> dict[str, Any]:
    """The visit state of one household (for its page): state, label and the periods."""
    day = day or local_today()
    qs: Any = with_visit_status(Household.objects.filter(pk=household.pk), day)
    row: Any = qs.values("visit_state", "due_since", "prev_since", "last_visit").first()
    if row is None:
        return {}
    return {**row, "label": STATE_LABELS[row["visit_state"]]}


def overdue_by_helper(qs: HouseholdQuerySet) -> list[dict[str, Any]]:
    rows: Any = qs.order_by().values(  # type: ignore[misc]
        "helper_id", "helper_name").annotate(n=Count("pk")).order_by("-n")
    return list(rows)


def overdue_by_village(qs: HouseholdQuerySet) -> list[dict[str, Any]]:
    rows: Any = qs.order_by().values("area_id", "area__name").annotate(n=Count("pk")).order_by("area_id")
    return list(rows)
