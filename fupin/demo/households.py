"""Household-level attributes of a synthetic household: classification over time, causes,
welfare, housing, water and incomes."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from decimal import Decimal

from fupin.registry.choices import (
    HouseholdType,
    HousingGrade,
    Labour,
    PovertyCause,
    RiskType,
    WelfareStatus,
)

from .people import Person

PC = PovertyCause
# Main causes of registered households (rough national shares: illness leads).
CAUSES = (
    (PC.ILLNESS, 38), (PC.DISABILITY, 14), (PC.SCHOOLING, 8), (PC.DISASTER, 2),
    (PC.MARRIAGE, 1), (PC.NO_LAND, 2), (PC.NO_WATER, 1), (PC.NO_SKILLS, 11),
    (PC.NO_CAPITAL, 10), (PC.NO_LABOUR, 7), (PC.POOR_TRANSPORT, 2), (PC.NO_DRIVE, 3),
    (PC.OTHER, 1),
)
RISKS = {
    PC.ILLNESS: RiskType.ILLNESS, PC.DISABILITY: RiskType.DISABILITY,
    PC.SCHOOLING: RiskType.SCHOOLING, PC.DISASTER: RiskType.DISASTER,
    PC.NO_LABOUR: RiskType.NO_LABOUR,
}
EXIT_YEARS = ((2014, 8), (2015, 15), (2016, 22), (2017, 22), (2018, 15), (2019, 12), (2020, 6))
# Median per-capita net income (yuan) and spread by group: lifted households mostly above
# the 6,000 band, monitored ones near it, not-lifted ones under the 4,000 line.
INCOME = {
    "lifted": (10_000, 0.32, 4_300), "unstable": (5_700, 0.15, 4_100),
    "sudden_lifted": (7_500, 0.30, 4_100), "poor": (3_500, 0.18, 1_500),
    "edge": (5_400, 0.15, 3_000), "sudden_ordinary": (8_000, 0.30, 3_000),
    "ordinary": (15_000, 0.45, 4_000),
}
ORDINARY_FROM = dt.date(2019, 7, 1)  # ordinary households entered with the 2019 sweep
CENT = Decimal("0.01")


@dataclass
class Spec:
    """One household to build."""

    village: str
    group: str
    household_type: str
    monitoring_type: str
    size: int


@dataclass
class Built:
    household_no: str = ""
    main_cause: str = ""
    other_causes: list[str] | None = None
    risk_types: list[str] | None = None
    welfare: str = WelfareStatus.GENERAL
    exit_year: int | None = None
    identified_on: dt.date | None = None
    housing: str = HousingGrade.A
    water_safe: bool = True
    relocated: bool = False
    periods: list[tuple[dt.date, dt.date | None, str, int | None, str, str]] | None = None


def _date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def classify(rng: random.Random, spec: Spec, people: list[Person]) -> Built:
    """Cause, welfare, dates and status periods; marks members to fit the cause."""
    b = Built()
    registered = spec.household_type != HouseholdType.ORDINARY
    head = people[0]
    if registered:
        b.main_cause = rng.choices([c for c, _ in CAUSES], [w for _, w in CAUSES])[0]
        others = [c for c, _ in CAUSES if c != b.main_cause]
        b.other_causes = sorted(rng.sample(others, rng.choice((0, 1, 1, 2))))
        _fit_cause(rng, b.main_cause, people)
        elderly_alone = len(people) <= 2 and head.age >= 60
        r = rng.random()
        if r < (0.35 if elderly_alone else 0.02):
            b.welfare = WelfareStatus.TEKUN
        elif r < (0.35 if elderly_alone else 0.02) + 0.17:
            b.welfare = WelfareStatus.DIBAO
        b.housing = rng.choices("ABCD", (70, 28, 1.6, 0.4))[0]
        b.water_safe = rng.random() >= 0.008
        b.relocated = rng.random() < 0.03
    else:
        dibao = 0.12 if spec.monitoring_type else 0.015
        b.welfare = WelfareStatus.DIBAO if rng.random() < dibao else WelfareStatus.GENERAL
        b.housing = rng.choices("ABCD", (60, 36, 3, 1))[0]
        b.water_safe = rng.random() >= 0.015
    b.other_causes = b.other_causes or []
    b.risk_types = _risks(rng, b, people) if spec.monitoring_type else []
    b.periods = _periods(rng, spec, b)
    return b


def _fit_cause(rng: random.Random, cause: str, people: list[Person]) -> None:
    adults = [p for p in people if p.age >= 18] or people
    who = rng.choice(adults)
    if cause == PC.ILLNESS and not (who.chronic or who.serious):
        who.chronic = True
        who.serious = rng.random() < 0.25
    elif cause == PC.DISABILITY and not who.disabled:
        who.disabled, who.grade = True, rng.choices("1234", (15, 25, 30, 30))[0]
    else:
        return
    if who.serious or (who.disabled and who.grade in ("1", "2")):
        who.labour, who.employment, who.months = Labour.LOST, "none", 0


def _risks(rng: random.Random, b: Built, people: list[Person]) -> list[str]:
    risks: list[str] = []
    if b.main_cause in RISKS:
        risks.append(RISKS[PC(b.main_cause)])
    if any(p.serious or p.chronic for p in people) and RiskType.ILLNESS not in risks:
        risks.append(RiskType.ILLNESS)
    if not risks:
        risks.append(rng.choice((RiskType.UNSTABLE_JOB, RiskType.ACCIDENT, RiskType.BUSINESS_FAILURE,
                                 RiskType.DISASTER, RiskType.EPIDEMIC)))
    return risks[:2]


def _periods(rng: random.Random, spec: Spec, b: Built) -> list[tuple]:
    """HouseholdStatus periods: (valid_from, valid_to, type, exit_year, welfare, monitoring)."""
    L, P, ORD = HouseholdType.LIFTED, HouseholdType.POOR, HouseholdType.ORDINARY
    w, m = b.welfare, spec.monitoring_type
    monitored_on = _date(rng, dt.date(2020, 3, 1), dt.date(2020, 10, 31)) if m else None
    if spec.household_type == ORD:
        start = _date(rng, ORDINARY_FROM, dt.date(2019, 12, 31))
        if not m:
            return [(start, None, ORD, None, w, "")]
        return [(start, monitored_on, ORD, None, w, ""), (monitored_on, None, ORD, None, w, m)]
    if spec.household_type == P:
        year = rng.choices(range(2014, 2021), (60, 10, 8, 7, 6, 5, 4))[0]
        b.identified_on = _date(rng, dt.date(year, 3, 1), dt.date(year, 10, 31))
        return [(b.identified_on, None, P, None, w, "")]
    years = EXIT_YEARS if not m else EXIT_YEARS[:-1]  # monitored ones exited before 2020
    b.exit_year = rng.choices([y for y, _ in years], [w_ for _, w_ in years])[0]
    first = 2014 if rng.random() < 0.8 else rng.randint(2014, b.exit_year)
    b.identified_on = _date(rng, dt.date(first, 3, 1), dt.date(first, 9, 30))
    exit_on = dt.date(b.exit_year, 11, 30)
    out = [(b.identified_on, exit_on, P, None, w, "")]
    if not m:
        return out + [(exit_on, None, L, b.exit_year, w, "")]
    return out + [(exit_on, monitored_on, L, b.exit_year, w, ""),
                  (monitored_on, None, L, b.exit_year, w, m)]


def incomes(rng: random.Random, group: str, b: Built,
            people: list[Person]) -> dict[int, tuple[Decimal, ...]]:
    """(wage, business, property, transfer, business_cost) for 2019 and 2020."""
    median, sigma, floor = INCOME[group]
    pc2020 = max(floor, rng.lognormvariate(math.log(median), sigma))
    if group.startswith("sudden"):
        pc2019 = pc2020 * rng.uniform(1.3, 1.8)  # sudden hardship: income fell in 2020
    else:
        pc2019 = pc2020 / rng.uniform(1.03, 1.15)
    workers = sum(1 for p in people if p.works)
    out = {}
    for year, pc in ((2019, pc2019), (2020, pc2020)):
        net = pc * len(people)
        transfer_share = {WelfareStatus.DIBAO: rng.uniform(0.3, 0.45),
                          WelfareStatus.TEKUN: rng.uniform(0.6, 0.8)}.get(
            b.welfare, rng.uniform(0.04, 0.15))  # type: ignore[call-overload]
        transfer = net * transfer_share
        prop = net * rng.uniform(0.0, 0.04)
        rest = net - transfer - prop
        wage = rest * (rng.uniform(0.5, 0.8) if workers else rng.uniform(0.0, 0.1))
        business_net = rest - wage
        cost_share = rng.uniform(0.2, 0.45)
        business = business_net / (1 - cost_share)
        cost = business - business_net
        out[year] = tuple(Decimal(v).quantize(CENT) for v in (wage, business, prop, transfer, cost))
    return out
