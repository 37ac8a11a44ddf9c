"""The headline figures of an area: households and people by registry class and monitoring
type, rural population and poverty incidence, now or as of a date.

Set-based: one aggregate over households, one over members, one for the population; never a
loop over households. The reports app reuses `area_summary`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q

from fupin.accounts.actors import SYSTEM, Actor, check_actor
from fupin.accounts.scope import area_in_scope, scope_q
from fupin.areas.models import LEVEL_BY_LENGTH, Area, AreaPopulation

from .choices import REGISTERED_TYPES, HouseholdType, MemberStatus, MonitoringType
from .models import Household, HouseholdStatus, Member, status_as_of

# key -> condition on the classification columns (household_type, monitoring_type)
CLASSES: dict[str, Q] = {
    "": Q(),
    "registered_": Q(household_type__in=REGISTERED_TYPES),
    "lifted_": Q(household_type=HouseholdType.LIFTED),
    "poor_": Q(household_type=HouseholdType.POOR),
    "ordinary_": Q(household_type=HouseholdType.ORDINARY),
    "monitored_": ~Q(monitoring_type=""),
    # MECHANISM §5.3: monitored households split into 风险未消除 / 风险已消除
    "at_risk_": ~Q(monitoring_type="") & Q(risk_eliminated=False),
    "eliminated_": ~Q(monitoring_type="") & Q(risk_eliminated=True),
    "unstable_": Q(monitoring_type=MonitoringType.UNSTABLE),
    "edge_": Q(monitoring_type=MonitoringType.EDGE),
    "sudden_": Q(monitoring_type=MonitoringType.SUDDEN),
}
KEYS = [f"{prefix}{what}" for prefix in CLASSES for what in ("households", "people")]


def _prefixed(q: Q, prefix: str) -> Q:
    """Re-root a Q on classification fields under a relation path (e.g. "household__")."""
    out = Q(_connector=q.connector, _negated=q.negated)
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(_prefixed(child, prefix))
        else:
            field, value = child  # type: ignore[misc]
            out.children.append((prefix + field, value))
    return out


def area_summary(area_code: str, as_of: dt.date | None = None, *,
                 user: Actor = SYSTEM) -> dict[str, Any]:
    """Figures of the area whose code starts with `area_code`.

    Without `as_of`: the registry as it stands (household columns, members in the register).
    With `as_of`: the HouseholdStatus period in force that day and the members who belonged
    to their household that day. Refused unless the area is within the user's scope, and
    counted over what the user may see (everything for the SystemActor, the default).
    """
    code = str(area_code).strip()
    check_actor(user)
    if not area_in_scope(user, code):
        raise PermissionDenied(f"区划 {code} 不在用户 {user.username} 的管辖范围内")
    out: dict[str, Any] = {"area_code": code, "area_name": _area_name(code),
                           "as_of": as_of.isoformat() if as_of else None}
    out.update(_households(code, as_of, user))
    out.update(_people(code, as_of, user))
    out = {**{k: v for k, v in out.items() if k not in KEYS}, **{k: out[k] for k in KEYS}}
    year = (as_of or _today()).year
    population, population_year = rural_population(code, year)
    out["rural_population"] = population
    out["population_year"] = population_year
    out["incidence"] = out["poor_people"] / population if population else None
    return out


def _today() -> dt.date:
    from django.utils import timezone
    return timezone.localdate()


def _area_name(code: str) -> str:
    area = Area.objects.filter(code=code).first()
    return area.name if area else ""


def _households(code: str, as_of: dt.date | None, user: Any) -> dict[str, int]:
    if as_of is None:
        qs: Any = Household.objects.filter(area__code__startswith=code).visible_to(user)
    else:
        qs = HouseholdStatus.objects.filter(status_as_of(as_of),
                                            household__area__code__startswith=code)
        qs = qs.filter(scope_q(user, "household__area__code"))
    counts = qs.aggregate(**{f"{p}households": Count("pk", filter=q or None)
                             for p, q in CLASSES.items()})
    return {k: int(v or 0) for k, v in counts.items()}


def _people(code: str, as_of: dt.date | None, user: Any) -> dict[str, int]:
    if as_of is None:
        qs: Any = Member.objects.filter(household__area__code__startswith=code,
                                        status=MemberStatus.ACTIVE)
        rel = "household__"
    else:
        # One status row per household is in force on a day, so this join keeps one row per
        # member; the aggregate below reuses the same join.
        qs = Member.objects.as_of(as_of).filter(
            _prefixed(status_as_of(as_of), "household__statuses__"),
            household__area__code__startswith=code)
        rel = "household__statuses__"
    qs = qs.filter(scope_q(user, "household__area__code"))
    counts = qs.aggregate(**{f"{p}people": Count("pk", filter=_prefixed(q, rel) if q else None)
                             for p, q in CLASSES.items()})
    return {k: int(v or 0) for k, v in counts.items()}


def rural_population(code: str, year: int) -> tuple[int | None, int | None]:
    """Rural registered population of the area for `year` (latest year not after it, else
    the earliest recorded). An area without its own figure sums the highest level below it
    that has figures (e.g. a city from its counties)."""
    rows = AreaPopulation.objects.filter(area__code__startswith=code)
    if not rows.exists():
        return None, None
    own = rows.filter(area_id=code)
    if own.exists():
        rows = own
    else:
        depth = min(len(c) for c in rows.values_list("area_id", flat=True).distinct())
        rows = rows.filter(area__level=LEVEL_BY_LENGTH.get(depth, ""))
    years = sorted(set(rows.values_list("year", flat=True)))
    chosen = max((y for y in years if y <= year), default=years[0])
    total = sum(rows.filter(year=chosen).values_list("rural_population", flat=True))
    return int(total), chosen
