"""Demo helpers and visits: every registered and monitored household of the demo counties
gets a helper, and visits are recorded so that visit compliance is realistic.

Helpers per county follow the published number of assistance cadres where the seeds give
it (Tongnan 5,903, Wanzhou 14,700, Yubei 4,167: households per helper as published); the
other counties use a chosen 3 households per helper. Helpers take consecutive households
of the county (ordered by village), so each has 2–3 households in one village (or two
neighbouring villages of a township: then the township is the helper's area).

Visits: for every household, the last ended visit period (monthly for monitored and not
yet lifted households, quarterly for lifted ones, per the assistance rules) gets a visit
with probability 0.85 (chosen), and the running period one with probability 0.9 × the part
of the period already gone. Compliance (visit_ok ÷ visit_due of the assistance indicators)
is then computed from these records like any other; it comes out near 85 %.

Deterministic for a seed; written set-based (COPY on PostgreSQL), no history rows (nobody
edited generated data). A re-run replaces the demo helpers of the counties it seeds.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from fupin.assistance.models import Assignment, AssistanceRule, Helper, Visit
from fupin.assistance.services.rules import (
    period_start,
    previous_period_start,
    rules_by_specificity,
)
from fupin.registry.models import Household

from . import writer
from .figures import COUNTIES
from .names import full_name, surname

# Published assistance cadres (seed_figures.md) and the registered households they serve
# at the default demo scale; households per helper elsewhere is chosen.
PUBLISHED_CADRES = {"500152": 5_903, "500101": 14_700, "500112": 4_167}
CHOSEN_PER_HELPER = 3
DEMO_POSITION = "演示帮扶干部"
P_ENDED = 0.85  # chosen: share of households visited in their last ended period
P_RUNNING = 0.9  # chosen: share visited by the end of the running period

HELPER_FIELDS = ("id", "name", "phone", "position", "area", "active", "created_at")
ASSIGNMENT_FIELDS = ("id", "household", "helper", "started_on", "reason", "created_at")
VISIT_FIELDS = ("id", "household", "helper", "visited_on", "channel", "findings", "policies_explained",
                "measures_agreed", "updates", "checkin_photo", "signature", "confirmed_by", "created_at")
FINDINGS = ("入户了解收入和就医情况，家中生活正常", "了解务工和产业收入，“两不愁三保障”稳定",
            "核实住房和饮水安全，无新增风险", "宣讲医保和防返贫监测政策，户主知晓",
            "子女按时上学，家中老人身体平稳")
POLICIES = ("医保参保、大病保险", "雨露计划、教育资助", "公益性岗位、务工补贴", "防返贫监测申报渠道")


def registered_default(code: str) -> int:
    """Registered and monitored households of a county at the default demo scale."""
    c = COUNTIES[code]
    return c.lifted.households + c.poor.households + c.edge.households + c.sudden_ordinary.households


def helpers_for(code: str, households: int) -> int:
    """How many helpers a county gets for `households` registered/monitored households."""
    if households <= 0:
        return 0
    if code in PUBLISHED_CADRES and code in COUNTIES:
        ratio = PUBLISHED_CADRES[code] / registered_default(code)
        return max(1, min(households, round(households * ratio)))
    return max(1, -(-households // CHOSEN_PER_HELPER))


def _kind(household_type: str, monitoring_type: str) -> str | None:
    if monitoring_type:
        return "monitored"
    return {"poor": "poor", "lifted": "lifted"}.get(household_type)


def _months(code: str, kind: str, cache: dict[tuple[str, str], Any]) -> int:
    key = (code, kind)
    if key not in cache:
        rules = cache.setdefault(("", "_rules"), rules_by_specificity())
        rule = next(r for r in [*rules, AssistanceRule(area_code="")] if code.startswith(r.area_code))
        cache[key] = int(getattr(rule, {"monitored": "visit_months_monitored", "poor": "visit_months_poor",
                                        "lifted": "visit_months_lifted"}[kind]))
    return cache[key]


def _day_in(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A day in [start, end] (inclusive)."""
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def seed_field(codes: list[str], *, seed: int = 2020, today: dt.date | None = None) -> dict[str, Any]:
    """Assign helpers to every registered and monitored household of `codes` and record
    visits; returns counts per county (helpers, households, visits)."""
    today = today or timezone.localdate()
    out: dict[str, Any] = {}
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    months_cache: dict[tuple[str, str], Any] = {}
    with transaction.atomic():
        for code in codes:
            out[code] = _county(code, seed, today, now, months_cache)
        writer.reset_sequences([Helper, Assignment, Visit])
    return out


