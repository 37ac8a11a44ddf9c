"""Building the demo registry: the five seed counties on their real villages, in bulk.

Deterministic for a seed (one `random.Random` per county, so a county comes out the same
whether built alone or with the others) and for a run date (ages are relative to it).
No history rows are written for generated data: it was never edited by anyone.
Demo households are recognised by their number, "D" + village code + sequence; a re-run
deletes the demo households of the counties it builds (and everything hanging off them)
and builds them again. Households entered by users are never touched.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from fupin.areas.models import Area, AreaLevel, AreaPopulation
from fupin.core.jobs import Progress
from fupin.registry.choices import HouseholdType, MemberStatus
from fupin.registry.models import Household, HouseholdStatus, Income, Member

from . import writer
from .figures import POPULATION_YEARS, CountyPlan, plan
from .households import Built, Spec, classify, incomes
from .names import cached_pinyin
from .people import IdMaker, Person, compose, fill, sizes

DEMO_PREFIX = "D"
CHUNK = 2000
SOURCE = "演示数据（合成）"

HOUSEHOLD_FIELDS = (
    "id", "household_no", "area", "group", "address", "head_name", "head_initials", "phone",
    "bank_account", "household_type", "exit_year", "welfare_status", "monitoring_type",
    "main_cause", "other_causes", "risk_types", "housing_grade", "water_safe", "identified_on",
    "relocated", "covid_confirmed", "created_at", "updated_at",
)
MEMBER_FIELDS = (
    "id", "household", "name", "name_pinyin", "name_initials", "resident_id", "sex",
    "birth_date", "relation_to_head", "ethnicity", "education", "schooling", "chronic_illness",
    "serious_illness", "disabled", "disability_grade", "labour", "employment", "months_worked",
    "medical_insurance", "critical_illness_insurance", "pension_insurance", "phone", "status",
    "joined_on", "left_on", "created_at", "updated_at",
)
STATUS_FIELDS = ("id", "household", "valid_from", "valid_to", "household_type", "exit_year",
                 "welfare_status", "monitoring_type", "reason")
INCOME_FIELDS = ("id", "household", "year", "wage_income", "business_income", "property_income",
                 "transfer_income", "business_cost", "members_counted", "window_start",
                 "window_end", "source", "created_at", "updated_at")
REASONS = {"poor": "建档立卡识别", "lifted": "脱贫退出", "ordinary": "大排查登记",
           "unstable": "纳入监测（脱贫不稳定户）", "edge": "纳入监测（边缘易致贫户）",
           "sudden": "纳入监测（突发严重困难户）"}


@dataclass
class Ids:
    household: int
    member: int
    status: int
    income: int


def build(codes: list[str], *, seed: int = 2020, scale: int | None = None,
          today: dt.date | None = None, progress: Progress | None = None) -> dict[str, Any]:
    """Replace the demo data of `codes` and return counts of what was written."""
    today = today or timezone.localdate()
    plans = plan(codes, scale)
    progress = progress or Progress()
    total = sum(g.households for p in plans for g in p.groups)
    progress.start(total, "清除旧的演示数据")
    written = {"households": 0, "members": 0, "statuses": 0, "incomes": 0}
    with transaction.atomic():
        for code in codes:
            writer.purge(Household.objects.filter(household_no__startswith=DEMO_PREFIX + code))
        ids = Ids(writer.next_id(Household), writer.next_id(Member),
                  writer.next_id(HouseholdStatus), writer.next_id(Income))
        for cp in plans:
            _county(cp, seed, today, ids, written, progress)
    writer.reset_sequences([Household, Member, HouseholdStatus, Income])
    return written


def _county(cp: CountyPlan, seed: int, today: dt.date, ids: Ids, written: dict[str, int],
            progress: Progress) -> None:
    code = cp.county.code
    rng = random.Random(f"{seed}:{code}")
    villages = list(Area.objects.filter(level=AreaLevel.VILLAGE, code__startswith=code)
                    .order_by("code").values_list("code", "name"))
    towns = dict(Area.objects.filter(level=AreaLevel.TOWNSHIP, code__startswith=code)
                 .values_list("code", "name"))
    rural = [c for c, _ in villages if int(c[-3:]) >= 200]  # 村 (200-399), not 社区
    poor = set(rng.sample(rural, min(cp.poor_villages, len(rural))))
    _mark_poor_villages(code, poor)
    _populations(cp)
    codes = [c for c, _ in villages]
    reg_w = [2.5 if c in poor else 1.0 if c in rural else 0.3 for c in codes]
    ord_w = [1.0 if c in rural else 0.6 for c in codes]
    specs: list[Spec] = []
    for g in cp.groups:
        weights = ord_w if g.household_type == HouseholdType.ORDINARY else reg_w
        where = rng.choices(range(len(codes)), weights, k=g.households)
        for v, size in zip(where, sizes(rng, g.households, g.people), strict=True):
            specs.append(Spec(codes[v], g.key, g.household_type, g.monitoring_type, size))
    specs.sort(key=lambda s: s.village)  # stable: households of a village get consecutive numbers
    address = {c: towns.get(c[:9], "") + n for c, n in villages}
    taken = set(Member.objects.filter(resident_id__startswith=code, status=MemberStatus.ACTIVE)
                .values_list("resident_id", flat=True))
    id_maker = IdMaker(code, taken)
    seq: dict[str, int] = {}
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    for chunk in _chunks(specs, CHUNK):
        rows: dict[str, list[tuple[Any, ...]]] = {"h": [], "m": [], "s": [], "i": []}
        for spec in chunk:
            seq[spec.village] = seq.get(spec.village, 0) + 1
            no = f"{DEMO_PREFIX}{spec.village}{seq[spec.village]:05d}"
            _household(rng, spec, no, address[spec.village], cp, today, id_maker, ids, rows, now)
        writer.insert(Household, HOUSEHOLD_FIELDS, rows["h"])
        writer.insert(Member, MEMBER_FIELDS, rows["m"])
        writer.insert(HouseholdStatus, STATUS_FIELDS, rows["s"])
        writer.insert(Income, INCOME_FIELDS, rows["i"])
        for key, name in (("h", "households"), ("m", "members"), ("s", "statuses"), ("i", "incomes")):
            written[name] += len(rows[key])
        progress.advance(len(chunk), f"{cp.county.name} 农户与成员")


def _chunks(items: list[Spec], n: int) -> Iterator[list[Spec]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _household(rng: random.Random, spec: Spec, no: str, address: str, cp: CountyPlan,
               today: dt.date, id_maker: IdMaker, ids: Ids, rows: dict[str, list[tuple[Any, ...]]],
               now: Any) -> None:
    people: list[Person] = compose(rng, spec.size)
    registered = spec.household_type != HouseholdType.ORDINARY
    fill(rng, people, registered=registered, today=today, ethnic=cp.county.ethnic, ids=id_maker)
    b: Built = classify(rng, spec, people)
    hid = ids.household
    ids.household += 1
    head = people[0]
    head_pinyin = cached_pinyin(head.name)
    group = f"{rng.randint(1, 12)}组"
    rows["h"].append((
        hid, no, spec.village, group, address + group, head.name, head_pinyin[1], "", "",
        spec.household_type, b.exit_year, b.welfare, spec.monitoring_type, b.main_cause,
        b.other_causes, b.risk_types, b.housing, b.water_safe, b.identified_on, b.relocated,
        False, now, now,
    ))
    start = b.periods[0][0] if b.periods else None
    for p in people:
        pinyin, initials = cached_pinyin(p.name)
        # Born after the household entered the registry: a member from birth on.
        joined = p.birth if start and p.birth > start else None
        rows["m"].append((
            ids.member, hid, p.name, pinyin, initials, p.resident_id, p.sex, p.birth,
            p.relation, p.ethnicity, p.education, p.schooling, p.chronic, p.serious, p.disabled,
            p.grade, p.labour, p.employment, p.months, p.insured, p.insured, p.pension, "",
            MemberStatus.ACTIVE, joined, None, now, now,
        ))
        ids.member += 1
    for valid_from, valid_to, htype, exit_year, welfare, monitoring in b.periods or []:
        reason = REASONS[monitoring or ("ordinary" if htype == HouseholdType.ORDINARY else htype)]
        rows["s"].append((ids.status, hid, valid_from, valid_to, htype, exit_year, welfare,
                          monitoring, reason))
        ids.status += 1
    for year, (wage, business, prop, transfer, cost) in incomes(rng, spec.group, b, people).items():
        rows["i"].append((ids.income, hid, year, wage, business, prop, transfer, cost, len(people),
                          dt.date(year, 1, 1), dt.date(year, 12, 31), SOURCE, now, now))
        ids.income += 1


def _mark_poor_villages(county: str, poor: set[str]) -> None:
    villages = Area.objects.filter(level=AreaLevel.VILLAGE, code__startswith=county)
    villages.exclude(code__in=poor).filter(is_poor_village=True).update(is_poor_village=False)
    villages.filter(code__in=poor).update(is_poor_village=True)


def _populations(cp: CountyPlan) -> None:
    for year in POPULATION_YEARS:
        AreaPopulation.objects.update_or_create(
            area_id=cp.county.code, year=year,
            defaults={"rural_population": cp.rural_population,
                      "source": f"演示数据：{cp.county.rural_population_source}"})
