"""A small hand-countable registry in Fengjie (500236).

Township A = 500236001: village A1 (VILLAGE_A), village A2; township B: village B1.

| household | village | type | monitoring | members |
|---|---|---|---|---|
| h1 | A1 | poor | - | 3 |
| h2 | A1 | lifted (2019) | unstable | 2 |
| h3 | A1 | ordinary | edge | 4 |
| h4 | A2 | lifted (2018) | - | 1 |
| h5 | A2 | ordinary | - | 2 |
| h6 | B1 | poor | sudden | 5 |

All from 2019-01-01. On 2026-03-15 h1 is lifted (exit_year 2020 is the rule's limit, so the
change lifts it with exit_year 2020).
"""

from __future__ import annotations

import datetime as dt

import pytest

from fupin.accounts.actors import SYSTEM
from fupin.core.testing import TOWNSHIP_A, VILLAGE_A, make_household, member_data, village_codes
from fupin.registry import services

CHANGE_DAY = dt.date(2026, 3, 15)


def members(n: int) -> list[dict]:
    out = [member_data("户主")]
    out += [member_data(f"成员{i}", relation="son", birth=dt.date(1995, 1, 1)) for i in range(1, n)]
    return out


@pytest.fixture
def small_registry(db):
    a1 = VILLAGE_A
    a2 = [v for v in village_codes(50, TOWNSHIP_A) if v != a1][0]
    b1 = [v for v in village_codes(3000) if v.startswith("500236") and not v.startswith(TOWNSHIP_A)][0]
    hh = {
        "h1": make_household(a1, household_type="poor", members=members(3)),
        "h2": make_household(a1, household_type="lifted", exit_year=2019,
                             monitoring_type="unstable", members=members(2)),
        "h3": make_household(a1, household_type="ordinary", monitoring_type="edge",
                             members=members(4)),
        "h4": make_household(a2, household_type="lifted", exit_year=2018, members=members(1)),
        "h5": make_household(a2, household_type="ordinary", members=members(2)),
        "h6": make_household(b1, household_type="poor", monitoring_type="sudden",
                             members=members(5)),
    }
    return {"a1": a1, "a2": a2, "b1": b1, "households": hh}


def lift_h1(world: dict) -> None:
    services.change_status(actor=SYSTEM, household=world["households"]["h1"], effective=CHANGE_DAY,
                           reason="脱贫", household_type="lifted", exit_year=2020)