def _county(code: str, seed: int, today: dt.date, now: Any, months_cache: dict[tuple[str, str], Any]) -> dict[str, int]:
    rng = random.Random(f"{seed}:field:{code}")
    old = Helper.objects.filter(position=DEMO_POSITION, area__code__startswith=code)
    writer.purge(Visit.objects.filter(helper__in=old))  # generated visits of the last run
    writer.purge(Assignment.objects.filter(helper__in=old))
    writer.purge(old)
    assigned = Assignment.objects.filter(household=OuterRef("pk"), ended_on__isnull=True)
    rows = list(Household.objects.filter(area__code__startswith=code)
                .filter(Q(household_type__in=["poor", "lifted"]) | ~Q(monitoring_type=""))
                .filter(~Exists(assigned))
                .order_by("area_id", "household_no")
                .values_list("pk", "area_id", "household_type", "monitoring_type"))
    n = len(rows)
    h = helpers_for(code, n)
    if not n:
        return {"helpers": 0, "households": 0, "visits": 0}
    helper_id, assign_id, visit_id = writer.next_id(Helper), writer.next_id(Assignment), writer.next_id(Visit)
    started = dt.date(today.year - 1, 1, 1)
    # helper k takes rows [k*n//h, (k+1)*n//h): 2-3 consecutive households
    helpers: list[tuple[Any, ...]] = []
    assignments: list[tuple[Any, ...]] = []
    visits: list[tuple[Any, ...]] = []
    for k in range(h):
        block = rows[k * n // h:(k + 1) * n // h]
        villages = {r[1] for r in block}
        area = block[0][1] if len(villages) == 1 else block[0][1][:9]
        sex = "M" if rng.random() < 0.6 else "F"
        helpers.append((helper_id, full_name(rng, surname(rng), sex), f"1{rng.randint(3, 9)}{rng.randint(0, 10**9 - 1):09d}",
                        DEMO_POSITION, area, True, now))
        for pk, village, htype, mtype in block:
            assignments.append((assign_id, pk, helper_id, started, "演示数据结对", now))
            assign_id += 1
            kind = _kind(htype, mtype)
            if kind is None:
                continue
            months = _months(village, kind, months_cache)
            cur = period_start(today, months)
            prev = previous_period_start(today, months)
            if rng.random() < P_ENDED:
                visits.append(_visit(rng, visit_id, pk, helper_id, _day_in(rng, prev, cur - dt.timedelta(days=1)), now))
                visit_id += 1
            gone = ((today - cur).days + 1) / max(1, (_next_start(cur, months) - cur).days)
            if rng.random() < P_RUNNING * gone:
                visits.append(_visit(rng, visit_id, pk, helper_id, _day_in(rng, cur, today), now))
                visit_id += 1
        helper_id += 1
    writer.insert(Helper, HELPER_FIELDS, helpers)
    writer.insert(Assignment, ASSIGNMENT_FIELDS, assignments)
    writer.insert(Visit, VISIT_FIELDS, visits)
    return {"helpers": len(helpers), "households": n, "visits": len(visits)}


def _next_start(start: dt.date, months: int) -> dt.date:
    index = start.year * 12 + start.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _visit(rng: random.Random, pk: int, household: int, helper: int, day: dt.date, now: Any) -> tuple[Any, ...]:
    channel = "home" if rng.random() < 0.85 else "phone"
    return (pk, household, helper, day, channel, rng.choice(FINDINGS), rng.choice(POLICIES), "", {}, "", "",
            "户主" if channel == "home" else "", now)
